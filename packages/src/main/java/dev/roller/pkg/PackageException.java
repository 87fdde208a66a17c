package dev.roller.pkg;

/**
 * The packages module's one exception. Messages name the package, the file or the tar entry, and
 * the rule that was broken.
 */
public class PackageException extends Exception {
  public PackageException(String message) {
    super(message);
  }

  public PackageException(String message, Throwable cause) {
    super(message, cause);
  }
}
