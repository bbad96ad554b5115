package dev.reef;

import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * The facade agents use to exchange spores: channels, send, broadcast, request, reply, ask, gather,
 * subscribe, stats and a graceful close. The {@link ReefChannel} methods of a reef act on its
 * default channel ({@link ReefOptions#defaultChannel()}, {@code main}).
 *
 * <pre>{@code
 * try (Reef reef = Reef.inMemory()) {
 *   reef.subscribe("bob", spore -> reef.reply(spore, "bob", Map.of("answer", 42)));
 *   Spore answer = reef.ask("alice", "bob", Map.of("question", "?"), Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>A reef owns its backend: it starts it when created and closes it on {@link #close()}. The
 * backend is configuration, not code: {@link #fromEnvironment()} picks RabbitMQ when {@code
 * REEF_AMQP_URI} is set and the in-memory backend otherwise.
 *
 * <p>Thread-safety: thread-safe. Handlers run on backend threads.
 */
public interface Reef extends ReefChannel, AutoCloseable {

  /** The environment variable naming the AMQP broker for {@link #fromEnvironment()}. */
  String AMQP_URI_ENV = "REEF_AMQP_URI";

  /**
   * A reef on the given backend.
   *
   * @param backend an unstarted backend; the reef starts it and closes it
   * @param options the options
   * @return the reef
   */
  static Reef create(ReefBackend backend, ReefOptions options) {
    return new DefaultReef(backend, options);
  }

  /**
   * A reef on the given backend with default options.
   *
   * @param backend an unstarted backend
   * @return the reef
   */
  static Reef create(ReefBackend backend) {
    return create(backend, ReefOptions.ofDefaults());
  }

  /**
   * A reef on a new in-memory backend with default options: everything in this JVM.
   *
   * @return the reef
   */
  static Reef inMemory() {
    return create(InMemoryBackend.create(), ReefOptions.ofDefaults());
  }

  /**
   * A reef on the backend the environment names: RabbitMQ when {@value #AMQP_URI_ENV} is set (this
   * needs {@code reef-amqp} on the class path), otherwise in memory.
   *
   * @param options the options
   * @return the reef
   * @throws ReefException if the URI is set but no backend on the class path supports it
   */
  static Reef fromEnvironment(ReefOptions options) {
    String uri = System.getenv(AMQP_URI_ENV);
    if (uri == null || uri.isBlank()) {
      return create(InMemoryBackend.create(), options);
    }
    return create(backendFor(URI.create(uri.trim())), options);
  }

  /**
   * {@link #fromEnvironment(ReefOptions)} with default options.
   *
   * @return the reef
   */
  static Reef fromEnvironment() {
    return fromEnvironment(ReefOptions.ofDefaults());
  }

  /**
   * Creates a backend for a URI with the first {@link ReefBackendProvider} on the class path that
   * supports it.
   *
   * @param uri the backend URI
   * @return a new, unstarted backend
   * @throws ReefException if no provider supports the URI
   */
  static ReefBackend backendFor(URI uri) {
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (provider.supports(uri)) {
        return provider.create(uri);
      }
    }
    throw new ReefException(
        "no Reef backend on the class path supports scheme '"
            + uri.getScheme()
            + "' (add reef-amqp for amqp:// and amqps://)");
  }

  /**
   * A channel of this reef. Channels need no declaration.
   *
   * @param name a channel name ({@code [A-Za-z0-9_:-]+})
   * @return the channel
   * @throws SporeValidationException if the name is invalid
   */
  ReefChannel channel(String name);

  /**
   * The options.
   *
   * @return the options
   */
  ReefOptions options();

  /**
   * A snapshot of the counters.
   *
   * @return the stats
   */
  ReefStats stats();

  /**
   * Waits until no handler of this reef is running and no spore waits in a mailbox this reef
   * consumes (as far as the backend can tell), or the timeout passes.
   *
   * @param timeout how long to wait at most
   * @return true if idle, false if the timeout passed first
   */
  boolean awaitIdle(Duration timeout);

  /**
   * Closes with {@link ReefOptions#closeTimeout()}: stops intake, fails pending asks with {@link
   * ReefClosedException}, drains in-flight handlers up to the timeout, closes the backend.
   * Idempotent.
   */
  @Override
  void close();

  /**
   * Closes, draining in-flight handlers up to the given timeout.
   *
   * @param drainTimeout how long to wait for in-flight handlers
   */
  void close(Duration drainTimeout);
}
