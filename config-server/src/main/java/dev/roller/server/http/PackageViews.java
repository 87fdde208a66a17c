package dev.roller.server.http;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.Service;
import dev.roller.pkg.store.NoSuchPackageException;
import dev.roller.pkg.store.PackageConflictException;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.pkg.tar.Inspection;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.pkg.tar.TarballInspector;
import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.model.VersionOrder;
import dev.roller.server.snapshot.Snapshot;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Packages: who uses which version, what is published, tarballs, and publishing. */
final class PackageViews {
  private final PackageStore store;
  /** Publish tokens and who holds each ({@link #tokens}); null when publishing is off. */
  private final Map<String, String> publishers;
  private final long maxUpload;
  private final Map<Sha256, Map<String, Object>> manifests = new ConcurrentHashMap<>();

  /** {@code publishToken} (a token file's text) null turns publishing off. */
  PackageViews(PackageStore store, String publishToken, long maxUpload) {
    this.store = store;
    this.publishers = publishToken == null ? null : PublishTokens.parse(publishToken);
    this.maxUpload = maxUpload;
  }

  Reply packages(Request r) {
    Snapshot s = r.snapshot();
    TreeSet<String> names = new TreeSet<>(s.repo().index().packages().keySet());
    try {
      names.addAll(store.names());
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
    return Reply.document(s.commit(), List.copyOf(names));
  }

  /** Every version used or published, with its users and whether (and as what) it is published. */
  Reply packageInfo(Request r) {
    String name = r.name("name", NameRule.PACKAGE);
    Snapshot s = r.snapshot();
    NavigableMap<String, RepoIndex.Usage> used = s.repo().index().packages().getOrDefault(name, new TreeMap<>());
    Map<String, StoredPackage> published = new TreeMap<>(VersionOrder.INSTANCE);
    try {
      for (StoredPackage p : store.versions(name)) {
        published.put(p.id().version(), p);
      }
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
    TreeSet<String> versions = new TreeSet<>(VersionOrder.INSTANCE);
    versions.addAll(used.keySet());
    versions.addAll(published.keySet());
    if (versions.isEmpty()) {
      throw ApiException.notFound("package " + name + " is neither used nor published");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (String version : versions) {
      out.add(versionDoc(version, published.get(version), used.get(version)));
    }
    return Reply.document(s.commit(), Request.map("name", name, "versions", out));
  }

  Reply packageVersion(Request r) {
    PackageRef ref = ref(r);
    Snapshot s = r.snapshot();
    RepoIndex.Usage usage = s.repo().index().packages().getOrDefault(ref.name(), new TreeMap<>()).get(ref.version());
    StoredPackage stored = head(ref).orElse(null);
    if (stored == null && usage == null) {
      throw ApiException.notFound("package " + ref + " is neither used nor published");
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", ref.name());
    doc.putAll(versionDoc(ref.version(), stored, usage));
    if (stored != null) {
      doc.put("manifest", manifest(ref, stored.sha256()));
      try {
        store.publisher(ref).ifPresent(line -> {
          int at = line.lastIndexOf(" at ");
          doc.put("published_by", at < 0 ? line : line.substring(0, at));
          if (at >= 0) {
            doc.put("published_at", line.substring(at + 4));
          }
        });
      } catch (IOException e) {
        doc.put("published_by", "unknown (the store cannot be read: " + e.getMessage() + ")");
      }
    }
    return Reply.document(s.commit(), doc);
  }

  Reply tarball(Request r) {
    PackageRef ref = ref(r);
    Snapshot s = r.snapshot();
    StoredPackage stored = head(ref).orElseThrow(() -> ApiException.notFound("package " + ref + " is not published"));
    try {
      InputStream in = store.open(ref);
      return Reply.stream(s.commit(), in, stored.size(), "application/gzip");
    } catch (NoSuchPackageException e) {
      throw ApiException.notFound(e.getMessage());
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
  }

  /**
   * Who the request's bearer token belongs to, or null for none of the tokens; every token is
   * compared in constant time, and all of them, so the time says nothing about which came close.
   */
  private String publisher(Request r) {
    if (publishers == null) {
      throw new ApiException(403, "publishing is off on this server (start it with --publish-token-file)");
    }
    String auth = r.exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (auth == null || !auth.startsWith("Bearer ")) {
      throw new ApiException(401, "publishing needs Authorization: Bearer <token>");
    }
    byte[] given = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : publishers.entrySet()) {
      if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) {
        found = e.getValue();
      }
    }
    return found;
  }

  /**
   * Whether {@code PUT /packages/{name}/{version}} may send its body at all: publishing on, the
   * right token, good names, a declared size within the limit. Cheap, so it runs before a byte of
   * the body is read.
   */
  void admit(Request r) {
    if (publisher(r) == null) {
      throw new ApiException(403, "wrong publish token");
    }
    ref(r);
    long declared = r.exchange.getRequestContentLength();
    if (declared > maxUpload) {
      throw new ApiException(413, "upload of " + declared + " bytes is over the limit of " + maxUpload);
    }
  }

  /**
   * {@code PUT /packages/{name}/{version}}, once {@link #admit} let it in and its body is in the
   * upload file: checked, then stored once. 201 new, 200 identical, 409 different.
   */
  Reply publish(Request r) {
    PackageRef ref = ref(r);
    Path upload = r.exchange.getAttachment(Uploads.FILE);
    try {
      long declared = r.exchange.getRequestContentLength();
      long received = Files.size(upload);
      if (declared >= 0 && received != declared) {
        throw ApiException.badRequest("upload truncated: " + received + " of " + declared + " bytes");
      }
      Inspection inspection;
      try (InputStream in = Files.newInputStream(upload)) {
        inspection = TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT);
      } catch (PackageException e) {
        throw ApiException.badRequest("package " + ref + " refused: " + e.getMessage());
      }
      Manifest m = inspection.manifest();
      if (!m.name().equals(ref.name()) || !m.version().equals(ref.version())) {
        throw ApiException.badRequest("the tarball's manifest is " + m.name() + "-" + m.version()
            + " but it was published as " + ref);
      }
      PackageStore.PutResult result = store.put(ref, upload, inspection.sha256());
      String who = publisher(r);
      if (result == PackageStore.PutResult.CREATED) {
        store.putPublisher(ref, who + " at " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.err.println("config-server: " + ref + " published by " + who + " (sha256 " + inspection.sha256().hex() + ")");
      }
      manifests.putIfAbsent(inspection.sha256(), manifestDoc(m));
      int status = result == PackageStore.PutResult.CREATED ? 201 : 200;
      return Reply.document(status, null, Request.map("name", ref.name(), "version", ref.version(),
          "sha256", inspection.sha256().hex(), "size", inspection.size(),
          "result", result == PackageStore.PutResult.CREATED ? "published" : "already published with these bytes"));
    } catch (PackageConflictException e) {
      throw new ApiException(409, e.getMessage());
    } catch (PackageException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (IOException e) {
      throw new ApiException(503, "cannot store " + ref + ": " + e.getMessage());
    }
  }

  private static PackageRef ref(Request r) {
    return new PackageRef(r.name("name", NameRule.PACKAGE), r.name("version", NameRule.VERSION));
  }

  private Optional<StoredPackage> head(PackageRef ref) {
    try {
      return store.head(ref);
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
  }

  private static Map<String, Object> versionDoc(String version, StoredPackage stored, RepoIndex.Usage usage) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("version", version);
    doc.put("published", stored != null);
    if (stored != null) {
      doc.put("sha256", stored.sha256().hex());
      doc.put("size", stored.size());
    }
    doc.put("hostclasses", usage == null ? List.of() : usage.hostclasses());
    doc.put("hosts", usage == null ? List.of() : usage.hosts());
    return doc;
  }

  private Map<String, Object> manifest(PackageRef ref, Sha256 sha256) {
    Map<String, Object> known = manifests.get(sha256);
    if (known != null) {
      return known;
    }
    try (InputStream in = store.open(ref)) {
      Map<String, Object> doc = manifestDoc(TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT).manifest());
      manifests.put(sha256, doc);
      return doc;
    } catch (PackageException | IOException e) {
      throw new ApiException(503, "cannot read the manifest of " + ref + ": " + e.getMessage());
    }
  }

  static Map<String, Object> manifestDoc(Manifest m) {
    List<Map<String, Object>> services = new ArrayList<>();
    for (Service s : m.services()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("name", s.name());
      doc.put("run", s.run());
      doc.put("stop_timeout", s.stopTimeout().toMillis() + "ms");
      if (s.reload() != null) {
        doc.put("reload", s.reload());
      }
      HealthCheck h = s.health();
      if (h != null) {
        doc.put("health", Request.map(h.kind().key, h.target(), "timeout", h.timeout().toMillis() + "ms"));
      }
      services.add(doc);
    }
    Map<String, Object> doc = Request.map("name", m.name(), "version", m.version(), "description", m.description(),
        "services", services);
    if (m.activate() != null) {
      doc.put("hooks", Request.map("activate", m.activate()));
    }
    return doc;
  }
}
