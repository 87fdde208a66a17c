package dev.roller.pkg.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict Pebble rendering with the context of DESIGN §3. */
class TemplatesTest {
  static final String SHA = "a".repeat(64);

  static Spec spec() {
    return SpecCodec.fromMap(Map.of(
        "host", "lb1.dc1.example.com", "hostclass", "lb", "datacenter", "dc1", "commit", "b".repeat(40),
        "packages", List.of(Map.of("name", "hello-lb", "version", "1.0.0", "sha256", SHA, "size", 10)),
        "params", Map.of("listen_port", 8000, "greeting", "<b>hi</b> & bye"),
        "peers", Map.of("web", List.of(
            Map.of("name", "web1.dc1.example.com", "params", Map.of("listen_port", 8080)),
            Map.of("name", "web2.dc1.example.com", "params", Map.of("listen_port", 8081))))), SpecCodec.Identity.REQUIRED);
  }

  private static Map<String, Object> context() throws PackageException {
    return TemplateContext.of(spec(), new TemplateContext.Paths("/scratch/host", "/scratch/host/usr/local",
        "/scratch/host/var/log/roller", "/scratch/host/var/lib/roller/run"));
  }

  @Test
  void rendersHostParamsPackagesPeersCommitAndPaths() throws Exception {
    String out = Templates.render("hello-lb-1.0.0:etc/lb.conf.tmpl", """
        host={{ host.name }} in {{ host.datacenter }} ({{ host.hostclass }})
        port={{ params.listen_port }}
        version={{ packages["hello-lb"] }}
        {% for peer in peers.web %}backend={{ peer.name }}:{{ peer.params.listen_port }}
        {% endfor %}commit={{ commit }}
        log={{ paths.log }}/hello-lb.log
        """, context());
    assertEquals("""
        host=lb1.dc1.example.com in dc1 (lb)
        port=8000
        version=1.0.0
        backend=web1.dc1.example.com:8080
        backend=web2.dc1.example.com:8081
        commit=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
        log=/scratch/host/var/log/roller/hello-lb.log
        """, out);
  }

  @Test
  void valuesAreNotHtmlEscaped() throws Exception {
    assertEquals("<b>hi</b> & bye", Templates.render("t", "{{ params.greeting }}", context()));
  }

  @Test
  void anUndefinedVariableIsAnErrorNamingTheTemplateAndLine() throws Exception {
    PackageException e = assertThrows(PackageException.class, () ->
        Templates.render("hello-lb-1.0.0:etc/lb.conf.tmpl", "a={{ params.listen_port }}\nb={{ params.nope }}\n", context()));
    assertTrue(e.getMessage().startsWith("template hello-lb-1.0.0:etc/lb.conf.tmpl:2: "), e.getMessage());
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void templatesCannotIncludeFilesOfTheHost() throws Exception {
    PackageException e = assertThrows(PackageException.class, () ->
        Templates.render("evil.tmpl", "{% include \"/etc/passwd\" %}", context()));
    assertTrue(e.getMessage().contains("cannot include"), e.getMessage());
  }

  @Test
  void aSyntaxErrorNamesTheTemplateAndLine() throws Exception {
    PackageException e = assertThrows(PackageException.class, () -> Templates.render("bad.tmpl", "ok\n{% if %}\n", context()));
    assertTrue(e.getMessage().startsWith("template bad.tmpl:2: "), e.getMessage());
  }

  @Test
  void aTemplateThatRendersTooMuchIsRefusedNamingIt() throws Exception {
    PackageException e = assertThrows(PackageException.class, () -> Templates.render("big-1.0:etc/big.tmpl",
        "{% for i in range(1, 3000000) %}0123456789{% endfor %}", context()));
    assertTrue(e.getMessage().startsWith("template big-1.0:etc/big.tmpl") && e.getMessage().contains("more than 16777216 chars"), e.getMessage());
  }

  @Test
  void aRecursiveMacroIsRefusedNotAStackTrace() throws Exception {
    PackageException e = assertThrows(PackageException.class, () -> Templates.render("deep-1.0:etc/deep.tmpl",
        "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(1) }}", context()));
    assertTrue(e.getMessage().startsWith("template deep-1.0:etc/deep.tmpl"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, "one line, not a stack: " + e.getMessage());
  }

  @Test
  void aTemplateThatRunsPastItsTimeIsRefused() throws Exception {
    PackageException e = assertThrows(PackageException.class, () -> Templates.render("slow-1.0:etc/slow.tmpl",
        "{% for i in range(1, 100000) %}{% for j in range(1, 100000) %}{% endfor %}{% endfor %}", context(),
        java.time.Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("took longer than 1 s"), e.getMessage());
  }
}
