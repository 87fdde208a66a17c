package dev.roller.pkg.tar;

import dev.roller.repo.model.Sha256;
import java.nio.file.Path;

/** A tarball extracted by {@link SafeExtractor}: where, the tarball's sha256 and size, what it held. */
public record Extracted(Path dir, Sha256 sha256, long tarballSize, int entries, long bytes) {}
