package dev.reef.memory;

import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;

/**
 * Makes {@code Reef.inMemory()} and {@code Reef.fromEnvironment()} find {@link InMemoryBackend} for
 * {@code memory:} URIs (registered in {@code META-INF/services}), so that the API finds its default
 * backend the way it finds any other and does not depend on this package. Stateless and
 * thread-safe.
 */
public final class InMemoryBackendProvider implements ReefBackendProvider {
  /** The URI scheme of the in-memory backend. */
  public static final String SCHEME = "memory";

  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public InMemoryBackendProvider() {}

  /**
   * Whether the URI names the in-memory backend.
   *
   * @param uri the backend URI
   * @return true for the scheme {@value #SCHEME}
   */
  @Override
  public boolean supports(URI uri) {
    return SCHEME.equalsIgnoreCase(uri.getScheme());
  }

  /**
   * A backend with default settings on a new private hub; the rest of the URI is ignored.
   *
   * @param uri a {@code memory:} URI
   * @return a new, unstarted {@link InMemoryBackend}
   */
  @Override
  public ReefBackend create(URI uri) {
    return InMemoryBackend.create();
  }
}
