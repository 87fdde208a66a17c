package dev.roller.pkg.tar;

import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.render.PackageRenderer;
import dev.roller.repo.model.Sha256;
import java.util.List;

/**
 * What a tarball holds, read without extracting it: its manifest, identity, size and entries, and
 * (when asked for) the text of each template, by the path it renders to.
 */
public record Inspection(Manifest manifest, Sha256 sha256, long size, List<Entry> entries, List<PackageRenderer.Template> templates) {
  /** One entry: path, kind ({@code directory}, {@code file}, {@code symlink}, {@code hardlink}), mode, size, link target. */
  public record Entry(String path, String kind, int mode, long size, String linkTarget) {}

  public Inspection {
    entries = List.copyOf(entries);
    templates = List.copyOf(templates);
  }
}
