package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.source.GitRepo;
import dev.roller.repo.source.RepoChanges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit loaded from the one served plus the files that changed ({@link ConfigRepo#update}) is
 * the repo a full load of that commit gives, or fails with the same problems: checked on random
 * commits (hosts moved, added and removed, hostclasses and datacenters edited or deleted, broken
 * YAML, misplaced files, links), each diffed against the last good one as the server does.
 */
class IncrementalLoadTest {
  @TempDir Path dir;

  private static final List<String> DATACENTERS = List.of("dc1", "dc2", "dc3");
  private static final List<String> HOSTCLASSES = List.of("web", "db", "cache", "batch");

  @Test
  void aCommitLoadedFromTheChangedFilesIsTheCommitLoadedWhole() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, String> model = new TreeMap<>();
    for (String dc : DATACENTERS) {
      model.put("datacenters/" + dc + ".yml", "description: " + dc + "\nparams:\n  ntp: ntp." + dc + "\n");
    }
    for (String hc : HOSTCLASSES) {
      model.put("hostclasses/" + hc + ".yml", hostclass(hc, "1.0.0", random));
    }
    for (int i = 0; i < 40; i++) {
      model.put(hostPath(i), host(random.nextInt(HOSTCLASSES.size()), random.nextInt(DATACENTERS.size()), i));
    }
    for (int i = 0; i < 5; i++) {
      model.put("users/user" + i + ".yml", "uid: " + (2000 + i) + "\nhostclasses: [" + HOSTCLASSES.get(i % 4) + "]\n");
    }
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      sync(repo, Map.of(), model);
      String first = repo.commit("base");
      GitRepo git = GitRepo.open(repo.dir());
      ConfigRepo base = ConfigRepo.load(git.read(first));
      Map<String, String> baseModel = new TreeMap<>(model);
      int valid = 0;
      int invalid = 0;
      for (int step = 0; step < 80; step++) {
        Map<String, String> next = new TreeMap<>(baseModel);
        int changes = 1 + random.nextInt(3);
        List<String> did = new ArrayList<>();
        for (int c = 0; c < changes; c++) {
          did.add(mutate(next, random));
        }
        Map<String, String> written = readModel(repo.dir());
        sync(repo, written, next);
        String commit = repo.commit("step " + step);
        String context = "seed " + seed + ", step " + step + " (" + did + ")";
        RepoChanges diff = git.changes(base.commit(), commit).orElseThrow();
        ConfigRepo whole = null;
        List<Problem> wholeProblems = null;
        try {
          whole = ConfigRepo.load(git.read(commit));
        } catch (ConfigRepoException e) {
          wholeProblems = e.problems();
        }
        ConfigRepo updated = null;
        List<Problem> updatedProblems = null;
        try {
          updated = ConfigRepo.update(base, diff, ConfigRepo.DEFAULT_MAX_SPEC);
        } catch (ConfigRepoException e) {
          updatedProblems = e.problems();
        }
        assertEquals(wholeProblems, updatedProblems, context);
        if (whole == null) {
          invalid++;
          continue; // the server keeps serving base; the next commit is diffed against it
        }
        valid++;
        assertEquals(whole.commit(), updated.commit(), context);
        assertEquals(whole.datacenters(), updated.datacenters(), context);
        assertEquals(whole.hostclasses(), updated.hostclasses(), context);
        assertEquals(whole.hosts(), updated.hosts(), context);
        assertEquals(whole.users(), updated.users(), context);
        for (String host : whole.hosts().keySet()) {
          assertEquals(whole.spec(host), updated.spec(host), context + ": the spec of " + host);
        }
        for (String hc : whole.hostclasses().keySet()) {
          assertEquals(whole.index().hosts(hc), updated.index().hosts(hc), context + ": the hosts of " + hc);
        }
        base = updated;
        baseModel = next;
      }
      assertTrue(valid > 10 && invalid > 10, "both kinds of commit were tried: " + valid + " valid, " + invalid + " invalid");
      git.close();
    }
  }

  private static String hostPath(int i) {
    return "hosts/h" + i + ".example.com.yml";
  }

  private static String host(int hc, int dc, int i) {
    return "hostclass: " + HOSTCLASSES.get(hc) + "\ndatacenter: " + DATACENTERS.get(dc) + "\nparams:\n  index: " + i + "\n";
  }

  private static String hostclass(String name, String version, Random random) {
    return "description: " + name + "\npackages:\n  " + name + "-app: " + version + "\n  foreman: 1.0.0\nparams:\n  port: "
        + (8000 + random.nextInt(1000)) + "\n";
  }

  /** One random change to the files; what it did, for the failure message. */
  private static String mutate(Map<String, String> files, Random random) {
    int i = random.nextInt(60);
    switch (random.nextInt(11)) {
      case 0, 1 -> {
        files.put(hostPath(i), host(random.nextInt(HOSTCLASSES.size()), random.nextInt(DATACENTERS.size()), i));
        return "host " + i + " written";
      }
      case 2 -> {
        files.remove(hostPath(i));
        return "host " + i + " removed";
      }
      case 3 -> {
        String hc = HOSTCLASSES.get(random.nextInt(HOSTCLASSES.size()));
        files.put("hostclasses/" + hc + ".yml", hostclass(hc, "1." + random.nextInt(5) + ".0", random));
        return "hostclass " + hc + " edited";
      }
      case 4 -> {
        String hc = HOSTCLASSES.get(random.nextInt(HOSTCLASSES.size()));
        files.remove("hostclasses/" + hc + ".yml");
        return "hostclass " + hc + " removed";
      }
      case 5 -> {
        files.put(hostPath(i), "hostclass: nosuch\ndatacenter: dc1\n");
        return "host " + i + " names an unknown hostclass";
      }
      case 6 -> {
        List<String> paths = new ArrayList<>(files.keySet());
        String path = paths.get(random.nextInt(paths.size()));
        files.put(path, "params: [unclosed\n");
        return path + " broken";
      }
      case 7 -> {
        String path = List.of("hosts/nested/x.yml", "extra/file.yml", "hosts/readme.txt", "users/Bad_Name.yml")
            .get(random.nextInt(4));
        files.put(path, "x: 1\n");
        return path + " misplaced";
      }
      case 8 -> {
        String dc = DATACENTERS.get(random.nextInt(DATACENTERS.size()));
        files.put("datacenters/" + dc + ".yml", "description: moved\nparams:\n  ntp: ntp" + random.nextInt(9) + "\n");
        return "datacenter " + dc + " edited";
      }
      case 9 -> {
        files.put("users/user" + (i % 7) + ".yml", "uid: " + (2000 + i % 7) + "\nhostclasses: ["
            + HOSTCLASSES.get(random.nextInt(HOSTCLASSES.size())) + "]\n");
        return "user " + (i % 7) + " written";
      }
      default -> {
        files.put(hostPath(i), "-> link");
        return "host " + i + " made a symbolic link";
      }
    }
  }

  /** Makes the working tree hold {@code want} (a value "-> link" is a symbolic link). */
  private static void sync(TestRepo repo, Map<String, String> have, Map<String, String> want) throws Exception {
    for (String path : have.keySet()) {
      if (!want.containsKey(path)) {
        Files.delete(repo.dir().resolve(path));
      }
    }
    for (Map.Entry<String, String> e : want.entrySet()) {
      if (e.getValue().equals(have.get(e.getKey()))) {
        continue;
      }
      Path file = repo.dir().resolve(e.getKey());
      Files.deleteIfExists(file);
      if (e.getValue().equals("-> link")) {
        Files.createDirectories(file.getParent());
        Files.createSymbolicLink(file, Path.of("elsewhere.yml"));
      } else {
        repo.write(e.getKey(), e.getValue());
      }
    }
  }

  private static Map<String, String> readModel(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (var walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> !root.relativize(p).toString().startsWith(".git")).toList()) {
        if (Files.isSymbolicLink(p)) {
          out.put(root.relativize(p).toString(), "-> link");
        } else if (Files.isRegularFile(p)) {
          out.put(root.relativize(p).toString(), Files.readString(p));
        }
      }
    }
    return out;
  }
}
