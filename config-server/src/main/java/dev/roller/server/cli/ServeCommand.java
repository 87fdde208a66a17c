package dev.roller.server.cli;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.S3Settings;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.ConfigRepoException;
import dev.roller.server.ConfigServerApp;
import dev.roller.server.ServerLimits;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config-server serve}: the HTTP API over a git repo and a package store. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves views of the config repo over HTTP and spreads package tarballs.",
      "Keeps no state of its own: the truth is the git repo and the package store."
    })
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--repo", required = true, paramLabel = "PATH_OR_GIT_URL",
      description = "The config repo: a local repository (bare or not), or a git URL to clone into --cache-dir.")
  String repo;

  @Option(names = "--branch", defaultValue = "main", description = "The branch served (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(names = "--port", defaultValue = "8080", description = "The HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "0.0.0.0", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--poll", defaultValue = "10s", paramLabel = "DURATION",
      description = "How often to fetch new commits, e.g. 10s, 1m (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(names = "--idle-timeout", defaultValue = "6m", paramLabel = "DURATION",
      description = "Close a connection idle this long (a long-poll is answered before it); a request's head gets at "
          + "most this long, 10 s at most; a connection that sends no request, 60 s at most (default: ${DEFAULT-VALUE}).")
  String idleTimeout;

  @Option(names = "--max-connections", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS, paramLabel = "N",
      description = "Open connections kept at most; more wait in the kernel's queue (default: ${DEFAULT-VALUE}; "
          + "keep it below the open-file limit).")
  int maxConnections;

  @Option(names = "--max-spec-size", paramLabel = "SIZE", converter = ByteSize.class, defaultValue = "1MiB",
      description = "Refuse (never serve) a commit that would give any host a spec larger than this "
          + "(default: ${DEFAULT-VALUE}).")
  long maxSpec;

  @Option(names = "--body-timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "A report or package upload must arrive whole within this, plus 1 s per MiB it declares; "
          + "slower ones are cut off (default: ${DEFAULT-VALUE}).")
  String bodyTimeout;

  @Option(names = "--upload-workers", defaultValue = "" + ServerLimits.DEFAULT_UPLOAD_WORKERS, paramLabel = "N",
      description = "Threads that inspect and store complete package uploads, apart from the workers that answer "
          + "specs and tarballs; " + ServerLimits.UPLOAD_QUEUE_PER_WORKER + " more per thread may wait, past that 503 "
          + "(default: ${DEFAULT-VALUE}).")
  int uploadWorkers;

  @Option(names = "--report-workers", defaultValue = "" + ServerLimits.DEFAULT_REPORT_WORKERS, paramLabel = "N",
      description = "Threads that check and keep complete reports and hook calls, apart from the upload threads, so a "
          + "slow publish never keeps a report waiting; " + ServerLimits.UPLOAD_QUEUE_PER_WORKER + " more per thread "
          + "may wait, past that 503 (default: ${DEFAULT-VALUE}).")
  int reportWorkers;

  @ArgGroup(exclusive = true, multiplicity = "1")
  StoreOptions store;

  static final class StoreOptions {
    @Option(names = "--packages-dir", paramLabel = "DIR", description = "Keep packages in this folder (a filesystem store).")
    Path packagesDir;

    @ArgGroup(exclusive = false)
    S3Options s3;
  }

  static final class S3Options {
    @Option(names = "--s3-bucket", required = true, paramLabel = "BUCKET", description = "Keep packages in this S3 bucket.")
    String bucket;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "An S3-compatible endpoint (MinIO, Ceph...); path-style access.")
    URI endpoint;

    @Option(names = "--s3-prefix", paramLabel = "PREFIX", description = "A key prefix inside the bucket.")
    String prefix;
  }

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Local state: the clone of a git URL, the package cache in front of S3, uploads in progress.")
  Path cacheDir;

  @Option(names = "--publish-token-file", paramLabel = "FILE",
      description = {"The bearer tokens PUT /packages takes, one per line: <name> <token> (the name is recorded with",
          "each package it publishes), or a token alone (unnamed); at least 16 characters each. Without it publishing is off."})
  Path tokenFile;

  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "An Ed25519 private key (config-server keygen): every spec and users answer is signed with it.")
  Path signingKey;

  @Option(names = "--hook-secret-file", paramLabel = "FILE",
      description = "POST /hooks/refresh then needs GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the body) or GitLab's "
          + "X-Gitlab-Token made with the secret in FILE; without it anyone who reaches the server may ask for a fetch.")
  Path hookSecretFile;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS with this PEM certificate (the server's first, then its chain); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key, PKCS#8 PEM (EC, RSA or Ed25519).")
  Path tlsKey;

  @Override
  public Integer call() throws ConfigRepoException, IOException, InterruptedException, Failures.CannotStart {
    javax.net.ssl.SSLContext tls = null;
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (tlsCert != null) {
      try {
        tls = dev.roller.server.ServerTls.context(tlsCert, tlsKey);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert/--tls-key: " + e.getMessage());
      }
    }
    dev.roller.repo.trust.Signatures.Signer signer = null;
    if (signingKey != null) {
      try {
        signer = new dev.roller.repo.trust.Signatures.Signer(
            dev.roller.repo.trust.Keys.parsePrivate(Files.readString(signingKey, StandardCharsets.US_ASCII)));
      } catch (IOException | IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--signing-key " + signingKey + ": " + e.getMessage());
      }
    }
    Duration every;
    try {
      every = dev.roller.repo.model.Durations.parse(poll);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--poll: " + e.getMessage());
    }
    ServerLimits limits;
    try {
      limits = ServerLimits.withIdle(dev.roller.repo.model.Durations.parse(idleTimeout), maxConnections,
          ConfigServerApp.defaultWorkers())
          .withBodies(dev.roller.repo.model.Durations.parse(bodyTimeout), uploadWorkers).withReports(reportWorkers);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--idle-timeout/--max-connections/--body-timeout/--upload-workers: " + e.getMessage());
    }
    String token = tokenFile == null ? null : Files.readString(tokenFile, StandardCharsets.UTF_8);
    if (token != null) {
      try {
        dev.roller.server.http.PublishTokens.parse(token);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--publish-token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    Path state = cacheDir != null ? cacheDir : Files.createTempDirectory("config-server");
    PackageStore packages;
    String where;
    if (store.packagesDir != null) {
      FilesystemStore local = new FilesystemStore(store.packagesDir);
      local.removeLeftovers(Duration.ofHours(1));
      packages = local;
      where = store.packagesDir.toString();
    } else {
      if (cacheDir == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--s3-bucket needs --cache-dir for its package cache");
      }
      S3Settings settings = S3Settings.of(store.s3.bucket, store.s3.prefix, store.s3.endpoint);
      packages = new CachingStore(S3Store.create(settings), cacheDir.resolve("packages"));
      where = settings.describe() + ", cached in " + cacheDir.resolve("packages");
    }
    RepoSource source = RepoSource.open(repo, cacheDir);
    Snapshots snapshots = new Snapshots(source, branch, maxSpec);
    ConfigServerApp started;
    try {
      byte[] hookSecret = null;
      if (hookSecretFile != null) {
        hookSecret = Files.readString(hookSecretFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        if (hookSecret.length < 16) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--hook-secret-file " + hookSecretFile
              + ": the secret must be at least 16 characters");
        }
      }
      started = ConfigServerApp.start(snapshots, packages, token, state.resolve("uploads"), bind, port, every, limits, signer,
          tls, hookSecret);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof java.net.BindException bind) {
        throw new Failures.CannotStart(
            "cannot listen on " + this.bind + ":" + port + ": " + bind.getMessage() + " (another server there? try --port)");
      }
      throw e;
    }
    try (ConfigServerApp app = started) {
      spec.commandLine().getOut().printf("config-server: serving %s (branch %s) on %s://%s:%d/, packages in %s%s%n",
          repo, branch, tls == null ? "http" : "https", bind, app.port(), where, (token == null ? " (publishing off)" : "")
          + (signer == null ? ", answers unsigned" : ", answers signed by key " + signer.keyId()));
      spec.commandLine().getOut().flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    }
    return Failures.OK;
  }
}
