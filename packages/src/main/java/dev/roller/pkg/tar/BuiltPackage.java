package dev.roller.pkg.tar;

import dev.roller.pkg.manifest.Manifest;
import dev.roller.repo.model.Sha256;
import java.nio.file.Path;

/** A tarball written by {@link PackageBuilder}: where, its identity and size, and its manifest. */
public record BuiltPackage(Path file, Sha256 sha256, long size, Manifest manifest) {}
