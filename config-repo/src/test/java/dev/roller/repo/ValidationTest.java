package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.roller.repo.model.Rollout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per validation rule, each asserting the {@code path:line} a user would be sent to. */
class ValidationTest {
  @TempDir Path dir;
  TestRepo repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = TestRepo.minimal(dir);
  }

  private List<String> problems() throws Exception {
    ConfigRepoException e = assertThrows(ConfigRepoException.class, repo::commitAndLoad);
    assertTrue(e.getMessage().contains("in the config repo"), e.getMessage());
    return e.problems().stream().map(Problem::toString).toList();
  }

  /** Asserts a problem starting with {@code at} (e.g. {@code "hosts/x.yml:3: "}) that contains {@code text}. */
  private static void assertProblem(List<String> problems, String at, String text) {
    for (String p : problems) {
      if (p.startsWith(at) && p.contains(text)) {
        return;
      }
    }
    fail("expected a problem at " + at + " containing '" + text + "', got:\n  " + String.join("\n  ", problems));
  }

  @Test
  void minimalRepoIsValid() throws Exception {
    ConfigRepo loaded = repo.commitAndLoad();
    assertEquals(1, loaded.hosts().size());
  }

  @Test
  void unknownKeyIsReportedWithItsLine() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nworkers: 16\n");
    assertProblem(problems(), "hosts/web1.dc1.example.com.yml:3: ", "unknown key \"workers\"");
  }

  @Test
  void wrongTypeIsReported() throws Exception {
    repo.write("hostclasses/web.yml", "description: x\npackages:\n  - hello-web\n");
    assertProblem(problems(), "hostclasses/web.yml:3: ", "'packages' must be a mapping");
  }

  @Test
  void uidMustBeAWholeNumber() throws Exception {
    repo.write("users/alice.yml", "hostclasses: [web]\nuid: two\n");
    assertProblem(problems(), "users/alice.yml:2: ", "'uid' must be a whole number");
  }

  @Test
  void missingRequiredKeyIsReported() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\n");
    assertProblem(problems(), "hosts/web1.dc1.example.com.yml:1: ", "missing 'datacenter'");
  }

  @Test
  void badFileNameIsReported() throws Exception {
    repo.write("hosts/Web2.Example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    assertProblem(problems(), "hosts/Web2.Example.com.yml:1: ", "bad host name \"Web2.Example.com\"");
  }

  @Test
  void badHostclassFileNameIsReported() throws Exception {
    repo.write("hostclasses/Web_Tier!.yml", "description: x\n");
    assertProblem(problems(), "hostclasses/Web_Tier!.yml:1: ", "bad hostclass name");
  }

  @Test
  void nonYamlFileInAFolderIsReported() throws Exception {
    repo.write("hosts/web2.dc1.example.com.yaml", "hostclass: web\ndatacenter: dc1\n");
    assertProblem(problems(), "hosts/web2.dc1.example.com.yaml:1: ", "not a .yml file");
  }

  @Test
  void hostilePathNamesAreProblemsNotCrashes() throws Exception {
    repo.write("users/" + "a".repeat(200) + ".yml", "uid: 3000\n");
    repo.write("users/.hidden.yml", "uid: 3001\n");
    List<String> problems = problems();
    assertProblem(problems, "users/" + "a".repeat(200) + ".yml:1: ", "(200 characters)");
    assertProblem(problems, "users/.hidden.yml:1: ", "bad login");
  }

  @Test
  void hostileReferencesAreBadNames() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: ../../etc/passwd\ndatacenter: \"dc1\\0\"\n");
    List<String> problems = problems();
    assertProblem(problems, "hosts/web1.dc1.example.com.yml:1: ", "bad hostclass name \"../../etc/passwd\"");
    assertProblem(problems, "hosts/web1.dc1.example.com.yml:2: ", "bad datacenter name \"dc1\\x00\"");
  }

  @Test
  void unknownHostclassAndDatacenterAreReportedAtTheirLines() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "# a comment\nhostclass: webb\ndatacenter: dc9\n");
    List<String> problems = problems();
    assertProblem(problems, "hosts/web1.dc1.example.com.yml:2: ", "unknown hostclass \"webb\": there is no hostclasses/webb.yml");
    assertProblem(problems, "hosts/web1.dc1.example.com.yml:3: ", "unknown datacenter \"dc9\"");
  }

  @Test
  void unknownPeerIsReported() throws Exception {
    repo.write("hostclasses/lb.yml", "description: lb\npeers:\n  - web\n  - webz\n");
    assertProblem(problems(), "hostclasses/lb.yml:4: ", "peers name unknown hostclass \"webz\"");
  }

  @Test
  void aRolloutIsReadWithItsDefaults() throws Exception {
    repo.write("hostclasses/web.yml", "rollout:\n  waves: [1, 10%, 50%, 100%]\n  soak: 5m\n  max_failures: 2\n");
    repo.write("hostclasses/db.yml", "rollout:\n  paused: true\n");
    ConfigRepo loaded = repo.commitAndLoad();
    Rollout web = loaded.hostclasses().get("web").rollout();
    assertEquals("[1, 10%, 50%, 100%]", web.waves().toString());
    assertEquals(java.time.Duration.ofMinutes(5), web.soak());
    assertEquals(2, web.maxFailures());
    assertEquals(false, web.paused());
    assertEquals(List.of(1, 20, 100, 200), web.ends(200));
    assertEquals(List.of(1, 2, 3), web.ends(3), "10% of 3 hosts is the 1 of the first wave: left out");
    Rollout db = loaded.hostclasses().get("db").rollout();
    assertEquals("[100%]", db.waves().toString());
    assertEquals(0, db.maxFailures());
    assertEquals(true, db.paused());
  }

  @Test
  void aRolloutThatContradictsItselfIsReportedAtItsLine() throws Exception {
    repo.write("hostclasses/web.yml", """
        rollout:
          waves:
            - 5
            - 50%
            - 10%
            - 150%
            - 2
            - soon
          soak: tomorrow
          max_failures: -1
          paused: maybe
          pace: fast
        """);
    List<String> problems = problems();
    assertProblem(problems, "hostclasses/web.yml:5: ", "'rollout.waves' must rise (they are cumulative): 10% after 50%");
    assertProblem(problems, "hostclasses/web.yml:6: ", "a share is from 1% to 100%, not 150%");
    assertProblem(problems, "hostclasses/web.yml:7: ", "a host count (2) after a share (50%): counts come first");
    assertProblem(problems, "hostclasses/web.yml:8: ", "each wave is a host count (5) or a share (10%), got the value \"soon\"");
    assertProblem(problems, "hostclasses/web.yml:9: ", "'rollout.soak' is not a duration: \"tomorrow\"");
    assertProblem(problems, "hostclasses/web.yml:10: ", "'rollout.max_failures' must be a whole number from 0");
    assertProblem(problems, "hostclasses/web.yml:11: ", "'rollout.paused' must be true or false");
    assertProblem(problems, "hostclasses/web.yml:12: ", "unknown key \"pace\" (expected one of: waves, soak, max_failures, paused)");

    repo.write("hostclasses/web.yml", "rollout:\n  waves: [3, 2]\n");
    assertProblem(problems(), "hostclasses/web.yml:2: ", "must rise (they are cumulative): 2 after 3");
    repo.write("hostclasses/web.yml", "rollout: fast\n");
    assertProblem(problems(), "hostclasses/web.yml:1: ", "'rollout' must be a mapping");
  }

  @Test
  void aHostKeyThatIsNotAnEd25519KeyIsReportedAtItsLine() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nkey: ssh-ed25519 AAAAC3Nza\n");
    assertProblem(problems(), "hosts/web1.dc1.example.com.yml:3: ", "'key': a key is ed25519:<base64>");
    String good = dev.roller.repo.trust.Keys.format(dev.roller.repo.trust.Keys.generate().getPublic());
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nkey: " + good + "\n");
    assertEquals(good, repo.commitAndLoad().hosts().get("web1.dc1.example.com").key());
  }

  @Test
  void userNamingAnUnknownHostclassIsReported() throws Exception {
    repo.write("users/bob.yml", "uid: 2002\nhostclasses:\n  - web\n  - dbz\n");
    assertProblem(problems(), "users/bob.yml:4: ", "unknown hostclass \"dbz\"");
  }

  @Test
  void sudoWhereTheAccountDoesNotExistIsReported() throws Exception {
    repo.write("hostclasses/db.yml", "description: db\n");
    repo.write("users/bob.yml", "uid: 2002\nhostclasses: [web]\nsudo: [db]\n");
    assertProblem(problems(), "users/bob.yml:3: ", "the account does not exist there");
  }

  @Test
  void versionRangeIsNotExact() throws Exception {
    repo.write("hostclasses/web.yml", "packages:\n  hello-web: \">=1.0\"\n  foreman: 1.0.0\n");
    assertProblem(problems(), "hostclasses/web.yml:2: ", "packages.hello-web: bad version \">=1.0\": expected an exact version");
  }

  @Test
  void missingVersionIsReported() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages:\n  hello-web:\n");
    assertProblem(problems(), "hosts/web1.dc1.example.com.yml:4: ", "packages.hello-web has no value");
  }

  @Test
  void badPackageNameIsReported() throws Exception {
    repo.write("hostclasses/web.yml", "packages:\n  Hello_Web: 1.0.0\n");
    assertProblem(problems(), "hostclasses/web.yml:2: ", "bad package name \"Hello_Web\"");
  }

  @Test
  void duplicateUidIsReported() throws Exception {
    repo.write("users/bob.yml", "hostclasses: [web]\nuid: 2001\n");
    assertProblem(problems(), "users/bob.yml:2: ", "duplicate uid 2001: users/alice.yml has it too");
  }

  @Test
  void duplicateKeyIsReported() throws Exception {
    repo.write("hostclasses/web.yml", "params:\n  a: 1\n  a: 2\ndescription: x\ndescription: y\n");
    List<String> problems = problems();
    assertProblem(problems, "hostclasses/web.yml:3: ", "duplicate key 'params.a' (first at line 2)");
    assertProblem(problems, "hostclasses/web.yml:5: ", "duplicate key 'description' (first at line 4)");
  }

  @Test
  void nestedFolderIsReportedOnce() throws Exception {
    repo.write("hosts/extra/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    repo.write("hosts/extra/web3.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    List<String> problems = problems();
    assertProblem(problems, "hosts/extra/web2.dc1.example.com.yml:1: ", "nested folder \"hosts/extra/\"");
    assertEquals(1, problems.stream().filter(p -> p.contains("nested folder")).count(), problems.toString());
  }

  @Test
  void unexpectedTopLevelFolderIsReported() throws Exception {
    repo.write("roles/web.yml", "x: 1\n");
    repo.write("README.md", "top-level files are fine\n");
    List<String> problems = problems();
    assertProblem(problems, "roles/web.yml:1: ", "unexpected top-level folder \"roles/\"");
    assertEquals(1, problems.size(), problems.toString());
  }

  @Test
  void yamlSyntaxErrorHasItsLine() throws Exception {
    repo.write("datacenters/dc1.yml", "description: first\nparams:\n  ntp_server: [unclosed\n  other: 1\n");
    assertProblem(problems(), "datacenters/dc1.yml:", "YAML syntax error");
  }

  @Test
  void yamlSyntaxErrorLineIsExact() throws Exception {
    repo.write("datacenters/dc1.yml", "description: first\nparams:\n\tntp: x\n");
    assertProblem(problems(), "datacenters/dc1.yml:3: ", "YAML syntax error");
  }

  @Test
  void fileThatIsNotUtf8IsReportedWithItsLine() throws Exception {
    byte[] latin1 = "description: first\nparams:\n  city: M\u00fcnchen\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    repo.write("datacenters/dc1.yml", latin1);
    assertProblem(problems(), "datacenters/dc1.yml:3: ", "not valid UTF-8");
  }

  @Test
  void emptyFileAndNonMappingAreReported() throws Exception {
    repo.write("datacenters/dc2.yml", "");
    repo.write("datacenters/dc3.yml", "- a\n- b\n");
    List<String> problems = problems();
    assertProblem(problems, "datacenters/dc2.yml:1: ", "empty file");
    assertProblem(problems, "datacenters/dc3.yml:1: ", "expected a mapping of keys to values at the top, got a list");
  }

  @Test
  void badSshKeyIsReported() throws Exception {
    repo.write("users/alice.yml", "uid: 2001\nhostclasses: [web]\nssh_keys:\n  - ssh-ed25519 not*base64 alice@x\n"
        + "  - ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob\n");
    List<String> problems = problems();
    assertProblem(problems, "users/alice.yml:4: ", "not valid base64");
    assertProblem(problems, "users/alice.yml:5: ", "key data is a \"ssh-ed25519\" key but the line says ssh-rsa");
  }

  @Test
  void badDotfileNameIsReported() throws Exception {
    repo.write("users/alice.yml", "uid: 2001\nhostclasses: [web]\nfiles:\n  .profile: x\n  ../.bashrc: y\n");
    assertProblem(problems(), "users/alice.yml:5: ", "bad dotfile name \"../.bashrc\"");
  }

  @Test
  void badParamNameIsReported() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  ntp-server: x\n");
    assertProblem(problems(), "datacenters/dc1.yml:2: ", "bad param name \"ntp-server\"");
  }

  @Test
  void symlinkIsReportedNotFollowed() throws Exception {
    java.nio.file.Files.createSymbolicLink(dir.resolve("hosts/web2.dc1.example.com.yml"), Path.of("../users/alice.yml"));
    assertProblem(problems(), "hosts/web2.dc1.example.com.yml:1: ", "symbolic link");
  }

  @Test
  void everyProblemIsReportedInOneRun() throws Exception {
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n");
    repo.write("users/bob.yml", "uid: 2001\n");
    repo.write("hostclasses/web.yml", "packages: {hello-web: \"~1\"}\n");
    repo.write("stray/x.yml", "a: 1\n");
    List<String> problems = problems();
    assertEquals(4, problems.size(), problems.toString());
    assertEquals(problems.stream().sorted().toList(), problems, "sorted by file and line");
  }

  @Test
  void referenceToABrokenFileIsNotReportedTwice() throws Exception {
    repo.write("hostclasses/web.yml", "packages: [x]\n");
    List<String> problems = problems();
    assertEquals(1, problems.size(), problems.toString());
  }

  @Test
  void yamlTagsAreRefusedWithTheirLine() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  ntp_server: x\n  r: !foo bar\n");
    assertProblem(problems(), "datacenters/dc1.yml:3: ", "YAML tags are not allowed (!foo)");
    for (String tagged : List.of("!!binary aGk=", "!!set {a: null}", "!!timestamp 2026-12-01")) {
      repo.write("datacenters/dc1.yml", "params:\n  r: " + tagged + "\n");
      assertProblem(problems(), "datacenters/dc1.yml:2: ", "YAML tags are not allowed");
    }
  }

  @Test
  void mergeKeysAreRefused() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  base: &b {x: 1}\n  more:\n    <<: *b\n");
    assertProblem(problems(), "datacenters/dc1.yml:4: ", "merge keys (<<) are not allowed");
  }

  @Test
  void anAliasBombIsRefusedNamingItsAnchor() throws Exception {
    // Twenty levels of two aliases each: a few hundred bytes that expand to millions of values.
    StringBuilder yaml = new StringBuilder("params:\n  l0: &l0 [\"" + "x".repeat(64) + "\"]\n");
    for (int i = 1; i <= 20; i++) {
      yaml.append("  l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
    }
    repo.write("datacenters/dc1.yml", yaml.toString());
    List<String> problems = problems();
    assertProblem(problems, "datacenters/dc1.yml:", "aliases expand this document past");
    assertTrue(problems.get(0).contains("anchor &l"), problems.toString());
  }

  @Test
  void aFewAliasesThatStaySmallAreFine() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  ntp: &n ntp.dc1\n  ntp_server: *n\n");
    assertEquals("ntp.dc1", repo.commitAndLoad().datacenters().get("dc1").params().get("ntp_server"));
  }

  @Test
  void aDateLikeParamStaysTheTextItWasWrittenAs() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  release: 2026-12-01\n  at: 2026-12-01T10:00:00Z\n");
    var params = repo.commitAndLoad().datacenters().get("dc1").params();
    assertEquals("2026-12-01", params.get("release"));
    assertEquals("2026-12-01T10:00:00Z", params.get("at"));
  }

  @Test
  void oneOfTheFourFoldersCommittedAsALinkIsRefused() throws Exception {
    repo.delete("users/alice.yml").delete("users");
    java.nio.file.Files.createDirectories(dir.resolve("elsewhere"));
    java.nio.file.Files.createSymbolicLink(dir.resolve("users"), Path.of("elsewhere"));
    assertProblem(problems(), "users:1: ", "\"users\" must be a folder, not a symbolic link");
  }

  @Test
  void aliasesThatGiveEveryHostAHugeSpecAreRefusedNamingTheAnchorsLine() throws Exception {
    // Twenty aliases of a 60,000-character value: 1.2 MB, under the 4 MiB a file may expand to,
    // but every host of dc1 would get a spec of over 1 MiB.
    StringBuilder yaml = new StringBuilder("description: first\nparams:\n  ntp_server: ntp.dc1\n  big: &big \""
        + "x".repeat(60_000) + "\"\n");
    for (int i = 1; i <= 20; i++) {
      yaml.append("  copy").append(i).append(": *big\n");
    }
    repo.write("datacenters/dc1.yml", yaml.toString());
    repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    List<String> problems = problems();
    assertEquals(1, problems.size(), problems.toString());
    assertProblem(problems, "datacenters/dc1.yml:4: ", "the spec of web1.dc1.example.com (and 1 more hosts) would be about 1.2 MiB, "
        + "over the limit of 1 MiB; params.big alone is 58.6 KiB");
  }

  @Test
  void theSpecBoundIsConfigurable() throws Exception {
    repo.write("datacenters/dc1.yml", "params:\n  big: \"" + "x".repeat(5_000) + "\"\n");
    String sha = repo.commit("a 5 kB param");
    assertEquals(1, ConfigRepo.loadGit(dir, sha).hosts().size(), "fine under the default");
    ConfigRepoException e = assertThrows(ConfigRepoException.class,
        () -> ConfigRepo.load(dev.roller.repo.source.GitRepo.open(dir).read(sha), 4096));
    assertProblem(e.problems().stream().map(Problem::toString).toList(), "datacenters/dc1.yml:2: ", "over the limit of 4.0 KiB");
  }

  @Test
  void peersThatMakeASpecHugeAreNamedAtTheHostclassLine() throws Exception {
    repo.write("hostclasses/db.yml", "description: db\npackages:\n  hello-web: 1.0.0\nparams:\n  blob: \"" + "y".repeat(3_000) + "\"\n");
    repo.write("hostclasses/web.yml", "description: web tier\npackages:\n  hello-web: 1.0.0\npeers: [db]\n");
    for (int i = 0; i < 400; i++) {
      repo.write("hosts/db" + i + ".dc1.example.com.yml", "hostclass: db\ndatacenter: dc1\n");
    }
    List<String> problems = problems();
    assertProblem(problems, "hostclasses/web.yml:4: ", "the peers of hostclass db in dc1 alone are 1.");
  }
}
