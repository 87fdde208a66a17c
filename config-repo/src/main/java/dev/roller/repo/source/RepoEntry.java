package dev.roller.repo.source;

/**
 * One path of a repo tree. Only regular files carry bytes; links and submodules are kept so the
 * validator can refuse them by name instead of silently following or skipping them.
 */
public record RepoEntry(String path, Type type, byte[] bytes, long size) {
  public enum Type {
    FILE,
    SYMLINK,
    SUBMODULE,
    /** A regular file over {@link RepoTree#MAX_FILE_BYTES}: its bytes were not read. */
    TOO_LARGE
  }

  public static RepoEntry file(String path, byte[] bytes) {
    return new RepoEntry(path, Type.FILE, bytes, bytes.length);
  }

  public static RepoEntry other(String path, Type type, long size) {
    return new RepoEntry(path, type, null, size);
  }
}
