package dev.roller.server.http;

/** Lets tests outside this package check the fleet page's escaping directly. */
public final class HtmlAccess {
  private HtmlAccess() {}

  public static String escape(String text) {
    return Html.escape(text);
  }
}
