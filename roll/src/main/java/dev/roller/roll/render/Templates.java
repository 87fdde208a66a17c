package dev.roller.roll.render;

import dev.roller.roll.RollException;
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
 */
public final class Templates {
  private Templates() {}

  /**
   * Renders {@code text}, named {@code name} in errors (a package and path, such as {@code
   * hello-web-1.0.0:etc/hello-web/hello-web.properties.tmpl}), with {@code context}.
   */
  public static String render(String name, String text, Map<String, Object> context) throws RollException {
    PebbleEngine engine = new PebbleEngine.Builder()
        .loader(new OnlyThis(name, text))
        .strictVariables(true)
        .autoEscaping(false)
        .newLineTrimming(false)
        .cacheActive(false)
        .build();
    try {
      PebbleTemplate template = engine.getTemplate(name);
      StringWriter out = new StringWriter();
      template.evaluate(out, context);
      return out.toString();
    } catch (PebbleException e) {
      String at = e.getLineNumber() == null ? name : name + ":" + e.getLineNumber();
      String message = e.getPebbleMessage() != null ? e.getPebbleMessage() : e.getMessage();
      throw new RollException("template " + at + ": " + message, e);
    } catch (IOException e) {
      throw new RollException("template " + name + ": " + e.getMessage(), e);
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
