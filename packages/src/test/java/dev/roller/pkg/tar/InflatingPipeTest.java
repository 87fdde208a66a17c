package dev.roller.pkg.tar;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inflating pipeline hands every failure to its reader, however fast or slow the reader is: a
 * corrupt member (here, the last one's CRC) ends the read with a refusal, never a hang.
 */
class InflatingPipeTest {
  private static byte[] corruptMembers() throws Exception {
    Random random = new Random(7);
    byte[] data = new byte[40 * GzipMembers.BLOCK];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ('a' + random.nextInt(8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflatingSink sink = new DeflatingSink(out)) {
      sink.write(data);
      sink.finish();
    }
    byte[] gz = out.toByteArray();
    gz[gz.length - 8] ^= 0x55; // the last member's CRC
    return gz;
  }

  private static void readAll(InflatingPipe pipe, boolean slow) throws IOException {
    byte[] buffer = new byte[64 << 10];
    while (pipe.read(buffer, 0, buffer.length) > 0) {
      if (slow) {
        try {
          Thread.sleep(1); // a consumer slower than the inflating stages, so their queues stay full
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
    }
  }

  @Test
  void aCorruptMemberReachesASlowReader() throws Exception {
    byte[] gz = corruptMembers();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (InflatingPipe pipe = new InflatingPipe(new ByteArrayInputStream(gz), dev.roller.repo.model.Sha256.newDigest())) {
        CorruptTarballException e = assertThrows(CorruptTarballException.class, () -> readAll(pipe, true));
        assertTrue(e.getMessage().toLowerCase().contains("crc") || e.getMessage().contains("corrupt"), e.getMessage());
      }
    });
  }

  @Test
  void aCorruptMemberReachesAFastReader() throws Exception {
    byte[] gz = corruptMembers();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (InflatingPipe pipe = new InflatingPipe(new ByteArrayInputStream(gz), dev.roller.repo.model.Sha256.newDigest())) {
        assertThrows(CorruptTarballException.class, () -> pipe.transferTo(OutputStream.nullOutputStream()));
      }
    });
  }
}
