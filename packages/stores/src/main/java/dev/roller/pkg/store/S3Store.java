package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.model.VersionOrder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A package store in an S3 bucket (AWS S3 or any S3-compatible endpoint):
 * {@code <prefix>packages/<name>/<version>.tar.gz}, the sha256 in the object's {@code sha256}
 * metadata. Write-once through a conditional put ({@code If-None-Match: *}): of racing writers
 * exactly one wins, and a loser compares sha256s to tell a no-op from a conflict. Packages over
 * {@link #MULTIPART_THRESHOLD} go up in parts, completed with the same condition. Thread-safe.
 *
 * <p>Every call has a connect timeout and a total timeout, so a dead endpoint gives a clear
 * {@link IOException} in bounded time rather than a hang.
 */
public final class S3Store implements PackageStore, AutoCloseable {
  static final String SHA_METADATA = "sha256";
  static final long MULTIPART_THRESHOLD = 32L << 20;
  private static final long PART_SIZE = 16L << 20;
  /** Shards of the reports listed at once (the HTTP client keeps 50 connections). */
  static final int LISTERS = 16;

  private final S3Client s3;
  private final S3Settings settings;

  public S3Store(S3Client s3, S3Settings settings) {
    this.s3 = s3;
    this.settings = settings;
  }

  /** A store with its own client, configured from {@code settings}. */
  public static S3Store create(S3Settings settings) {
    var builder = S3Client.builder()
        .region(Region.of(settings.region()))
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(settings.connectTimeout())
            .socketTimeout(settings.connectTimeout().multipliedBy(6)))
        .overrideConfiguration(o -> o
            .apiCallTimeout(settings.callTimeout())
            .retryStrategy(RetryMode.STANDARD));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint()).forcePathStyle(true);
    }
    if (settings.accessKey() != null) {
      builder.credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return new S3Store(builder.build(), settings);
  }

  private String key(PackageRef id) {
    return settings.prefix() + StoreKeys.tarball(id);
  }

  @Override
  public Optional<StoredPackage> head(PackageRef id) throws IOException {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(settings.bucket()).key(key(id)));
      return Optional.of(new StoredPackage(id, sha256(id, head.metadata()), head.contentLength()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("head " + id, e);
    } catch (SdkException e) {
      throw failure("head " + id, e);
    }
  }

  @Override
  public InputStream open(PackageRef id) throws IOException, NoSuchPackageException {
    try {
      return s3.getObject(b -> b.bucket(settings.bucket()).key(key(id)));
    } catch (NoSuchKeyException e) {
      throw new NoSuchPackageException(id, settings.describe());
    } catch (SdkException e) {
      throw failure("get " + id, e);
    }
  }

  @Override
  public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
    Map<String, String> metadata = Map.of(SHA_METADATA, sha256.hex());
    try {
      long size = Files.size(tarball);
      if (size > MULTIPART_THRESHOLD) {
        putInParts(id, tarball, size, metadata);
      } else {
        s3.putObject(b -> b.bucket(settings.bucket()).key(key(id)).metadata(metadata).ifNoneMatch("*"),
            RequestBody.fromFile(tarball));
      }
      return PutResult.CREATED;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        // Someone stored this name-version first: the same bytes are a no-op, others a conflict.
        StoredPackage stored = head(id).orElseThrow(() -> failure("put " + id, e));
        if (stored.sha256().equals(sha256)) {
          return PutResult.UNCHANGED;
        }
        throw new PackageConflictException(id, stored.sha256(), sha256);
      }
      throw failure("put " + id, e);
    } catch (SdkException e) {
      throw failure("put " + id, e);
    }
  }

  private void putInParts(PackageRef id, Path tarball, long size, Map<String, String> metadata) throws IOException {
    String key = key(id);
    String uploadId = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key).metadata(metadata)).uploadId();
    boolean completed = false;
    try (var channel = java.nio.channels.FileChannel.open(tarball)) {
      List<CompletedPart> parts = new ArrayList<>();
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) PART_SIZE);
      int number = 1;
      for (long offset = 0; offset < size; offset += PART_SIZE, number++) {
        buffer.clear();
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // fill the part
        }
        buffer.flip();
        int partNumber = number;
        String etag = s3.uploadPart(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId).partNumber(partNumber),
            RequestBody.fromByteBuffer(buffer)).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId).ifNoneMatch("*")
          .multipartUpload(m -> m.parts(parts)));
      completed = true;
    } finally {
      if (!completed) {
        try {
          s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
          // The upload expires by the bucket's lifecycle rules; the failure that got us here matters more.
        }
      }
    }
  }

  @Override
  public List<String> names() throws IOException {
    String prefix = settings.prefix() + StoreKeys.PACKAGES;
    List<String> names = new ArrayList<>();
    try {
      ListObjectsV2Request request = ListObjectsV2Request.builder()
          .bucket(settings.bucket()).prefix(prefix).delimiter("/").build();
      for (var page : s3.listObjectsV2Paginator(request)) {
        for (CommonPrefix common : page.commonPrefixes()) {
          String name = common.prefix().substring(prefix.length(), common.prefix().length() - 1);
          if (NameRule.PACKAGE.matches(name)) {
            names.add(name);
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list packages", e);
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  @Override
  public List<StoredPackage> versions(String name) throws IOException {
    String prefix = settings.prefix() + StoreKeys.versionsOf(name);
    List<StoredPackage> out = new ArrayList<>();
    try {
      ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix).build();
      for (var page : s3.listObjectsV2Paginator(request)) {
        for (S3Object object : page.contents()) {
          String version = StoreKeys.versionOf(name, object.key().substring(settings.prefix().length()));
          if (version != null) {
            head(new PackageRef(name, version)).ifPresent(out::add);
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list versions of " + name, e);
    }
    out.sort(Comparator.comparing(p -> p.id().version(), VersionOrder.INSTANCE));
    return out;
  }

  @Override
  public String putReport(String host, byte[] report) throws IOException {
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.historyEntry(host, System.currentTimeMillis()))
          .contentType("application/yaml"), RequestBody.fromBytes(report));
    } catch (SdkException e) {
      throw failure("add the report of " + host + " to its history", e);
    }
    try {
      return s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.report(host)).contentType("application/yaml"),
          RequestBody.fromBytes(report)).eTag();
    } catch (SdkException e) {
      throw failure("put the report of " + host, e);
    }
  }

  @Override
  public Optional<byte[]> reportIndex(long max) throws IOException {
    String key = settings.prefix() + StoreKeys.REPORT_INDEX;
    try (var in = s3.getObject(b -> b.bucket(settings.bucket()).key(key))) {
      Long size = in.response().contentLength();
      if (size != null && size > max) {
        throw new IOException(settings.describe() + ": " + key + " is " + size + " bytes, more than the " + max
            + " a report index may be");
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw new IOException(settings.describe() + ": " + key + " is more than the " + max + " bytes a report index may be");
      }
      return Optional.of(bytes);
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("get the report index", e);
    }
  }

  @Override
  public void putReportIndex(byte[] index) throws IOException {
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.REPORT_INDEX)
          .contentType("application/gzip"), RequestBody.fromBytes(index));
    } catch (SdkException e) {
      throw failure("put the report index", e);
    }
  }

  @Override
  public List<byte[]> history(String host, int limit) throws IOException {
    List<byte[]> out = new ArrayList<>();
    List<String> keys = historyKeys(host);
    for (int i = keys.size() - 1; i >= 0 && out.size() < limit; i--) {
      String key = keys.get(i);
      try {
        out.add(s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key)).asByteArray());
      } catch (NoSuchKeyException trimmed) {
        // removed by a trim since the listing
      } catch (SdkException e) {
        throw failure("get the history of " + host, e);
      }
    }
    return out;
  }

  @Override
  public int trimHistory(String host, int keep) throws IOException {
    List<String> keys = historyKeys(host);
    List<String> old = keys.subList(0, Math.max(0, keys.size() - keep));
    for (int from = 0; from < old.size(); from += 1000) { // DeleteObjects takes at most 1000 keys
      List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> batch = old.subList(from, Math.min(old.size(), from + 1000))
          .stream().map(k -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(k).build()).toList();
      try {
        s3.deleteObjects(b -> b.bucket(settings.bucket()).delete(d -> d.objects(batch).quiet(true)));
      } catch (SdkException e) {
        throw failure("trim the history of " + host, e);
      }
    }
    return old.size();
  }

  /** The keys of {@code host}'s history, oldest first. */
  private List<String> historyKeys(String host) throws IOException {
    String prefix = settings.prefix() + StoreKeys.historyOf(host);
    List<String> keys = new ArrayList<>();
    try {
      for (var page : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix).build())) {
        for (S3Object object : page.contents()) {
          if (StoreKeys.isHistoryEntry(object.key().substring(prefix.length()))) {
            keys.add(object.key());
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list the history of " + host, e);
    }
    keys.sort(Comparator.naturalOrder());
    return keys;
  }

  @Override
  public Optional<byte[]> report(String host) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.report(host)))
          .asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("get the report of " + host, e);
    }
  }

  @Override
  public void putPublisher(PackageRef id, String line) throws IOException {
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.tarball(id) + ".published").ifNoneMatch("*"),
          RequestBody.fromString(line + "\n"));
    } catch (S3Exception e) {
      if (e.statusCode() != 412 && e.statusCode() != 409) {
        throw failure("keep the publisher of " + id, e);
      }
      // the first publisher stays
    } catch (SdkException e) {
      throw failure("keep the publisher of " + id, e);
    }
  }

  @Override
  public Optional<String> publisher(PackageRef id) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.tarball(id)
          + ".published")).asUtf8String().strip());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("get the publisher of " + id, e);
    }
  }

  /** The shards listed at once, {@link #LISTERS} at a time (see {@link StoreKeys#REPORT_SHARDS}). */
  @Override
  public Map<String, String> reportTags() throws IOException {
    shardUnsharded();
    Map<String, String> out = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService listers = Executors.newFixedThreadPool(LISTERS, r -> {
      Thread t = new Thread(r, "report-lister");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> listings = new ArrayList<>(StoreKeys.REPORT_SHARDS);
      for (int i = 0; i < StoreKeys.REPORT_SHARDS; i++) {
        String shard = settings.prefix() + StoreKeys.reportShard(i);
        listings.add(listers.submit(() -> {
          listShard(shard, out);
          return null;
        }));
      }
      for (Future<?> listing : listings) {
        listing.get();
      }
      return out;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException("list reports: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while listing the reports in " + settings.describe(), e);
    } finally {
      listers.shutdownNow();
    }
  }

  private void listShard(String shard, Map<String, String> out) throws IOException {
    try {
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(shard))) {
        for (S3Object object : page.contents()) {
          String host = StoreKeys.reportHost(object.key().substring(settings.prefix().length()));
          if (host != null) {
            out.put(host, object.eTag()); // a report's bytes always differ (received_at): its MD5 changes
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list reports", e);
    }
  }

  /**
   * Moves the reports kept before shards ({@code reports/<fqdn>.yml}) to their shards: one that
   * finds a report there already (received since) leaves it, the newer, and only removes the old.
   */
  private void shardUnsharded() throws IOException {
    try {
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(settings.prefix() + StoreKeys.REPORTS)
          .delimiter("/"))) {
        for (S3Object object : page.contents()) {
          String host = StoreKeys.unshardedReportHost(object.key().substring(settings.prefix().length()));
          if (host == null) {
            continue;
          }
          byte[] bytes;
          try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(object.key())).asByteArray();
          } catch (NoSuchKeyException gone) {
            continue;
          }
          try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.report(host)).ifNoneMatch("*")
                .contentType("application/yaml"), RequestBody.fromBytes(bytes));
          } catch (S3Exception e) {
            if (e.statusCode() != 412 && e.statusCode() != 409) {
              throw e;
            }
          }
          s3.deleteObject(b -> b.bucket(settings.bucket()).key(object.key()));
        }
      }
    } catch (SdkException e) {
      throw failure("move the reports kept before shards to theirs", e);
    }
  }

  private Sha256 sha256(PackageRef id, Map<String, String> metadata) throws IOException {
    String hex = metadata.get(SHA_METADATA);
    try {
      return new Sha256(hex);
    } catch (IllegalArgumentException e) {
      throw new IOException(id + " in " + settings.describe() + " has no valid sha256 metadata (" + e.getMessage()
          + "): it was not stored by Roller; remove it and publish again");
    }
  }

  private IOException failure(String what, SdkException e) {
    String why = e instanceof SdkClientException
        ? "cannot reach the S3 endpoint: " + e.getMessage()
        : e.getMessage();
    return new IOException(what + " in " + settings.describe() + " failed: " + why, e);
  }

  @Override
  public void close() {
    s3.close();
  }
}
