package dev.reef;

import java.net.URI;
import java.net.URISyntaxException;

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

  private BackendUris() {}

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
