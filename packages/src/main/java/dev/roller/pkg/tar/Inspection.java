package dev.roller.pkg.tar;

import dev.roller.pkg.manifest.Manifest;
import dev.roller.repo.model.Sha256;
import java.util.List;

/** What a tarball holds, read without extracting it: its manifest, identity, size and entries. */
public record Inspection(Manifest manifest, Sha256 sha256, long size, List<Entry> entries) {
  /** One entry: path, kind ({@code directory}, {@code file}, {@code symlink}, {@code hardlink}), mode, size, link target. */
  public record Entry(String path, String kind, int mode, long size, String linkTarget) {}

  public Inspection {
    entries = List.copyOf(entries);
  }
}
