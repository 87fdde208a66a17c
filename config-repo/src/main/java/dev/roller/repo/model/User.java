package dev.roller.repo.model;

import java.util.List;
import java.util.Map;

/**
 * A unix account: {@code users/<login>.yml}. {@code hostclasses} says where the account exists
 * ({@code ["*"]}: every host), {@code sudo} where it has sudo rights.
 */
public record User(
    String login,
    int uid,
    String comment,
    String shell,
    List<String> groups,
    List<String> sshKeys,
    List<String> hostclasses,
    List<String> sudo,
    Map<String, String> files,
    Origin origin) {

  public static final String EVERY_HOSTCLASS = "*";
  public static final String DEFAULT_SHELL = "/bin/bash";

  public User {
    groups = List.copyOf(groups);
    sshKeys = List.copyOf(sshKeys);
    hostclasses = List.copyOf(hostclasses);
    sudo = List.copyOf(sudo);
    files = Params.copyOf(files);
  }

  /** Whether the account exists on hosts of {@code hostclass}. */
  public boolean existsOn(String hostclass) {
    return hostclasses.contains(EVERY_HOSTCLASS) || hostclasses.contains(hostclass);
  }

  /** Whether the account has sudo rights on hosts of {@code hostclass}. */
  public boolean sudoOn(String hostclass) {
    return existsOn(hostclass) && (sudo.contains(EVERY_HOSTCLASS) || sudo.contains(hostclass));
  }
}
