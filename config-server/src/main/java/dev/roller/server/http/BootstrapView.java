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
    java.util.Deque<String> keys = r.exchange.getQueryParameters().get("trust");
    java.util.List<String> trust = keys == null ? java.util.List.of() : java.util.List.copyOf(keys);
    for (String key : trust) {
      String problem = dev.roller.repo.trust.Keys.problem(key);
      if (problem != null) {
        throw ApiException.badRequest("trust: " + problem);
      }
    }
    if (!trust.isEmpty() && host == null) {
      throw new ApiException(422, "?trust= needs ?host=FQDN: the script checks that host's signed spec before it runs roll");
    }
    String script = trust.isEmpty() ? script(serverUrl(r), version, stored.sha256().hex(), s.commit())
        : trusted(serverUrl(r), version, stored.sha256().hex(), s.commit(), host, trust);
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

  /**
   * The script for {@code ?trust=}: it writes {@code etc/roller/roll.yml} (this server, the host,
   * the trusted keys; under {@code --root} when given) so every later roll verifies its answers,
   * and runs nothing it has not verified: the host's spec must be signed by a trusted key (checked
   * with openssl) and name the roll tarball's sha256. Without openssl it says what it cannot check.
   */
  static String trusted(String server, String version, String sha256, String commit, String host, java.util.List<String> trust) {
    return """
        #!/bin/sh
        # Roller bootstrap from the config server %1$s (commit %4$s), trusting: %6$s
        # Writes etc/roller/roll.yml (server, host, trust), checks the host's signed spec and roll %2$s's
        # sha256 in it, then runs `roll apply`, which installs roll and everything else for good.
        #
        #   curl -fsS '%1$sbootstrap?host=%5$s&trust=...' | sh -s -- [--root DIR] [other roll apply options]
        set -eu
        server='%1$s'
        version='%2$s'
        sha256='%3$s'
        host='%5$s'
        trust='%6$s'
        root=/
        prev=
        for arg in "$@"; do
          case "$prev" in --root) root=$arg ;; esac
          case "$arg" in --root=*) root=${arg#--root=} ;; esac
          prev=$arg
        done
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/roller-bootstrap.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        trap 'exit 130' INT TERM
        command -v curl >/dev/null 2>&1 || { echo "bootstrap: needs curl" >&2; exit 2; }
        curl -fsS --connect-timeout 10 --max-time 60 -D "$tmp/spec.headers" -o "$tmp/spec" "${server}hosts/${host}/spec"
        if command -v openssl >/dev/null 2>&1; then
          sig=$(sed -n 's/^[Xx]-[Rr]oller-[Ss]ignature: *//p' "$tmp/spec.headers" | tr -d '\r' | head -n 1)
          [ -n "$sig" ] || { echo "bootstrap: the spec of $host is not signed; not running roll" >&2; exit 1; }
          printf '%%s' "${sig##*:}" | openssl base64 -d -A > "$tmp/sig"
          verified=
          for key in $trust; do
            printf -- '-----BEGIN PUBLIC KEY-----\n%%s\n-----END PUBLIC KEY-----\n' "${key#ed25519:}" > "$tmp/key.pem"
            if openssl pkeyutl -verify -pubin -inkey "$tmp/key.pem" -rawin -in "$tmp/spec" -sigfile "$tmp/sig" >/dev/null 2>&1; then
              verified=1
            fi
          done
          [ -n "$verified" ] || { echo "bootstrap: the spec of $host is not signed by a trusted key; not running roll" >&2; exit 1; }
          grep -qx "host: $host" "$tmp/spec" || { echo "bootstrap: the signed spec is not $host's; not running roll" >&2; exit 1; }
          named=$(awk '/^- name: roll$/ { f = 1; next } /^- / { f = 0 } f && /^  sha256: / { print $2; exit }' "$tmp/spec")
          [ "$named" = "$sha256" ] || { echo "bootstrap: the signed spec names another roll tarball; not running it" >&2; exit 1; }
          echo "bootstrap: the spec of $host is signed by a trusted key and names roll $version" >&2
        else
          echo "bootstrap: openssl is not installed: this script cannot check the spec's signature, so roll $version" >&2
          echo "bootstrap: runs on the sha256 this script names alone; roll then checks every answer (trust: in roll.yml)" >&2
        fi
        mkdir -p "$root/etc/roller"
        if [ -e "$root/etc/roller/roll.yml" ]; then
          echo "bootstrap: $root/etc/roller/roll.yml exists: left as it is" >&2
        else
          printf 'config_servers: [%%s]\nhost: %%s\ntrust: [%%s]\n' "$server" "$host" "$(echo $trust | sed 's/ /, /g')" \
            > "$root/etc/roller/roll.yml"
        fi
        echo "bootstrap: fetching roll $version from $server" >&2
        curl -fsS --connect-timeout 10 --max-time 600 -o "$tmp/roll.tar.gz" "${server}packages/roll/${version}/tarball"
        if ! echo "$sha256  $tmp/roll.tar.gz" | sha256sum -c - >/dev/null 2>&1; then
          echo "bootstrap: roll-$version.tar.gz does not have the sha256 the signed spec names; not running it" >&2
          exit 1
        fi
        mkdir "$tmp/roll"
        tar -xzf "$tmp/roll.tar.gz" -C "$tmp/roll"
        status=0
        "$tmp/roll/bin/roll" apply "$@" || status=$?
        exit "$status"
        """.formatted(server, version, sha256, commit, host, String.join(" ", trust));
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
