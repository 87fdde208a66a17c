package dev.roller.server.snapshot;

import dev.roller.repo.ConfigRepo;
import java.time.Instant;
import java.util.Map;

/**
 * One commit of the config repo, validated and indexed, with the files as committed (so {@code
 * GET /hosts/{fqdn}} answers with the file itself). Immutable; shared by every request.
 */
public record Snapshot(String commit, ConfigRepo repo, Map<String, byte[]> files, Instant loadedAt) {
  /** The committed bytes of {@code path}, or null. */
  public byte[] file(String path) {
    return files.get(path);
  }
}
