package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.repo.model.Sha256;
import dev.roller.roll.apply.Log;
import dev.roller.roll.service.ExecServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Packages with real services for roll's tests. Each service is a shell script that writes
 * {@code <root>/state/<name>} ("pid version config") when it is up and removes it when stopped, so
 * a test sees which version runs with which config; its health check is that file.
 */
final class Services {
  static final String SCRIPT = """
      #!/bin/sh
      state="$1/$2"
      trap 'rm -f "$state"; exit 0' TERM
      echo "$$ $3 $(cat "$4")" > "$state.tmp" && mv "$state.tmp" "$state"
      sleep 300 &
      wait
      """;

  /** The host the "app" fixture serves: hostclass app (alpha, beta) in dc1. */
  static final String HOST = "app1.dc1.example.com";

  private Services() {}

  /**
   * A config server on 127.0.0.1 over a repo with {@link #HOST} in hostclass app (alpha 1.0.0 and
   * beta 1.0.0, greeting hello), both packages published.
   */
  static RollServer appServer(Path dir) throws Exception {
    dev.roller.repo.TestRepo repo = dev.roller.repo.TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/app.yml", "packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    repo.write("hosts/" + HOST + ".yml", "hostclass: app\ndatacenter: dc1\n");
    repo.commit("app hosts");
    RollServer server = new RollServer(repo, dir.resolve("server"));
    publish(server, "alpha", "1.0.0", "");
    publish(server, "beta", "1.0.0", "");
    return server;
  }

  /** Commits a new hostclass app and has the server serve it. */
  static void hostclass(RollServer server, String yaml) throws Exception {
    server.repo.write("hostclasses/app.yml", yaml);
    server.repo.commit("change app");
    server.refresh();
  }

  /**
   * Publishes {@code name-version} with one service of that name. {@code health} is a health
   * command ({@code false} for one that never passes), or empty for the default: the state file.
   * Only "alpha" has a reload command.
   */
  static void publish(RollServer server, String name, String version, String health) throws Exception {
    String check = health.isEmpty() ? "test -f {{ paths.root }}/state/" + name : health;
    String timeout = health.isEmpty() ? "10s" : "300ms";
    String reload = name.equals("alpha") ? "    reload: bin/" + name + "-reload {{ paths.root }}/state " + name + "\n" : "";
    server.publishWithManifest(name, version, """
        services:
          - name: %s
            run: bin/%s {{ paths.root }}/state %s {{ packages.%s }} {{ paths.usr_local }}/etc/%s.conf
            stop_timeout: 5s
        %s    health: { command: "%s", timeout: %s }
        """.formatted(name, name, name, name, name, reload, check, timeout),
        "bin/" + name, SCRIPT,
        "bin/" + name + "-reload", "#!/bin/sh\necho reloaded >> \"$1/$2.reloads\"\n",
        "etc/" + name + ".conf.tmpl", "greeting={{ params.greeting }}\n");
  }

  static long pid(HostLayout layout, String name) throws Exception {
    return Long.parseLong(Files.readString(layout.run().resolve(name + ".pid")).strip().split(" ")[0]);
  }

  static String state(HostLayout layout, String name) throws Exception {
    return Files.readString(layout.root().resolve("state/" + name)).strip();
  }

  /** Stops every service a test left running (nothing may outlive a test). */
  static void stopAll(HostLayout layout, ExecServiceManager services) throws Exception {
    if (!Files.isDirectory(layout.run())) {
      return;
    }
    try (Stream<Path> files = Files.list(layout.run())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".pid")) {
          services.stop(new ServiceUnit(name.substring(0, name.length() - 4), "true", Duration.ofSeconds(5), null, null));
        }
      }
    }
  }

  static Log quietLog() {
    return new Log() {
      @Override
      public void info(String line) {
        System.out.println("roll: " + line);
      }

      @Override
      public void warn(String line) {
        System.out.println("roll: warning: " + line);
      }
    };
  }

  /**
   * Nothing partial in the host's package store or download cache: every store entry is an
   * unpacked folder named by its sha256 with its file index beside it, and every cached tarball
   * hashes to its name; anything else (a temporary file, a half-unpacked folder) fails.
   */
  static void assertStoreWhole(HostLayout layout) throws Exception {
    if (Files.isDirectory(layout.store())) {
      try (Stream<Path> entries = Files.list(layout.store())) {
        for (Path entry : entries.toList()) {
          String name = entry.getFileName().toString();
          if (name.matches("[0-9a-f]{64}\\.files")) {
            assertTrue(Files.isDirectory(layout.store().resolve(name.substring(0, 64))),
                "an index without its entry: " + entry);
            continue;
          }
          assertTrue(name.matches("[0-9a-f]{64}") && Files.isDirectory(entry),
              "an unpacked package named by its sha256, not something partial: " + entry);
          assertTrue(Files.isRegularFile(layout.storeIndex(new Sha256(name))),
              "with its file index: " + name);
        }
      }
    }
    if (Files.isDirectory(layout.cache())) {
      try (Stream<Path> cached = Files.list(layout.cache())) {
        for (Path tarball : cached.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
          String name = tarball.getFileName().toString();
          assertTrue(name.matches("[0-9a-f]{64}\\.tar\\.gz"), "a partial download: " + tarball);
          assertEquals(name.substring(0, 64),
              Sha256.of(Files.readAllBytes(tarball)).hex(), "a cached tarball that is not what its name says: " + name);
        }
      }
    }
  }
}
