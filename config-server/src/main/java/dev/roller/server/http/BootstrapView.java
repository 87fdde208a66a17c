package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.spec.Spec;
import dev.roller.server.snapshot.Snapshot;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /bootstrap[?host=FQDN]}: a POSIX sh script that turns a blank host into a Roller host.
 * It downloads the roll package (the version the host's spec names, or else the newest one the
 * repo uses), checks the sha256 written into the script, unpacks it into a temporary folder and
 * runs {@code roll apply} against this server with the script's arguments; that roll installs roll
 * (and everything else) into {@code /usr/local} for good. The roll package carries its own Java
 * runtime, so the host needs only sh, tar, sha256sum and curl or wget.
 */
final class BootstrapView {
  /** A Host header fit to be written into a shell script: a name or address, and a port. */
  private static final Pattern HOST_HEADER = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

  private final PackageStore store;

  BootstrapView(PackageStore store) {
    this.store = store;
  }

  Reply bootstrap(Request r) {
    Snapshot s = r.snapshot();
    String host = r.queryName("host", NameRule.HOST);
    String version;
    if (host != null) {
      Spec spec = s.repo().spec(host).orElseThrow(() -> ApiException.notFound("no host " + NameRule.quote(host)
          + " (no hosts/" + host + ".yml at " + s.commit() + ")"));
      version = spec.packages().stream().map(Spec.Package::ref).filter(p -> p.name().equals("roll")).map(PackageRef::version).findFirst()
          .orElseThrow(() -> new ApiException(422, "the spec of " + host + " does not list the roll package: add roll to "
              + "its hostclass so roll can keep itself up to date"));
    } else {
      NavigableMap<String, RepoIndex.Usage> used = s.repo().index().packages().get("roll");
      if (used == null || used.isEmpty()) {
        throw new ApiException(422, "no hostclass lists the roll package at " + s.commit() + ": add roll to the hostclasses");
      }
      version = used.lastKey();
    }
    PackageRef ref = new PackageRef("roll", version);
    StoredPackage stored;
    try {
      Optional<StoredPackage> head = store.head(ref);
      stored = head.orElseThrow(() -> new ApiException(422, ref + " is not published (publish it with roller-pkg publish)"));
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
    String script = script(serverUrl(r), version, stored.sha256().hex(), s.commit());
    byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
    return new Reply(200, null, bytes, null, bytes.length, "text/x-shellscript; charset=utf-8", s.commit());
  }

  /** This server as the client reached it: from the Host header when it is a plain host[:port], else the local address. */
  private static String serverUrl(Request r) {
    String hostHeader = r.exchange.getRequestHeaders().getFirst(Headers.HOST);
    String authority;
    if (hostHeader != null && HOST_HEADER.matcher(hostHeader).matches()) {
      authority = hostHeader;
    } else {
      java.net.InetSocketAddress local = r.exchange.getDestinationAddress();
      authority = local.getAddress().getHostAddress() + ":" + local.getPort();
      if (local.getAddress() instanceof java.net.Inet6Address) {
        authority = "[" + local.getAddress().getHostAddress() + "]:" + local.getPort();
      }
    }
    String scheme = r.exchange.getRequestScheme().equals("https") ? "https" : "http";
    return scheme + "://" + authority + "/";
  }

  static String script(String server, String version, String sha256, String commit) {
    return """
        #!/bin/sh
        # Roller bootstrap from the config server %1$s (commit %4$s).
        # Turns a blank host into a Roller host: downloads roll %2$s (it carries its own Java
        # runtime), checks its sha256, and runs `roll apply` against this server, which installs
        # roll and everything else the host's spec names into /usr/local for good.
        #
        #   curl -fsS %1$sbootstrap | sh -s -- [--host FQDN] [--root DIR] [other roll apply options]
        set -eu
        server='%1$s'
        version='%2$s'
        sha256='%3$s'
        url="${server}packages/roll/${version}/tarball"
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/roller-bootstrap.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        trap 'exit 130' INT TERM
        echo "bootstrap: fetching roll $version from $server" >&2
        if command -v curl >/dev/null 2>&1; then
          curl -fsS --connect-timeout 10 --max-time 600 -o "$tmp/roll.tar.gz" "$url"
        elif command -v wget >/dev/null 2>&1; then
          wget -q -T 60 -O "$tmp/roll.tar.gz" "$url"
        else
          echo "bootstrap: needs curl or wget" >&2
          exit 2
        fi
        if ! echo "$sha256  $tmp/roll.tar.gz" | sha256sum -c - >/dev/null 2>&1; then
          echo "bootstrap: roll-$version.tar.gz does not have the sha256 this script names; not running it" >&2
          exit 1
        fi
        mkdir "$tmp/roll"
        tar -xzf "$tmp/roll.tar.gz" -C "$tmp/roll"
        status=0
        "$tmp/roll/bin/roll" apply --config-server "$server" "$@" || status=$?
        exit "$status"
        """.formatted(server, version, sha256, commit);
  }
}
