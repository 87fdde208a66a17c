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

  private final S3Client s3;
  private final S3Settings settings;
  private final S3Reports reports;

  public S3Store(S3Client s3, S3Settings settings) {
    this.s3 = s3;
    this.settings = settings;
    this.reports = new S3Reports(s3, settings);
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
    return reports.put(host, report);
  }

  @Override
  public Optional<byte[]> report(String host) throws IOException {
    return reports.get(host);
  }

  /** The shards listed at once, {@link S3Reports#LISTERS} at a time (see {@link StoreKeys#REPORT_SHARDS}). */
  @Override
  public Map<String, String> reportTags() throws IOException {
    return reports.tags();
  }

  @Override
  public List<byte[]> history(String host, int limit) throws IOException {
    return reports.history(host, limit);
  }

  @Override
  public int trimHistory(String host, int keep) throws IOException {
    return reports.trimHistory(host, keep);
  }

  @Override
  public Optional<byte[]> reportIndex(long max) throws IOException {
    return reports.index(max);
  }

  @Override
  public void putReportIndex(byte[] index) throws IOException {
    reports.putIndex(index);
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
    return failure(settings, what, e);
  }

  /** What failed, in which bucket, and why (an endpoint that cannot be reached said so). */
  static IOException failure(S3Settings settings, String what, SdkException e) {
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
