package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.PackageRef;

/** The store holds no package under that name-version. */
public class NoSuchPackageException extends PackageException {
  public NoSuchPackageException(PackageRef id, String where) {
    super("package " + id + " is not published (no " + StoreKeys.tarball(id) + " in " + where + ")");
  }
}
