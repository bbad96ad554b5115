package dev.reef.spi;

import java.net.URI;

/**
 * Creates a backend from a URI, found with {@link java.util.ServiceLoader}, so that the backend is
 * chosen by configuration ({@code REEF_AMQP_URI}) rather than code. {@code reef-amqp} provides one
 * for {@code amqp://} and {@code amqps://}.
 */
public interface ReefBackendProvider {
  /**
   * Whether this provider handles the URI's scheme.
   *
   * @param uri the backend URI
   * @return true if {@link #create(URI)} accepts it
   */
  boolean supports(URI uri);

  /**
   * The URI schemes this provider supports, named in the error for a URI no provider supports.
   *
   * @return lower-case schemes; empty if not told (the default)
   */
  default java.util.Set<String> schemes() {
    return java.util.Set.of();
  }

  /**
   * Creates a backend with default options for the URI.
   *
   * @param uri the backend URI, credentials included where the transport needs them
   * @return a new, unstarted backend
   */
  ReefBackend create(URI uri);
}
