package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.TestRepo;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.store.LocalPackages;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec, downloads and a built generation, from a real config server on 127.0.0.1 into a scratch root. */
class FetchAndBuildTest {
  private static final String HOST = "web1.dc1.example.com";

  @TempDir Path dir;
  RollServer server;
  HostLayout layout;

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/lb.yml", "packages: {foreman: 1.0.0}\npeers: [web]\n");
    repo.write("hosts/lb1.dc1.example.com.yml", "hostclass: lb\ndatacenter: dc1\n");
    repo.commit("first");
    server = new RollServer(repo, dir.resolve("server"));
    server.publish("hello-web", "1.0.0", "bin/hello-web", "#!/bin/sh\n",
        "etc/hello-web/web.conf.tmpl", "host={{ host.name }}\nport={{ params.listen_port }}\nntp={{ params.ntp_server }}\n");
    server.publish("foreman", "1.0.0", "bin/foreman", "#!/bin/sh\n");
    layout = new HostLayout(dir.resolve("host"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ConfigServerClient client(URI... servers) {
    return new ConfigServerClient(List.of(servers), Duration.ofSeconds(2), Duration.ofSeconds(20));
  }

  @Test
  void buildsAGenerationFromTheServersSpec() throws Exception {
    ConfigServerClient client = client(server.uri());
    Spec spec = client.spec(HOST);
    assertEquals(List.of("hello-web", "foreman"), List.copyOf(spec.versions().keySet()));
    List<Spec.Package> ready = new ArrayList<>();
    Map<Spec.Package, Path> trees = new LocalPackages(layout, client).ensure(spec.packages(), ready::add);
    assertEquals(2, ready.size());
    assertTrue(Files.isRegularFile(layout.cachedTarball(spec.packages().get(0).sha256())));

    Generations generations = new Generations(layout);
    GenerationBuilder.Built built = new GenerationBuilder(layout, generations).build(spec, trees, generations.next());
    generations.switchTo(built.number());
    assertEquals("host=web1.dc1.example.com\nport=8080\nntp=ntp.dc1\n",
        Files.readString(layout.usrLocal().resolve("etc/hello-web/web.conf")));
    String record = Files.readString(layout.usrLocal().resolve(GenerationBuilder.RECORD));
    assertTrue(record.contains("commit: " + spec.commit()), record);
    assertTrue(record.contains("etc/hello-web/web.conf: "), record);
    assertEquals(List.of("hello-web-1.0.0", "foreman-1.0.0"), built.record().packages().stream().map(p -> p.ref().toString()).toList());
  }

  @Test
  void theNextServerIsTriedWhenOneCannotBeReached() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Spec spec = client(URI.create("http://127.0.0.1:" + dead), server.uri()).spec(HOST);
    assertEquals(HOST, spec.host());
    RollException none = assertThrows(RollException.class, () -> client(URI.create("http://127.0.0.1:" + dead)).spec(HOST));
    assertTrue(none.getMessage().startsWith("no config server answered for the spec of " + HOST), none.getMessage());
  }

  @Test
  void aSpecStillTheSameIsAnswered304AndAnyOtherInFullFromTheFirstServerThatAnswers() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Spec spec = client(server.uri()).spec(HOST);
    String digest = spec.digest();
    ConfigServerClient.SpecAnswer same = client(URI.create("http://127.0.0.1:" + dead), server.uri()).spec(HOST, digest);
    assertNull(same.spec(), "304: the host has this spec");
    assertEquals(spec.commit(), same.commit());

    server.repo.write("users/nobody.yml", "uid: 3001\nhostclasses: [lb]\n");
    server.repo.commit("a commit that leaves web1's spec alone");
    server.refresh();
    ConfigServerClient.SpecAnswer moved = client(server.uri()).spec(HOST, digest);
    assertNull(moved.spec());
    assertNotEquals(spec.commit(), moved.commit(), "the 304 names the commit now served");

    ConfigServerClient.SpecAnswer other = client(URI.create("http://127.0.0.1:" + dead), server.uri()).spec(HOST, "0".repeat(64));
    assertEquals(HOST, other.spec().host(), "a host whose spec differs gets it in full");
    assertEquals(moved.commit(), other.commit());
  }

  @Test
  void anUnpublishedPackageIsTheRepositorysFinalAnswer() throws Exception {
    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 9.9}\n");
    server.repo.commit("unpublished canary");
    server.refresh();
    RollException e = assertThrows(RollException.class, () -> client(server.uri()).spec(HOST));
    assertTrue(e.getMessage().contains("answered 422"), e.getMessage());
    assertTrue(e.getMessage().contains("hello-web-9.9"), e.getMessage());
  }

  @Test
  void aTarballThatDoesNotMatchItsSha256IsRefusedAndNotKept() throws Exception {
    ConfigServerClient client = client(server.uri());
    Spec spec = client.spec(HOST);
    // Damage the published tarball behind the server's back (its recorded sha256 stays).
    Path stored = server.dir.resolve("store/packages/hello-web/1.0.0.tar.gz");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length / 2] ^= 1;
    Files.write(stored, bytes);
    RollException e = assertThrows(RollException.class, () -> new LocalPackages(layout, client).ensure(spec.packages(), p -> {}));
    assertTrue(e.getMessage().contains("cannot download hello-web-1.0.0"), e.getMessage());
    assertTrue(e.getMessage().contains("the spec says " + spec.packages().get(0).sha256()), e.getMessage());
    assertFalse(Files.exists(layout.cachedTarball(spec.packages().get(0).sha256())));
    assertFalse(Files.exists(layout.storeEntry(spec.packages().get(0).sha256())));
  }

  @Test
  void aTemplateErrorLeavesNoGenerationBehind() throws Exception {
    BuiltPackage broken = server.publish("hello-web", "2.0.0", "etc/web.conf.tmpl", "line one\nport={{ params.nope }}\n");
    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 2.0.0}\n");
    server.repo.commit("broken template");
    server.refresh();
    ConfigServerClient client = client(server.uri());
    Spec spec = client.spec(HOST);
    Map<Spec.Package, Path> trees = new LocalPackages(layout, client).ensure(spec.packages(), p -> {});
    Generations generations = new Generations(layout);
    RollException e = assertThrows(RollException.class,
        () -> new GenerationBuilder(layout, generations).build(spec, trees, generations.next()));
    assertTrue(e.getMessage().startsWith("template hello-web-2.0.0:etc/web.conf.tmpl:2: "), e.getMessage());
    assertEquals(List.of(), generations.list());
    try (var left = Files.list(layout.generations())) {
      assertEquals(0, left.count(), "no half-built generation");
    }
    assertTrue(broken.size() > 0);
  }
}
