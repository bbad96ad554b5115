package dev.reef.console;

import java.net.URI;
import java.net.URISyntaxException;

/** Truncation and masking of what the page shows. */
final class Texts {
  private Texts() {}

  /**
   * A text cut to at most {@code max} characters, with {@code …} when cut.
   *
   * @param s the text, may be null
   * @param max the most characters kept
   * @return the text, or null if it was null
   */
  static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, Math.max(0, max - 1)) + "\u2026";
  }

  /**
   * A broker URI without its user information and query: the page never shows credentials.
   *
   * @param uri the URI, may be null
   * @return for example {@code amqp://localhost:5672/%2F}, or {@code in-memory} for null
   */
  static String displayUri(String uri) {
    if (uri == null) {
      return "in-memory";
    }
    try {
      URI u = new URI(uri.trim());
      String host = u.getHost() == null ? "" : u.getHost();
      String port = u.getPort() == -1 ? "" : ":" + u.getPort();
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      return u.getScheme() + "://" + host + port + path;
    } catch (URISyntaxException e) {
      return "(unparsable URI)";
    }
  }
}
