import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The baseline for the spec benchmark: a bare Undertow handler answering every request with a
 * fixed body of the given size, on the I/O thread. Run against the config server's jar, which
 * carries Undertow: java -cp config-server/target/config-server.jar bench/BareUndertow.java PORT BYTES
 */
public class BareUndertow {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    byte[] body = new byte[Integer.parseInt(args[1])];
    Arrays.fill(body, (byte) 'a');
    ByteBuffer shared = ByteBuffer.allocateDirect(body.length).put(body).flip();
    Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setHandler(exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/yaml");
          exchange.getResponseSender().send(shared.duplicate());
        })
        .build()
        .start();
    System.out.println("bare undertow on 127.0.0.1:" + port + " answering " + body.length + " bytes");
  }
}
