package dev.reef;

import dev.reef.directory.AgentDirectory;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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
 * REEF_AMQP_URI} is set and the in-memory backend otherwise. Backends are found through {@link
 * ReefBackendProvider}s on the class path (the in-memory one answers {@code memory:} URIs), so this
 * API depends on no backend.
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
    return fromEnvironment0(null, ReefOptions.ofDefaults());
  }

  /**
   * A reef on the backend the environment names: RabbitMQ when {@value #AMQP_URI_ENV} is set (this
   * needs {@code reef-amqp} on the class path), otherwise in memory.
   *
   * @param options the options
   * @return the reef
   * @throws ReefException if the URI is set but is not a valid URI (the message never quotes it) or
   *     no backend on the class path supports it
   */
  static Reef fromEnvironment(ReefOptions options) {
    return fromEnvironment0(System.getenv(AMQP_URI_ENV), options);
  }

  private static Reef fromEnvironment0(String uri, ReefOptions options) {
    if (uri == null || uri.isBlank()) {
      return create(backendFor(BackendUris.IN_MEMORY), options);
    }
    return create(backendFor(BackendUris.parse(AMQP_URI_ENV, uri)), options);
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
   * A reef on the backend a URI names, in one line: {@code amqp://user:pass@host:5672/vhost} or
   * {@code amqps://...} (needs {@code reef-amqp} on the class path), or {@code memory:local} (any
   * name after {@code memory:}) for the in-memory backend. Default options.
   *
   * @param uri the backend URI; its credentials never appear in logs or exception messages
   * @return the reef, its backend started
   * @throws ReefException if the text is not a URI (the message never quotes it), no backend on the
   *     class path supports it, or the backend cannot start (for example the broker is not
   *     reachable)
   */
  static Reef connect(String uri) {
    return connect(uri, ReefOptions.ofDefaults());
  }

  /**
   * {@link #connect(String)} with options.
   *
   * @param uri the backend URI
   * @param options the options
   * @return the reef
   */
  static Reef connect(String uri, ReefOptions options) {
    java.util.Objects.requireNonNull(uri, "uri");
    return connect(BackendUris.parse("the backend URI", uri), options);
  }

  /**
   * {@link #connect(String)} with a parsed URI and options.
   *
   * @param uri the backend URI
   * @param options the options
   * @return the reef
   */
  static Reef connect(URI uri, ReefOptions options) {
    java.util.Objects.requireNonNull(uri, "uri");
    java.util.Objects.requireNonNull(options, "options");
    return create(backendFor(uri), options);
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
    // The context class loader first (application containers), then reef-core's own, which always
    // sees the in-memory provider.
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader own = Reef.class.getClassLoader();
    java.util.Set<String> schemes = new java.util.TreeSet<>();
    for (ClassLoader loader :
        context == null || context == own
            ? new ClassLoader[] {own}
            : new ClassLoader[] {context, own}) {
      for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class, loader)) {
        if (provider.supports(uri)) {
          return provider.create(uri);
        }
        schemes.addAll(provider.schemes());
      }
    }
    throw BackendUris.unsupported(uri, schemes);
  }

  /**
   * A channel of this reef. Channels need no declaration.
   *
   * @param name a channel name ({@code [A-Za-z0-9_:-]+}, see {@link ReefNames})
   * @return the channel
   * @throws SporeValidationException if the name is invalid
   */
  ReefChannel channel(String name);

  /**
   * The dead letters of a channel: list, count, replay and purge them, on any backend (see {@link
   * DeadLetters}).
   *
   * @param channel a valid channel name
   * @return a view of the channel's dead letters
   * @throws UnsupportedOperationException from its methods, if the backend keeps no dead letters
   *     Reef can reach
   */
  DeadLetters deadLetters(String channel);

  /**
   * The dead letters of the default channel.
   *
   * @return {@code deadLetters(options().defaultChannel())}
   */
  default DeadLetters deadLetters() {
    return deadLetters(options().defaultChannel());
  }

  /**
   * The agent directory of this reef, on its backend's transport ({@link
   * ReefBackend#directoryStore()}): register cards, discover agents by kind or capability, watch,
   * status, terminate. Created on first call, one per reef, closed with the reef. Once it exists,
   * the reef refuses directed sends and asks to an agent the directory knows as terminated ({@link
   * dev.reef.directory.AgentTerminatedException}), follows the channels it subscribes on, and ends
   * the handlers of its agents that are terminated (by any process).
   *
   * @return the directory
   * @throws UnsupportedOperationException if the backend has no directory store
   * @throws ReefClosedException if the reef is closed
   */
  default AgentDirectory directory() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no directory");
  }

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
   * The depth of each mailbox this reef consumes (its agents' subscriptions): the spores in it not
   * yet settled — waiting, on their way to a handler, or in one — keyed by channel, then agent. On
   * AMQP this asks the broker, one round trip per mailbox: for gauges and operators, not for a hot
   * path (reef-micrometer's {@code reef.mailbox.depth} gauge reads it at most once a second).
   *
   * @return an immutable snapshot; empty if the backend cannot tell
   */
  default Map<String, Map<String, Long>> mailboxDepths() {
    return Map.of();
  }

  /**
   * Waits until no handler of this reef is running and no spore waits in a mailbox this reef
   * consumes (as far as the backend can tell), or the timeout passes.
   *
   * @param timeout how long to wait at most
   * @return true if idle, false if the timeout passed first or the thread was interrupted (its
   *     interrupt status is then set again)
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

  // ---- the ReefChannel operations, on the default channel ----

  /**
   * The name of the default channel ({@link ReefOptions#defaultChannel()}).
   *
   * @return the name
   */
  @Override
  default String name() {
    return options().defaultChannel();
  }

  @Override
  default CompletableFuture<Spore> publish(Spore spore) {
    return defaultChannel().publish(spore);
  }

  @Override
  default CompletableFuture<BatchResult> publishAll(Collection<Spore> spores) {
    return defaultChannel().publishAll(spores);
  }

  @Override
  default CompletableFuture<Spore> send(
      String from, String to, @Nullable Map<String, ?> knowledge) {
    return defaultChannel().send(from, to, knowledge);
  }

  @Override
  default CompletableFuture<Spore> broadcast(String from, @Nullable Map<String, ?> knowledge) {
    return defaultChannel().broadcast(from, knowledge);
  }

  @Override
  default CompletableFuture<Spore> systemBroadcast(@Nullable Map<String, ?> knowledge) {
    return defaultChannel().systemBroadcast(knowledge);
  }

  @Override
  default CompletableFuture<Spore> request(
      String from, String to, @Nullable Map<String, ?> knowledge) {
    return defaultChannel().request(from, to, knowledge);
  }

  @Override
  default CompletableFuture<Spore> reply(
      Spore request, String from, @Nullable Map<String, ?> knowledge) {
    return defaultChannel().reply(request, from, knowledge);
  }

  @Override
  default CompletableFuture<Spore> ask(
      String from, String to, @Nullable Map<String, ?> knowledge, Duration timeout) {
    return defaultChannel().ask(from, to, knowledge, timeout);
  }

  @Override
  default CompletableFuture<Spore> ask(Spore request, Duration timeout) {
    return defaultChannel().ask(request, timeout);
  }

  @Override
  default CompletableFuture<GatherResult> gather(
      String from,
      Collection<String> to,
      @Nullable Map<String, ?> knowledge,
      GatherOptions options) {
    return defaultChannel().gather(from, to, knowledge, options);
  }

  @Override
  default Subscription subscribe(String agent, SporeHandler handler) {
    return defaultChannel().subscribe(agent, handler);
  }

  @Override
  default Subscription subscribe(String agent, SporeHandler handler, SubscribeMode mode) {
    return defaultChannel().subscribe(agent, handler, mode);
  }

  @Override
  default Subscription subscribeAsync(String agent, AsyncSporeHandler handler) {
    return defaultChannel().subscribeAsync(agent, handler);
  }

  @Override
  default Subscription subscribeAsync(String agent, AsyncSporeHandler handler, SubscribeMode mode) {
    return defaultChannel().subscribeAsync(agent, handler, mode);
  }

  @Override
  default void unsubscribe(String agent) {
    defaultChannel().unsubscribe(agent);
  }

  @Override
  default void declareMailbox(String agent) {
    defaultChannel().declareMailbox(agent);
  }

  @Override
  default Set<String> agents() {
    return defaultChannel().agents();
  }

  @Override
  default dev.reef.task.Tasks tasks() {
    return defaultChannel().tasks();
  }

  /**
   * The mapper of typed knowledge: {@link ReefOptions#knowledgeMapper()}.
   *
   * @return the mapper
   */
  default KnowledgeMapper knowledgeMapper() {
    return options().knowledgeMapper();
  }

  /** {@link ReefChannel#sendTyped}, on the default channel. */
  default CompletableFuture<Spore> sendTyped(String from, String to, Object knowledge) {
    return defaultChannel().sendTyped(from, to, knowledge);
  }

  /** {@link ReefChannel#broadcastTyped}, on the default channel. */
  default CompletableFuture<Spore> broadcastTyped(String from, Object knowledge) {
    return defaultChannel().broadcastTyped(from, knowledge);
  }

  /** {@link ReefChannel#requestTyped}, on the default channel. */
  default CompletableFuture<Spore> requestTyped(String from, String to, Object knowledge) {
    return defaultChannel().requestTyped(from, to, knowledge);
  }

  /** {@link ReefChannel#replyTyped}, on the default channel. */
  default CompletableFuture<Spore> replyTyped(Spore request, String from, Object knowledge) {
    return defaultChannel().replyTyped(request, from, knowledge);
  }

  /**
   * {@link ReefChannel#askTyped(String, String, Object, Class, Duration)}, on the default channel.
   */
  default <R> CompletableFuture<R> askTyped(
      String from, String to, Object knowledge, Class<R> replyType, Duration timeout) {
    return defaultChannel().askTyped(from, to, knowledge, replyType, timeout);
  }

  /**
   * {@link ReefChannel#askTyped(String, String, Object,
   * com.fasterxml.jackson.core.type.TypeReference, Duration)}, on the default channel.
   */
  default <R> CompletableFuture<R> askTyped(
      String from,
      String to,
      Object knowledge,
      com.fasterxml.jackson.core.type.TypeReference<R> replyType,
      Duration timeout) {
    return defaultChannel().askTyped(from, to, knowledge, replyType, timeout);
  }

  private ReefChannel defaultChannel() {
    return channel(options().defaultChannel());
  }
}
