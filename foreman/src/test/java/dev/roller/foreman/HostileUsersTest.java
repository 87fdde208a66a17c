package dev.roller.foreman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.roller.foreman.cli.Foreman;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * foreman fed a users answer the validator would never let through (a hostile or broken server on
 * 127.0.0.1): every bad entry is reported and skipped by the config repo's own rules, and the good
 * ones still sync.
 */
class HostileUsersTest extends ForemanFixture {
  @Test
  void badEntriesAreSkippedByTheRepoRulesAndTheGoodOneSyncs() throws Exception {
    String users = """
        users:
        - {login: alice, uid: 52001, shell: /bin/bash, groups: ["a:b,c"]}
        - {login: carol, uid: 52003, shell: /bin/bash, groups: ["../g"]}
        - {login: dave, uid: 4294967297, shell: /bin/bash}
        - {login: erin, uid: 4294967296, shell: /bin/bash}
        - {login: frank, uid: 52006, shell: /bin/bash, files: {"a\\0b": x}}
        - {login: gina, uid: 52007, shell: /bin/bash}
        - {login: gina, uid: 52008, shell: /bin/bash}
        - {login: hank, uid: 52009, shell: "/../../../bin/sh"}
        - {login: "../ivan", uid: 52010, shell: /bin/sh}
        - {uid: 52011}
        - {login: bob, uid: 52002, comment: Bob Ops, shell: /bin/sh, groups: [], ssh_keys: ["%s"], sudo: false}
        """.formatted(BOB_KEY);
    HttpServer hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hostile.createContext("/", exchange -> {
      byte[] body = users.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    hostile.start();
    try {
      StringWriter o = new StringWriter();
      StringWriter e = new StringWriter();
      int code = Foreman.run(new PrintWriter(o, true), new PrintWriter(e, true), Map.of(), "sync", "--root", root.toString(),
          "--host", HOST, "--config-server", "http://127.0.0.1:" + hostile.getAddress().getPort() + "/");
      String err = e.toString();

      assertEquals(1, code, o + err);
      assertNotNull(line("passwd", "bob"), "the good entry synced: " + o + err);
      assertEquals(BOB_KEY + "\n", Files.readString(root.resolve("home/bob/.ssh/authorized_keys")));
      for (String login : java.util.List.of("alice", "carol", "dave", "erin", "frank", "gina", "hank")) {
        assertNull(line("passwd", login), login + " must not exist: " + err);
        assertTrue(err.contains(login + ":"), login + " is reported: " + err);
      }
      String groups = Files.readString(root.resolve("etc/group"));
      assertFalse(groups.contains("a:b") || groups.contains("../g"), groups);
      assertTrue(err.contains("uid 4294967297 is too large") && err.contains("uid 4294967296 is too large"), err);
      assertTrue(err.contains("listed more than once"), err);
      assertTrue(err.contains("'shell' must be an absolute path"), err);
      assertTrue(err.contains("no login"), err);
      assertFalse(o.toString().contains("user alice: created"), "nothing reported as done that was not: " + o);
    } finally {
      hostile.stop(0);
    }
  }
}
