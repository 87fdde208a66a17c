package dev.roller.pkg.render;

import dev.roller.pkg.PackageException;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.Loader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/**
 * Renders config templates and manifest strings with Pebble (Jinja-like syntax) in strict mode: an
 * undefined variable is an error naming the template and line, never an empty string. Templates
 * cannot include or import other files (the loader knows only the one being rendered), so a
 * package cannot read anything from the host through them. Output is not HTML-escaped: these are
 * config files.
 *
 * <p>Rendering is bounded, since a template is code from a package: at most {@link #MAX_OUTPUT}
 * characters of output, at most {@link #MAX_TIME} of work, and a recursion that runs out of stack
 * or a string that runs out of memory is refused like any other template error, naming the
 * template, never as a stack trace.
 */
public final class Templates {
  /** The most one template may render to. */
  public static final int MAX_OUTPUT = 16 << 20;
  /** The longest one template may take to render. */
  public static final java.time.Duration MAX_TIME = java.time.Duration.ofSeconds(30);

  /**
   * Renders on daemon threads so a template past its time can be left behind: Pebble's loops do
   * not look at interrupts; roll refuses the build and exits, which ends the thread.
   */
  private static final java.util.concurrent.ExecutorService RENDERER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(null, r, "render", 64L << 20); // a deep stack: ordinary nesting must never run out
    t.setDaemon(true);
    return t;
  });

  private Templates() {}

  /**
   * Renders {@code text}, named {@code name} in errors (a package and path, such as {@code
   * hello-web-1.0.0:etc/hello-web/hello-web.properties.tmpl}), with {@code context}.
   */
  public static String render(String name, String text, Map<String, Object> context) throws PackageException {
    return render(name, text, context, MAX_TIME);
  }

  /** As above, with {@code limit} instead of {@link #MAX_TIME}. */
  public static String render(String name, String text, Map<String, Object> context, java.time.Duration limit)
      throws PackageException {
    PebbleEngine engine = new PebbleEngine.Builder()
        .loader(new OnlyThis(name, text))
        .strictVariables(true)
        .autoEscaping(false)
        .newLineTrimming(false)
        .cacheActive(false)
        .maxRenderedSize(MAX_OUTPUT)
        .build();
    java.util.concurrent.Future<String> rendering = RENDERER.submit(() -> {
      try {
        PebbleTemplate template = engine.getTemplate(name);
        StringWriter out = new StringWriter();
        template.evaluate(out, context);
        return out.toString();
      } catch (StackOverflowError e) {
        throw new PackageException("template " + name + ": recursion too deep (a macro that calls itself without end?)");
      } catch (OutOfMemoryError e) {
        throw new PackageException("template " + name + ": rendering ran out of memory (a value that grows without end?)");
      }
    });
    try {
      return rendering.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      rendering.cancel(true);
      throw new PackageException("template " + name + ": rendering took longer than " + limit.toSeconds()
          + " s (a loop too long?): refused", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PackageException("template " + name + ": interrupted while rendering", e);
    } catch (java.util.concurrent.ExecutionException e) {
      return rethrow(name, e.getCause());
    }
  }

  private static String rethrow(String name, Throwable cause) throws PackageException {
    try {
      throw cause;
    } catch (PackageException e) {
      throw e;
    } catch (PebbleException e) {
      String at = e.getLineNumber() == null ? name : name + ":" + e.getLineNumber();
      String message = e.getPebbleMessage() != null ? e.getPebbleMessage() : e.getMessage();
      throw new PackageException("template " + at + ": " + message, e);
    } catch (IOException e) {
      throw new PackageException("template " + name + ": " + e.getMessage(), e);
    } catch (Throwable e) {
      throw new PackageException("template " + name + ": " + e, e);
    }
  }

  /** A loader that knows exactly one template: {@code include}, {@code import} and {@code extends} fail. */
  private static final class OnlyThis implements Loader<String> {
    private final String name;
    private final String text;

    OnlyThis(String name, String text) {
      this.name = name;
      this.text = text;
    }

    @Override
    public Reader getReader(String key) {
      if (!key.equals(name)) {
        throw new PebbleException(null, "templates cannot include, import or extend other files (asked for "
            + dev.roller.repo.model.NameRule.quote(key) + ")", null, name);
      }
      return new StringReader(text);
    }

    @Override
    public void setCharset(String charset) {}

    @Override
    public void setPrefix(String prefix) {}

    @Override
    public void setSuffix(String suffix) {}

    @Override
    public String resolveRelativePath(String relativePath, String anchorPath) {
      return relativePath;
    }

    @Override
    public String createCacheKey(String templateName) {
      return templateName;
    }

    @Override
    public boolean resourceExists(String templateName) {
      return templateName.equals(name);
    }
  }
}
