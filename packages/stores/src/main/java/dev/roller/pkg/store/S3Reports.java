package dev.roller.pkg.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The hosts' reports in an {@link S3Store}'s bucket ({@link StoreKeys}): each host's latest in one
 * of {@link StoreKeys#REPORT_SHARDS} shards, listed {@link #LISTERS} at a time; its history, one
 * object a report, trimmed in batches; and the compacted index of them all.
 */
final class S3Reports {
  /** Shards of the reports listed at once (the HTTP client keeps 50 connections). */
  static final int LISTERS = 16;

  private final S3Client s3;
  private final S3Settings settings;

  S3Reports(S3Client s3, S3Settings settings) {
    this.s3 = s3;
    this.settings = settings;
  }

  String put(String host, byte[] report) throws IOException {
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.historyEntry(host, System.currentTimeMillis()))
          .contentType("application/yaml"), RequestBody.fromBytes(report));
    } catch (SdkException e) {
      throw S3Store.failure(settings, "add the report of " + host + " to its history", e);
    }
    try {
      return s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.report(host)).contentType("application/yaml"),
          RequestBody.fromBytes(report)).eTag();
    } catch (SdkException e) {
      throw S3Store.failure(settings, "put the report of " + host, e);
    }
  }

  Optional<byte[]> index(long max) throws IOException {
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
      throw S3Store.failure(settings, "get the report index", e);
    }
  }

  void putIndex(byte[] index) throws IOException {
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.REPORT_INDEX)
          .contentType("application/gzip"), RequestBody.fromBytes(index));
    } catch (SdkException e) {
      throw S3Store.failure(settings, "put the report index", e);
    }
  }

  List<byte[]> history(String host, int limit) throws IOException {
    List<byte[]> out = new ArrayList<>();
    List<String> keys = historyKeys(host);
    for (int i = keys.size() - 1; i >= 0 && out.size() < limit; i--) {
      String key = keys.get(i);
      try {
        out.add(s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key)).asByteArray());
      } catch (NoSuchKeyException trimmed) {
        // removed by a trim since the listing
      } catch (SdkException e) {
        throw S3Store.failure(settings, "get the history of " + host, e);
      }
    }
    return out;
  }

  int trimHistory(String host, int keep) throws IOException {
    List<String> keys = historyKeys(host);
    List<String> old = keys.subList(0, Math.max(0, keys.size() - keep));
    for (int from = 0; from < old.size(); from += 1000) { // DeleteObjects takes at most 1000 keys
      List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> batch = old.subList(from, Math.min(old.size(), from + 1000))
          .stream().map(k -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(k).build()).toList();
      try {
        s3.deleteObjects(b -> b.bucket(settings.bucket()).delete(d -> d.objects(batch).quiet(true)));
      } catch (SdkException e) {
        throw S3Store.failure(settings, "trim the history of " + host, e);
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
      throw S3Store.failure(settings, "list the history of " + host, e);
    }
    keys.sort(Comparator.naturalOrder());
    return keys;
  }

  Optional<byte[]> get(String host) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(settings.prefix() + StoreKeys.report(host)))
          .asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw S3Store.failure(settings, "get the report of " + host, e);
    }
  }

  /** The shards listed at once, {@link #LISTERS} at a time (see {@link StoreKeys#REPORT_SHARDS}). */
  Map<String, String> tags() throws IOException {
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
      throw S3Store.failure(settings, "list reports", e);
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
      throw S3Store.failure(settings, "move the reports kept before shards to theirs", e);
    }
  }
}
