package dev.roller.foreman;

import dev.roller.repo.Needs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * End to end with a real OpenSSH server: sshd runs on a loopback port in a private mount
 * namespace where the scratch root's passwd, group and shadow files are bound over /etc, so it
 * sees exactly the accounts foreman synced. It accepts the synced key for the synced user, and
 * refuses it once the user is removed from the repo and synced again (locked, keys gone).
 */
class SshLoginTest extends ForemanFixture {
  private Process sshd;

  @AfterEach
  void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.destroyForcibly();
      sshd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String run(List<String> command, int[] exit) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + command);
    exit[0] = p.exitValue();
    return output;
  }

  @Test
  void sshdAcceptsTheSyncedKeyAndRefusesItOnceTheUserIsRemoved() throws Exception {
    for (String tool : List.of("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/unshare")) {
      Needs.require(Files.isExecutable(Path.of(tool)), tool + " (Debian's openssh-server, util-linux) is installed by .ci/run");
    }
    int[] exit = new int[1];
    Path key = dir.resolve("id_ed25519");
    Path hostKey = dir.resolve("host_ed25519");
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice@test", "-f", key.toString()), exit);
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()), exit);
    String publicKey = Files.readString(Path.of(key + ".pub")).strip();
    commit("users/alice.yml", "uid: 52001\nshell: /bin/bash\nssh_keys: [\"" + publicKey + "\"]\nhostclasses: [web]\n");
    assertEquals(0, foreman(), err);

    // sshd reads authorized_keys as the user: the test's folders above the homes must let it through.
    for (Path p = root.resolve("home"); p.startsWith(dir); p = p.getParent()) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile " + dir.resolve("sshd.pid"),
        // The scratch root's homes, where foreman wrote the keys (the namespace's /home is the machine's).
        "AuthorizedKeysFile " + root + "/home/%u/.ssh/authorized_keys",
        "StrictModes no",
        "UsePAM yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "LogLevel VERBOSE", ""));
    StringBuilder bind = new StringBuilder("set -e; mkdir -p /run/sshd; ");
    for (String f : List.of("passwd", "group", "shadow", "gshadow")) {
      bind.append("mount --bind ").append(root.resolve("etc/" + f)).append(" /etc/").append(f).append("; ");
    }
    bind.append("exec /usr/sbin/sshd -D -e -f ").append(config);
    sshd = new ProcessBuilder("unshare", "-m", "sh", "-c", bind.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (java.io.IOException e) {
        assertTrue(sshd.isAlive(), "sshd exited: " + Files.readString(dir.resolve("sshd.log")));
        assertTrue(System.nanoTime() < deadline, "sshd did not listen: " + Files.readString(dir.resolve("sshd.log")));
        Thread.sleep(20);
      }
    }
    List<String> login = List.of("ssh", "-i", key.toString(), "-p", Integer.toString(port), "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
        "-o", "LogLevel=ERROR", "alice@127.0.0.1", "echo logged-in-as-$(id -un)");

    String output = run(login, exit);
    assertEquals(0, exit[0], output + "\nsshd: " + Files.readString(dir.resolve("sshd.log")));
    assertTrue(output.contains("logged-in-as-alice"), output);

    commit("users/alice.yml", null);
    assertEquals(0, foreman(), err);
    output = run(login, exit);
    assertNotEquals(0, exit[0], "alice, removed from the repo, must not get in: " + output);
    assertTrue(output.contains("Permission denied") || output.contains("Connection closed"), output);
  }
}
