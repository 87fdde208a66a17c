package dev.roller.repo.model;

/** A package at an exact version, as a spec names it. */
public record PackageRef(String name, String version) {
  public PackageRef {
    NameRule.PACKAGE.require(name);
    NameRule.VERSION.require(version);
  }

  @Override
  public String toString() {
    return name + "-" + version;
  }
}
