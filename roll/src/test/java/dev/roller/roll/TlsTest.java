package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.host.Tls;
import dev.roller.repo.TestRepo;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.ExecServiceManager;
import dev.roller.server.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * roll over HTTPS (DESIGN §9): a CA and a server certificate made with openssl in the test, as
 * docs/operations.md shows; the server's certificate checked against ca: (the CA's PEM), and
 * refused when it was issued by a CA the host does not trust.
 */
class TlsTest {
  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  ExecServiceManager services;

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
  }

  private void ca(String name) throws Exception {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
        "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name);
  }

  @BeforeEach
  void start() throws Exception {
    ca("roller-test-ca");
    ca("other-ca");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "roller-test-ca.pem", "-CAkey", "roller-test-ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san.ext");
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/app.yml", "packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    repo.write("hosts/" + Services.HOST + ".yml", "hostclass: app\ndatacenter: dc1\n");
    repo.commit("app");
    server = new RollServer(repo, dir.resolve("server"), null,
        ServerTls.context(dir.resolve("server.pem"), dir.resolve("server.key")));
    Services.publish(server, "alpha", "1.0.0", "");
    Services.publish(server, "beta", "1.0.0", "");
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    server.close();
  }

  private Outcome roll(String ca) throws Exception {
    ConfigServerClient client = new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20))
        .tls(ca == null ? null : Tls.trusting(dir.resolve(ca)));
    return new Applier(layout, client, services, Services.quietLog()).apply(Services.HOST, false);
  }

  @Test
  void aServerCertifiedByTheTrustedCaIsRolledFromAndAnyOtherRefused() throws Exception {
    assertTrue(server.uri().toString().startsWith("https://"));
    Outcome other = roll("other-ca.pem");
    assertEquals(1, other.exitCode(), other.message());
    assertTrue(other.message().contains("SSLHandshakeException") || other.message().contains("PKIX"), other.message());
    Outcome system = roll(null);
    assertEquals(1, system.exitCode(), "the system's CAs do not know the test CA: " + system.message());
    assertTrue(!Files.exists(layout.usrLocal()), "the host untouched");

    Outcome ok = roll("roller-test-ca.pem");
    assertEquals(0, ok.exitCode(), ok.message());
    assertTrue(Services.state(layout, "alpha").contains("1.0.0"));
  }

  @Test
  void mismatchedTlsMaterialIsRefusedAtStartNamingTheFile() throws Exception {
    IllegalArgumentException mismatch = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServerTls.context(dir.resolve("server.pem"), dir.resolve("server.csr")));
    assertTrue(mismatch.getMessage().contains("server.csr: not a PKCS#8 PEM key"), mismatch.getMessage());
    IllegalArgumentException other = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServerTls.context(dir.resolve("server.pem"), dir.resolve("other-ca.key")));
    assertTrue(other.getMessage().contains("other-ca.key is not the key of the certificate in") && other.getMessage()
        .contains("server.pem: they do not match"), other.getMessage());
  }
}
