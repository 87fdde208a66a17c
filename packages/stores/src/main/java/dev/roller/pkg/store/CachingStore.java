package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A local disk cache in front of a remote store (S3), for config servers. The remote store is the
 * record: puts and listings go to it. Reads are served from the cache; a miss fetches the tarball,
 * checks it against the remote sha256, stores it in the cache, then serves it. Concurrent reads of
 * one missing package fetch it once. Each cache entry is re-hashed the first time this process
 * serves it; a corrupt one is evicted and fetched again. Cached packages stay readable while the
 * remote store is down. A package the remote store does not have is answered missing for {@link
 * #MISSING_FOR} without asking again, unless it is published through this cache meanwhile: a
 * commit naming a package not yet published has every host polling its spec ask for it, and that
 * makes one remote look per package in that time, not one per request. Thread-safe.
 */
public final class CachingStore implements PackageStore {
  private final PackageStore remote;
  private final FilesystemStore cache;
  private final Path cacheDir;
  private final Set<PackageRef> verified = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<PackageRef, CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
  /** How long a package the remote store did not have is taken to be missing without asking again. */
  public static final java.time.Duration MISSING_FOR = java.time.Duration.ofSeconds(2);
  /** The most packages remembered missing; past it, all are forgotten (asked again, never wrongly kept). */
  static final int MISSING_KEPT = 10_000;
  /** Packages the remote store did not have, and until when (the clock's nanoseconds) that answer holds. */
  private final ConcurrentHashMap<PackageRef, Long> missingUntil = new ConcurrentHashMap<>();
  private final java.util.function.LongSupplier nanoClock;

  public CachingStore(PackageStore remote, Path cacheDir) {
    this(remote, cacheDir, System::nanoTime);
  }

  /** With {@code nanoClock} in place of {@link System#nanoTime} (tests: time passing without a wait). */
  CachingStore(PackageStore remote, Path cacheDir, java.util.function.LongSupplier nanoClock) {
    this.remote = remote;
    this.cacheDir = cacheDir;
    this.cache = new FilesystemStore(cacheDir);
    this.nanoClock = nanoClock;
  }

  @Override
  public Optional<StoredPackage> head(PackageRef id) throws IOException {
    Optional<StoredPackage> cached = cache.head(id);
    if (cached.isPresent()) {
      return cached;
    }
    long now = nanoClock.getAsLong();
    Long until = missingUntil.get(id);
    if (until != null && now - until < 0) {
      return Optional.empty();
    }
    Optional<StoredPackage> found = remote.head(id);
    if (found.isPresent()) {
      missingUntil.remove(id);
    } else {
      if (missingUntil.size() >= MISSING_KEPT) {
        missingUntil.clear();
      }
      missingUntil.put(id, now + MISSING_FOR.toNanos());
    }
    return found;
  }

  @Override
  public InputStream open(PackageRef id) throws IOException, NoSuchPackageException {
    fetch(id);
    return cache.open(id);
  }

  /** Reads served from the cache without a download. */
  public long hits() {
    return hits.sum();
  }

  /** Reads that had to download from the remote store. */
  public long misses() {
    return misses.sum();
  }

  /** Makes sure {@code id} is in the cache and sound, fetching it (once, however many ask) if not. */
  public void fetch(PackageRef id) throws IOException, NoSuchPackageException {
    if (verified.contains(id)) {
      hits.increment();
      return;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = fetching.putIfAbsent(id, mine);
    if (running != null) {
      await(running);
      return;
    }
    try {
      if (cachedAndSound(id)) {
        hits.increment();
      } else {
        misses.increment();
        download(id);
      }
      verified.add(id);
      mine.complete(null);
    } catch (IOException | NoSuchPackageException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      fetching.remove(id, mine);
    }
  }

  /** Whether hashing the cached tarball gives the sha256 it was stored with; a corrupt entry is evicted. */
  private boolean cachedAndSound(PackageRef id) throws IOException {
    Optional<StoredPackage> cached = cache.head(id);
    if (cached.isEmpty()) {
      return false;
    }
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = cache.open(id)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    } catch (NoSuchPackageException e) {
      return false;
    }
    if (Sha256.of(digest).equals(cached.get().sha256())) {
      return true;
    }
    cache.evict(id);
    return false;
  }

  private void download(PackageRef id) throws IOException, NoSuchPackageException {
    StoredPackage stored = remote.head(id).orElseThrow(() -> new NoSuchPackageException(id, "the package store"));
    Files.createDirectories(cacheDir);
    Path temp = Files.createTempFile(cacheDir, ".fetch-" + id + ".", ".tmp");
    try {
      MessageDigest digest = Sha256.newDigest();
      try (InputStream in = remote.open(id); OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        in.transferTo(out);
      }
      Sha256 actual = Sha256.of(digest);
      if (!actual.equals(stored.sha256())) {
        throw new IOException("fetched " + id + " has sha256 " + actual + " but the store records " + stored.sha256()
            + ": the stored object is damaged; remove it and publish again");
      }
      cache.put(id, temp, actual);
    } catch (PackageException e) {
      throw new IOException("cannot cache " + id + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void await(CompletableFuture<Void> running) throws IOException, NoSuchPackageException {
    try {
      running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a package download", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NoSuchPackageException missing) {
        throw missing;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }

  @Override
  public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
    PutResult result = remote.put(id, tarball, sha256);
    cache.put(id, tarball, sha256);
    verified.add(id); // and head finds it in the cache at once, missing before or not
    return result;
  }

  @Override
  public List<String> names() throws IOException {
    return remote.names();
  }

  /** Reports are the remote store's, so every server sees every host's. */
  @Override
  public String putReport(String host, byte[] report) throws IOException {
    return remote.putReport(host, report);
  }

  @Override
  public Optional<byte[]> report(String host) throws IOException {
    return remote.report(host);
  }

  @Override
  public Map<String, String> reportTags() throws IOException {
    return remote.reportTags();
  }

  @Override
  public Optional<byte[]> reportIndex(long max) throws IOException {
    return remote.reportIndex(max);
  }

  @Override
  public void putReportIndex(byte[] index) throws IOException {
    remote.putReportIndex(index);
  }

  @Override
  public List<byte[]> history(String host, int limit) throws IOException {
    return remote.history(host, limit);
  }

  @Override
  public int trimHistory(String host, int keep) throws IOException {
    return remote.trimHistory(host, keep);
  }

  @Override
  public void putPublisher(PackageRef id, String line) throws IOException {
    remote.putPublisher(id, line);
  }

  @Override
  public Optional<String> publisher(PackageRef id) throws IOException {
    return remote.publisher(id);
  }

  @Override
  public List<StoredPackage> versions(String name) throws IOException {
    return remote.versions(name);
  }
}
