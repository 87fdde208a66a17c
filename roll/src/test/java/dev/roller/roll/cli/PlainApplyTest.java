package dev.roller.roll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** roll's quick reading of a plain apply command line agrees with picocli's, and hands anything else to picocli. */
class PlainApplyTest {
  private static final List<List<String>> PLAIN = List.of(
      List.of(),
      List.of("apply"),
      List.of("--yes"),
      List.of("apply", "--root", "/tmp/h", "--host", "a.b.example.com", "--config-server", "http://x:1/", "--yes"),
      List.of("--root=/tmp/h", "--config-server=http://x:1/", "--config-server", "http://y:2/", "--restart-all"),
      List.of("--lock-wait", "30s", "--host=web1.dc1.example.com"),
      List.of("--wait", "9m", "--lock-wait=1m"),
      List.of("apply", "--retry", "--yes"));

  private static final List<List<String>> NOT_PLAIN = List.of(
      List.of("--help"), List.of("status"), List.of("--root"), List.of("--root", "--yes"), List.of("--wait", "soon"), List.of("--lock-wait", "soon"),
      List.of("--wait", "1m", "--wait", "2m"),
      List.of("--yes", "--yes"), List.of("--host", "a", "--host", "b"), List.of("--bogus"), List.of("x", "apply"),
      List.of("--yes=true"), List.of("-V"), List.of("--retry", "--retry"));

  @Test
  void plainCommandLinesReadAsPicocliReadsThem() {
    for (List<String> args : PLAIN) {
      Object[] quick = Roll.plainApply(args.toArray(String[]::new));
      assertNotNull(quick, args.toString());
      Roll roll = new Roll(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
      CommandLine cli = new CommandLine(roll);
      cli.addSubcommand("apply", new Commands.Apply());
      CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
      Roll.HostOptions host = roll.host;
      Roll.ApplyOptions apply = roll.apply;
      if (parsed.hasSubcommand()) {
        Commands.Apply sub = (Commands.Apply) parsed.subcommand().commandSpec().userObject();
        host = sub.host;
        apply = sub.apply;
      }
      Roll.HostOptions h = (Roll.HostOptions) quick[0];
      Roll.ApplyOptions a = (Roll.ApplyOptions) quick[1];
      assertEquals(host.root, h.root, args.toString());
      assertEquals(host.servers, h.servers, args.toString());
      assertEquals(host.hostName, h.hostName, args.toString());
      assertEquals(host.lockWait, h.lockWait, args.toString());
      assertEquals(apply.wait, a.wait, args.toString());
      assertEquals(apply.yes, a.yes, args.toString());
      assertEquals(apply.restartAll, a.restartAll, args.toString());
      assertEquals(apply.retry, a.retry, args.toString());
    }
  }

  @Test
  void anythingElseIsLeftToPicocli() {
    for (List<String> args : NOT_PLAIN) {
      assertNull(Roll.plainApply(args.toArray(String[]::new)), args.toString());
    }
  }
}
