package dev.roller.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol on 127.0.0.1 (a JSON
 * message per command, over the JDK's WebSocket): open a page, read what it shows, click a link,
 * take a screenshot. For tests that check a page as a person sees it. Every wait is bounded.
 */
final class Chromium implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Map<?, ?>>> answers = new ConcurrentHashMap<>();
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  /** The browser's path, or null when this machine has none. */
  static Path find() {
    for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(name))) {
        return Path.of(name);
      }
    }
    return null;
  }

  private Chromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static Chromium start(Path browser, Path profile, int width, int height) throws Exception {
    Process process = new ProcessBuilder(browser.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      int port = port(process);
      HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
      String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(WAIT).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher page = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://127\\.0\\.0\\.1:\\d+/devtools/page/[^\"]+)\"")
          .matcher(list);
      if (!page.find()) {
        throw new IOException("chromium lists no page: " + list);
      }
      Chromium[] self = new Chromium[1];
      StringBuilder partial = new StringBuilder();
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page.group(1)), new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            self[0].receive(partial.toString());
            partial.setLength(0);
          }
          ws.request(1);
          return null;
        }
      }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      self[0] = new Chromium(process, socket);
      self[0].call("Page.enable", Map.of());
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The port chromium prints on stderr once its DevTools endpoint listens (read for at most {@link #WAIT}). */
  private static int port(Process process) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        StringBuilder said = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(2)));
          } else if (!port.isDone() && said.length() < 4000) {
            said.append(line).append('\n');
          }
        }
        port.completeExceptionally(new IOException("chromium exited before listening: " + said));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return port.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private void receive(String json) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(256 << 20); // a screenshot is megabytes of base64
    Map<?, ?> message = (Map<?, ?>) new org.yaml.snakeyaml.Yaml(options).load(json); // JSON is YAML
    Object id = message.get("id");
    if (id instanceof Integer n && answers.containsKey(n)) {
      answers.remove(n).complete(message);
    } else if (message.get("method") instanceof String method) {
      events.add(method);
    }
  }

  /** Runs a DevTools command; its {@code result}, or an exception naming the error. */
  Map<?, ?> call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<Map<?, ?>> answer = new CompletableFuture<>();
    answers.put(id, answer);
    socket.sendText(json(Map.of("id", id, "method", method, "params", params)), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Map<?, ?> message = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (message.get("error") != null) {
      throw new IOException(method + " failed: " + message.get("error"));
    }
    return (Map<?, ?>) message.get("result");
  }

  /** Opens {@code url} and returns when the page has loaded. */
  void open(String url) throws Exception {
    events.clear();
    call("Page.navigate", Map.of("url", url));
    awaitLoad();
  }

  private void awaitLoad() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if ("Page.loadEventFired".equals(event)) {
        return;
      }
    }
    throw new IOException("the page did not load within " + WAIT.toSeconds() + " s");
  }

  /** The value of a JavaScript expression evaluated in the page. */
  Object eval(String expression) throws Exception {
    Map<?, ?> result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (result.get("exceptionDetails") != null) {
      throw new IOException(expression + " threw: " + result.get("exceptionDetails"));
    }
    return ((Map<?, ?>) result.get("result")).get("value");
  }

  /** What the page shows as text (what a person reads: hidden elements left out). */
  String text() throws Exception {
    return String.valueOf(eval("document.body.innerText"));
  }

  /** Clicks the element {@code selector} finds, as a mouse would at its centre, and waits for the page it opens. */
  void click(String selector) throws Exception {
    String sel = json(selector);
    Object box = eval("(() => { const e = document.querySelector(" + sel + "); if (!e) return null; e.scrollIntoView();"
        + " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    if (!(box instanceof List<?> xy)) {
      throw new IOException("nothing on the page matches " + selector);
    }
    events.clear();
    for (String type : List.of("mousePressed", "mouseReleased")) {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("type", type);
      params.put("x", xy.get(0));
      params.put("y", xy.get(1));
      params.put("button", "left");
      params.put("clickCount", 1);
      call("Input.dispatchMouseEvent", params);
    }
    awaitLoad();
  }

  /** A PNG of the whole page, written to {@code file}. */
  void screenshot(Path file) throws Exception {
    Map<?, ?> shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(String.valueOf(shot.get("data"))));
  }

  /** A minimal JSON writer for the commands' parameters (maps, strings, numbers, booleans). */
  private static String json(Object value) {
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(json(String.valueOf(k))).append(':').append(json(v)));
      return out.append('}').toString();
    }
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
    return String.valueOf(value);
  }

  @Override
  public void close() {
    socket.abort();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
