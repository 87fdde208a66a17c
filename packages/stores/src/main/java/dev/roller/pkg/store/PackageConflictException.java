package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;

/** Other bytes are already stored under that name-version: versions are write-once. */
public class PackageConflictException extends PackageException {
  public PackageConflictException(PackageRef id, Sha256 stored, Sha256 offered) {
    super("package " + id + " is already published with sha256 " + stored + "; these bytes have " + offered
        + ". A version is write-once: publish the change under a new version");
  }
}
