package dev.roller.repo.spec;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Params;
import dev.roller.repo.model.Sha256;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one host should run (DESIGN §4): packages in start order, params merged host over
 * hostclass over datacenter, and peers. The one model of a spec: the config server resolves it
 * from the repo and serves it, roll reads and applies it and records it in each generation, and
 * reports carry it back. {@link SpecCodec} is its one document form; {@link #digest()} its one
 * identity. {@code commit} is null for a folder repo (or a spec read from a report).
 */
public record Spec(
    String host,
    String hostclass,
    String datacenter,
    String commit,
    List<Package> packages,
    Map<String, Object> params,
    Map<String, List<Peer>> peers) {

  /**
   * A package of the spec. Resolved from the repo alone it has no {@code sha256} (null) and size 0;
   * the spec the server serves adds both from the package store, and roll needs them.
   */
  public record Package(PackageRef ref, Sha256 sha256, long size) {
    /** A package as the repo names it, before the store says what it is. */
    public static Package of(PackageRef ref) {
      return new Package(ref, null, 0);
    }

    public boolean published() {
      return sha256 != null;
    }
  }

  public Spec {
    packages = List.copyOf(packages);
    params = Params.copyOf(params);
    peers = Params.copyOf(peers);
  }

  /** The same spec with these packages (the server's, with sha256 and size from the store). */
  public Spec withPackages(List<Package> published) {
    return new Spec(host, hostclass, datacenter, commit, published, params, peers);
  }

  /** The same spec as served at {@code at}. */
  public Spec withCommit(String at) {
    return new Spec(host, hostclass, datacenter, at, packages, params, peers);
  }

  /** Package name to version, in start order. */
  public Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    packages.forEach(p -> out.put(p.ref().name(), p.ref().version()));
    return out;
  }

  /**
   * The spec's identity, in hex: sha256 of a canonical JSON text of its host, hostclass,
   * datacenter, packages (name and version), params (scalars as written) and peers. The commit is
   * left out, and so are the packages' sha256 and size (a published version never changes), so
   * the repo alone gives it: the config server sends it as the spec's weak ETag and compares it
   * with the digest a host reports; roll records it in each generation, and a roll whose spec has
   * not changed gets a 304 and parses nothing.
   */
  public String digest() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("host", host);
    doc.put("hostclass", hostclass);
    doc.put("datacenter", datacenter);
    doc.put("packages", packages.stream().map(p -> Map.of("name", p.ref().name(), "version", p.ref().version())).toList());
    doc.put("params", params);
    doc.put("peers", SpecCodec.peers(peers));
    return Canonical.sha256(doc);
  }
}
