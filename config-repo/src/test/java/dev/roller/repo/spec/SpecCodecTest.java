package dev.roller.repo.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one document form of a spec, and its one digest. */
class SpecCodecTest {
  private static final String SHA = "9c1f".repeat(16);

  private static Spec spec(String greeting, String commit, Sha256 sha256) {
    return new Spec("web1.dc1.example.com", "web", "dc1", commit,
        List.of(new Spec.Package(new PackageRef("hello-web", "1.1.0"), sha256, sha256 == null ? 0 : 18230)),
        Map.of("greeting", greeting, "port", 8080),
        Map.of("db", List.of(new Peer("db1.dc1.example.com", Map.of("role", "primary")))));
  }

  @Test
  void aServedSpecReadsBackAsTheSameSpec() {
    Spec served = spec("hi", "3f2a9c0e".repeat(5), new Sha256(SHA));
    Map<String, Object> doc = SpecCodec.toMap(served);
    assertEquals(List.of("host", "hostclass", "datacenter", "commit", "packages", "params", "peers"), List.copyOf(doc.keySet()));
    assertEquals(served, SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
  }

  @Test
  void theDigestIsWhatTheRepoSaysNotTheCommitOrTheStore() {
    String repoLevel = spec("hi", null, null).digest();
    assertEquals(repoLevel, spec("hi", "3f2a9c0e".repeat(5), new Sha256(SHA)).digest(), "commit, sha256 and size left out");
    assertNotEquals(repoLevel, spec("hello", null, null).digest(), "a param that changes changes it");
    // A report carries the spec without sha256 and size: it reads back to the same digest.
    Spec reported = SpecCodec.fromMap(SpecCodec.toMap(spec("hi", null, null)), SpecCodec.Identity.OPTIONAL);
    assertEquals(repoLevel, reported.digest());
  }

  @Test
  void theDigestDoesNotDependOnKeyOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("a", 1);
    a.put("b", Map.of("x", "y"));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("b", Map.of("x", "y"));
    b.put("a", 1);
    Spec one = new Spec("h1.dc1.example.com", "web", "dc1", null, List.of(), a, Map.of());
    Spec two = new Spec("h1.dc1.example.com", "web", "dc1", null, List.of(), b, Map.of());
    assertEquals(one.digest(), two.digest());
  }

  @Test
  void aDocumentRollCannotUseIsRefusedNamingTheField() {
    Map<String, Object> doc = new LinkedHashMap<>(SpecCodec.toMap(spec("hi", null, new Sha256(SHA))));
    doc.put("packages", List.of(Map.of("name", "../../etc", "version", "1", "sha256", SHA, "size", 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
    assertTrue(e.getMessage().contains("../../etc"), e.getMessage());

    doc.put("packages", List.of(Map.of("name", "hello-web", "version", "1", "sha256", "nothex", "size", 1)));
    e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());

    doc.put("packages", List.of(Map.of("name", "hello-web", "version", "1")));
    e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
    assertTrue(e.getMessage().contains("hello-web-1 has no size"), e.getMessage());

    doc.put("packages", List.of());
    doc.put("peers", Map.of("db", List.of(Map.of("name", "/etc/passwd"))));
    e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
    assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());

    doc.put("peers", Map.of());
    doc.put("host", "../../etc");
    e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.fromMap(doc, SpecCodec.Identity.REQUIRED));
    assertTrue(e.getMessage().contains("bad host name"), e.getMessage());
  }
}
