package dev.reef.amqp;

import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;

/**
 * Makes {@code Reef.fromEnvironment()} pick {@link AmqpBackend} for {@code amqp://} and {@code
 * amqps://} URIs (registered in {@code META-INF/services}). Stateless and thread-safe.
 */
public final class AmqpBackendProvider implements ReefBackendProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public AmqpBackendProvider() {}

  /**
   * Whether the URI is an AMQP URI.
   *
   * @param uri the backend URI
   * @return true for the schemes {@code amqp} and {@code amqps}
   */
  @Override
  public boolean supports(URI uri) {
    String s = uri.getScheme();
    return s != null && (s.equalsIgnoreCase("amqp") || s.equalsIgnoreCase("amqps"));
  }

  /**
   * The AMQP schemes.
   *
   * @return {@code amqp} and {@code amqps}
   */
  @Override
  public java.util.Set<String> schemes() {
    return java.util.Set.of("amqp", "amqps");
  }

  /**
   * A backend with default options for the broker.
   *
   * @param uri the broker URI, credentials included
   * @return a new, unstarted {@link AmqpBackend}
   */
  @Override
  public ReefBackend create(URI uri) {
    return AmqpBackend.builder().uri(uri).build();
  }
}
