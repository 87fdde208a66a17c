package dev.roller.roll;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.repo.TestRepo;
import dev.roller.repo.model.PackageRef;
import dev.roller.server.ConfigServerApp;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real config server on 127.0.0.1 for roll's tests, with packages published straight into its store. */
final class RollServer implements AutoCloseable {
  final TestRepo repo;
  final Path dir;
  final FilesystemStore store;
  final ConfigServerApp app;
  private final boolean tls;

  RollServer(TestRepo repo, Path dir) throws Exception {
    this(repo, dir, null);
  }

  /** A server that signs its spec and users answers with {@code signer} (null: unsigned). */
  RollServer(TestRepo repo, Path dir, dev.roller.repo.trust.Signatures.Signer signer) throws Exception {
    this(repo, dir, signer, null);
  }

  /** As above, serving HTTPS with {@code tls} (null: HTTP). */
  RollServer(TestRepo repo, Path dir, dev.roller.repo.trust.Signatures.Signer signer, javax.net.ssl.SSLContext tls)
      throws Exception {
    this.tls = tls != null;
    this.repo = repo;
    this.dir = dir;
    this.store = new FilesystemStore(dir.resolve("store"));
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    this.app = ConfigServerApp.start(snapshots, store, null, dir.resolve("uploads"), "127.0.0.1", 0, Duration.ofHours(1),
        dev.roller.server.ServerLimits.defaults(), signer, tls);
    snapshots.refresh();
  }

  URI uri() {
    return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + app.port());
  }

  void refresh() {
    app.snapshots().refresh();
  }

  /** Reads the store's reports again (as the server does every poll). */
  void refreshReports() {
    app.refreshReports();
  }

  /** Builds a package from {@code files} (path, content pairs) and publishes it. */
  BuiltPackage publish(String name, String version, String... files) throws Exception {
    return publishWithManifest(name, version, "", files);
  }

  /**
   * Builds and publishes a package whose manifest is name, version and {@code manifest} (YAML);
   * files under {@code bin/} are executable.
   */
  BuiltPackage publishWithManifest(String name, String version, String manifest, String... files) throws Exception {
    Path tree = dir.resolve("src/" + name + "-" + version);
    Files.createDirectories(tree.resolve(".roller"));
    Files.writeString(tree.resolve(".roller/package.yml"), "name: " + name + "\nversion: " + version + "\n" + manifest);
    for (int i = 0; i < files.length; i += 2) {
      Path file = tree.resolve(files[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, files[i + 1]);
      if (files[i].startsWith("bin/")) {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    BuiltPackage built = PackageBuilder.build(tree, dir.resolve("tarballs"));
    store.put(new PackageRef(name, version), built.file(), built.sha256());
    return built;
  }

  @Override
  public void close() {
    app.close();
    repo.close();
  }
}
