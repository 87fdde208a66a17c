package dev.roller.pkg.store;

import dev.roller.pkg.Sha256;
import dev.roller.repo.model.PackageRef;

/** A package in a store: its name-version, identity and size in bytes. */
public record StoredPackage(PackageRef id, Sha256 sha256, long size) {}
