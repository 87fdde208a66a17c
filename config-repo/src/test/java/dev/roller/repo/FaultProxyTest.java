package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.FaultProxy.Fault;
import dev.roller.repo.FaultProxy.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy does what each fault says, to a small server on 127.0.0.1 that answers one line with 256 bytes. */
class FaultProxyTest {
  static final byte[] BODY = new byte[256];

  static {
    for (int i = 0; i < BODY.length; i++) {
      BODY[i] = (byte) ('a' + i % 26);
    }
  }

  ServerSocket upstream;
  Thread serving;
  final List<String> heard = new CopyOnWriteArrayList<>();
  FaultProxy proxy;

  @BeforeEach
  void start() throws Exception {
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serving = new Thread(() -> {
      while (!upstream.isClosed()) {
        try (Socket s = upstream.accept()) {
          s.setSoTimeout(5_000);
          String line = readLine(s.getInputStream());
          heard.add(line);
          if (!line.isEmpty()) {
            s.getOutputStream().write(BODY);
          }
        } catch (IOException e) {
          // the proxy cut it, or the test is over
        }
      }
    });
    serving.setDaemon(true);
    serving.start();
    proxy = FaultProxy.to(upstream.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    upstream.close();
    serving.join(5_000);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** Asks for {@code path}, reads to the end (or the 2 s read timeout, which is thrown). */
  private byte[] ask(String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      s.setSoTimeout(2_000);
      s.getOutputStream().write(("GET " + path + "\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
      return got.toByteArray();
    }
  }

  @Test
  void withoutAFaultEverythingPasses() throws Exception {
    assertArrayEquals(BODY, ask("/a"));
    assertEquals(List.of("GET /a"), heard);
    assertEquals(0, proxy.injected());
  }

  @Test
  void aDelayHoldsTheAnswerBackThenPassesItWhole() throws Exception {
    proxy.set(Fault.of(Kind.DELAY, 0, Duration.ofMillis(300)));
    long t = System.nanoTime();
    assertArrayEquals(BODY, ask("/a"));
    assertTrue(System.nanoTime() - t >= 300_000_000L);
  }

  @Test
  void aDripPassesTheAnswerWholeAByteAtATime() throws Exception {
    proxy.set(Fault.of(Kind.DRIP, 0, Duration.ofMillis(2)));
    long t = System.nanoTime();
    assertArrayEquals(BODY, ask("/a"));
    assertTrue(System.nanoTime() - t >= BODY.length * 2_000_000L, "at least a pause per byte");
  }

  @Test
  void aTruncationPassesNBytesThenEndsTheAnswer() throws Exception {
    proxy.set(Fault.of(Kind.TRUNCATE, 100, Duration.ZERO));
    byte[] got = ask("/a");
    assertArrayEquals(java.util.Arrays.copyOf(BODY, 100), got);
  }

  @Test
  void aResetPassesNBytesThenResetsTheConnection() throws Exception {
    proxy.set(Fault.of(Kind.RESET, 100, Duration.ZERO));
    try {
      byte[] got = ask("/a");
      assertTrue(got.length <= 100, "at most the bytes before the reset: " + got.length);
    } catch (java.net.SocketException reset) {
      assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }
  }

  @Test
  void aCloseAnswersNothingAndTheServerNeverHearsTheRequest() throws Exception {
    proxy.set(Fault.of(Kind.CLOSE, 0, Duration.ZERO));
    assertEquals(0, ask("/a").length);
    proxy.close();
    upstream.close();
    serving.join(5_000);
    assertTrue(heard.stream().noneMatch(l -> l.contains("/a")), heard.toString());
  }

  @Test
  void aStallPassesNBytesThenGoesSilentWithTheConnectionOpen() throws Exception {
    proxy.set(Fault.of(Kind.STALL, 100, Duration.ZERO));
    assertThrows(SocketTimeoutException.class, () -> ask("/a"));
  }

  @Test
  void aFlipChangesOneBitOfOneByte() throws Exception {
    proxy.set(Fault.of(Kind.FLIP, 40, Duration.ZERO));
    byte[] got = ask("/a");
    assertEquals(BODY.length, got.length);
    for (int i = 0; i < BODY.length; i++) {
      assertEquals(i == 40 ? BODY[i] ^ 1 : BODY[i], got[i], "byte " + i);
    }
  }

  @Test
  void aFaultArmedByARequestLineLeavesOtherRequestsAlone() throws Exception {
    proxy.set(Fault.of(Kind.TRUNCATE, 10, Duration.ZERO).when("/tarball"));
    assertArrayEquals(BODY, ask("/spec"));
    assertEquals(10, ask("/packages/x/1/tarball").length);
    assertEquals(1, proxy.injected());
  }

  @Test
  void aFaultOnRequestsCutsWhatTheClientSends() throws Exception {
    proxy.set(Fault.of(Kind.TRUNCATE, 6, Duration.ZERO).onRequests());
    assertEquals(0, ask("/abcdef").length, "the server heard half a line and answered nothing");
    proxy.close();
    upstream.close();
    serving.join(5_000);
    assertEquals(List.of("GET /a"), heard);
  }
}
