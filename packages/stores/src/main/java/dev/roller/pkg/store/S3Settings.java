package dev.roller.pkg.store;

import java.net.URI;
import java.time.Duration;

/**
 * Where an S3 store lives: a bucket, an optional key prefix, and for S3-compatible stores (MinIO,
 * Ceph, S3Proxy) an endpoint, reached with path-style requests. Credentials come from the usual
 * AWS sources (environment, profile, instance role) unless given here.
 */
public record S3Settings(
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    String accessKey,
    String secretKey,
    Duration connectTimeout,
    Duration callTimeout) {

  public S3Settings {
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("bad S3 bucket name " + dev.roller.repo.model.NameRule.quote(bucket));
    }
    prefix = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
    region = region == null ? "us-east-1" : region;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
    callTimeout = callTimeout == null ? Duration.ofMinutes(10) : callTimeout;
  }

  public static S3Settings of(String bucket, String prefix, URI endpoint) {
    return new S3Settings(bucket, prefix, endpoint, null, null, null, null, null);
  }

  public S3Settings withCredentials(String accessKey, String secretKey) {
    return new S3Settings(bucket, prefix, endpoint, region, accessKey, secretKey, connectTimeout, callTimeout);
  }

  public S3Settings withTimeouts(Duration connect, Duration call) {
    return new S3Settings(bucket, prefix, endpoint, region, accessKey, secretKey, connect, call);
  }

  /** {@code s3://bucket/prefix} (and the endpoint), for messages. */
  public String describe() {
    return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
  }
}
