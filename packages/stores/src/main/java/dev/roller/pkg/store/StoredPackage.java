package dev.roller.pkg.store;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;

/** A package in a store: its name-version, identity and size in bytes. */
public record StoredPackage(PackageRef id, Sha256 sha256, long size) {}
