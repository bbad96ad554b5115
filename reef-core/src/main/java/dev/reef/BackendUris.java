package dev.reef;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Backend URIs: parses them from configuration without ever quoting them (they carry passwords),
 * and names the in-memory backend's.
 */
final class BackendUris {
  /**
   * The URI of the in-memory backend, answered by {@code dev.reef.memory.InMemoryBackendProvider}
   * (whose scheme this must match).
   */
  static final URI IN_MEMORY = URI.create("memory:reef");

  /** The schemes of reef-amqp, named when it is missing: {@code amqp} and {@code amqps}. */
  static final Set<String> AMQP_SCHEMES = Set.of("amqp", "amqps");

  private BackendUris() {}

  /**
   * The error for a URI that no backend on the class path supports: a scheme that no backend knows
   * is called unknown (with the supported ones listed), an AMQP scheme without reef-amqp says to
   * add it. Only the scheme is quoted, never the URI.
   *
   * @param uri the URI
   * @param supported the schemes of the providers on the class path
   * @return the error
   */
  static ReefException unsupported(URI uri, Set<String> supported) {
    String scheme = uri.getScheme();
    String list = supported.isEmpty() ? "none" : String.join(", ", new TreeSet<>(supported));
    if (scheme != null && AMQP_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
      return new ReefException(
          "no Reef backend on the class path supports scheme '"
              + scheme
              + "': add reef-amqp for amqp:// and amqps:// (supported here: "
              + list
              + ")");
    }
    return new ReefException(
        (scheme == null
                ? "the backend URI has no scheme"
                : "unknown backend URI scheme '" + scheme + "'")
            + "; supported schemes: "
            + list
            + (supported.containsAll(AMQP_SCHEMES) ? "" : " (amqp and amqps with reef-amqp)"));
  }

  /**
   * Parses a URI taken from configuration.
   *
   * @param source where the value came from, named in errors (for example an environment variable)
   * @param value the URI text
   * @return the URI
   * @throws ReefException if the text is not a URI; the message names the source and the position,
   *     never the text
   */
  static URI parse(String source, String value) {
    try {
      return new URI(value.trim());
    } catch (URISyntaxException e) {
      // URISyntaxException's own message quotes the whole input, password included.
      throw new ReefException(
          source + " is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
  }
}
