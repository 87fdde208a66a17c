package dev.roller.pkg.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server (S3Proxy with its filesystem blob store), in this process, on
 * 127.0.0.1 and a free port. Stop it to test a dead endpoint.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "roller-test";
  public static final String SECRET_KEY = "roller-test-secret";

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3ProxyServer(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  public static S3ProxyServer start(Path dir) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    return start("filesystem", properties);
  }

  /**
   * With S3Proxy's in-memory ({@code transient}) blob store: for benchmarks of 100,000 objects, which
   * the filesystem store lists a page at a time by scanning the whole folder again (minutes).
   */
  public static S3ProxyServer startInMemory() throws Exception {
    return start("transient", new Properties());
  }

  private static S3ProxyServer start(String store, Properties properties) throws Exception {
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(BlobStores.create(store, properties))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .ignoreUnknownHeaders(true)
        .build();
    proxy.start();
    return new S3ProxyServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Settings for {@code bucket} on this server, with its credentials. */
  public S3Settings settings(String bucket, String prefix) {
    return settings(endpoint, bucket, prefix);
  }

  public void createBucket(String bucket) {
    createBucket(endpoint, bucket);
  }

  /** Creates {@code bucket} on the S3Proxy at {@code endpoint} (this one, or one in another process). */
  public static void createBucket(URI endpoint, String bucket) {
    try (S3Client client = S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  /** Settings for {@code bucket} on the S3Proxy at {@code endpoint}, with the test credentials. */
  public static S3Settings settings(URI endpoint, String bucket, String prefix) {
    return S3Settings.of(bucket, prefix, endpoint).withCredentials(ACCESS_KEY, SECRET_KEY);
  }

  /** An S3Proxy started by {@link #spawn}: its endpoint; closing it ends the process. */
  public record Spawned(Process process, URI endpoint) implements AutoCloseable {
    @Override
    public void close() throws java.io.IOException {
      process.getOutputStream().close();
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts {@link #main} in a JVM of its own with heap {@code xmx} (e.g. "2g"), on this classpath: the in-memory store. */
  public static Spawned spawn(String xmx) throws Exception {
    return spawn(xmx, null);
  }

  /** As {@link #spawn(String)}, with the filesystem store in {@code dir} (null: the in-memory store). */
  public static Spawned spawn(String xmx, Path dir) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + xmx, "-cp", System.getProperty("java.class.path"), S3ProxyServer.class.getName()));
    if (dir != null) {
      command.add(dir.toString());
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String first = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8)).readLine();
    if (first == null || !first.startsWith("endpoint ")) {
      process.destroyForcibly();
      throw new IllegalStateException("S3Proxy did not start: " + first);
    }
    return new Spawned(process, URI.create(first.substring("endpoint ".length())));
  }

  /**
   * An in-memory S3Proxy in a process of its own (benchmarks: so that the heap and threads measured
   * are the config server's alone): prints {@code endpoint <url>}, then runs until its stdin closes.
   * With a folder as its argument, the filesystem store in it.
   */
  public static void main(String[] args) throws Exception {
    try (S3ProxyServer server = args.length > 0 ? start(Path.of(args[0])) : startInMemory()) {
      System.out.println("endpoint " + server.endpoint());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes the pipe (or dies)
      }
    }
  }

  public void stop() throws Exception {
    proxy.stop();
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
