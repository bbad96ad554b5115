package dev.reef.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.PublishException;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnknownAgentException;
import dev.reef.codec.SporeCodec;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ConsumingReceiver;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.TaskLogStore;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over the ~450-line guide because AmqpBackend.Builder, public API since the first release, has to
// stay a nested class of this one: its documented setters are about 400 of these lines. The façade
// itself only wires the parts (AmqpSettings, AmqpConnection, PublisherPool, DirectReplies,
// Topology, MailboxRegistry, BacklogProbe, SporePublisher), each of which has one job.

/**
 * The RabbitMQ (AMQP 0-9-1) backend: agents in separate JVMs share channels through one broker or
 * cluster.
 *
 * <p>Mapping (docs/design.md#topology): each channel is a durable topic exchange ({@code
 * reef.<channel>} unless mapped with {@link Builder#exchange(String, String)}); a directed spore is
 * published with the routing key {@code agent.<to>.<type>}, an undirected one with {@code
 * broadcast.<type>}; the mailbox of an agent is the durable queue {@code reef.<channel>.<agent>},
 * bound with {@code agent.<agent>.*} and {@code broadcast.*}, with {@code x-max-priority 10} and
 * the dead-letter exchange. Spores are persistent, published {@code mandatory} with asynchronous
 * publisher confirms; a directed spore the broker returns (no such mailbox) fails with {@link
 * UnknownAgentException}, while an undirected spore nobody else listens to is simply accepted.
 * Consumers acknowledge manually once the {@link MailboxConsumer}'s stage completes; failures are
 * redelivered under the {@link RetryPolicy} and then dead-lettered to the channel's own {@code
 * reef-dlx.<channel>} / {@code reef-dlq.<channel>} (or the shared {@code reef.dlx} / {@code
 * reef.dead}, see {@link Builder#sharedDeadLetters()}) with {@code x-reef-dead-reason} ({@code
 * handler_failed}, {@code expired} or {@code malformed}), {@code x-reef-error} and {@code
 * x-reef-attempts}. A sender never receives its own undirected spore: the copy the {@code
 * broadcast.*} binding brings back to the sender's own mailbox is acknowledged and skipped without
 * an event.
 *
 * <p>Connection and topology recovery are automatic (amqp-client's). Publishes that are unconfirmed
 * when the connection drops fail with {@link PublishException} (they may or may not have been
 * delivered; retrying gives at-least-once); none is left pending.
 *
 * <pre>{@code
 * ReefBackend backend = AmqpBackend.builder().uri("amqp://guest:guest@localhost:5672").build();
 * try (Reef reef = Reef.create(backend)) { ... }
 * }</pre>
 *
 * <p>Credentials come only from the URI (or {@value #URI_ENV}); they are never logged ({@link
 * #toString()} masks the password). Thread-safety: thread-safe.
 *
 * <p>Over 450 lines because the public {@link Builder} (every option with its documented default
 * and limits, about 450 lines) must stay nested for API compatibility; the backend itself is a
 * façade that wires {@code AmqpConnection}, {@code PublisherPool}, {@code DirectReplies}, {@code
 * Topology}, {@code MailboxRegistry} and {@code BacklogProbe}.
 */
public final class AmqpBackend implements ReefBackend {
  private static final Logger log = LoggerFactory.getLogger(AmqpBackend.class);

  /** The environment variable {@link #fromEnvironment()} reads: {@value}. */
  public static final String URI_ENV = "REEF_AMQP_URI";

  /** The default broker URI: {@value}. */
  public static final String DEFAULT_URI = "amqp://localhost:5672";

  /** The default prefetch per mailbox consumer: {@value}. */
  public static final int DEFAULT_PREFETCH = 250;

  /** The default confirm window (unconfirmed publishes in flight per backend): {@value}. */
  public static final int DEFAULT_CONFIRM_WINDOW = 1000;

  /** The default number of publishing channels: {@value}. */
  public static final int DEFAULT_PUBLISHER_CHANNELS = 2;

  /** The shared dead-letter exchange of {@link Builder#sharedDeadLetters()}: {@value}. */
  public static final String DEFAULT_DEAD_LETTER_EXCHANGE = "reef.dlx";

  /** The shared dead-letter queue of {@link Builder#sharedDeadLetters()}: {@value}. */
  public static final String DEFAULT_DEAD_LETTER_QUEUE = "reef.dead";

  /**
   * The prefix of a channel's own dead-letter exchange, {@code reef-dlx.<channel>}: {@value}. A
   * mailbox queue or channel exchange is {@code reef.<...>}, so the names never collide.
   */
  public static final String DEAD_LETTER_EXCHANGE_PREFIX = "reef-dlx.";

  /** The prefix of a channel's own dead-letter queue, {@code reef-dlq.<channel>}: {@value}. */
  public static final String DEAD_LETTER_QUEUE_PREFIX = "reef-dlq.";

  /** The prefix of default exchange and mailbox queue names: {@value}. */
  public static final String NAME_PREFIX = "reef.";

  /** The {@code x-max-priority} of classic mailbox queues: {@value}. */
  public static final int MAX_PRIORITY = 10;

  private final AmqpSettings settings;
  private final AmqpSporeMapper mapper;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The parts wired by {@link #start}; null before. */
  private volatile Parts parts;

  private final AtomicReference<AmqpDirectoryStore> directoryStore = new AtomicReference<>();
  private final AtomicReference<AmqpTaskLogStore> taskLogStore = new AtomicReference<>();

  private final AmqpDeadLetters deadLetters;

  private AmqpBackend(AmqpSettings settings) {
    this.settings = settings;
    this.mapper =
        new AmqpSporeMapper(settings.pravalZones(), new BrokerUsers(settings.brokerUser()));
    this.deadLetters =
        new AmqpDeadLetters(
            settings,
            mapper,
            () -> requireOpen().connection().openChannel(),
            channel -> requireOpen().topology().ensureDeadLetters(channel));
  }

  /**
   * A builder with the defaults: {@value #DEFAULT_URI}, prefetch {@value #DEFAULT_PREFETCH},
   * persistent spores, confirm window {@value #DEFAULT_CONFIRM_WINDOW}, publish timeout 10 s,
   * confirm timeout 30 s, {@link RetryPolicy#ofDefaults()}, dead letters per channel to {@code
   * reef-dlx.<channel>} / {@code reef-dlq.<channel>}, exchanges {@code reef.<channel>}, the {@link
   * HeaderLayout#REEF} layout, classic priority mailboxes, bodies up to {@link
   * Spore#DEFAULT_MAX_KNOWLEDGE_BYTES} (10 MiB), {@value #DEFAULT_PUBLISHER_CHANNELS} publishing
   * channels, network recovery every 2 s, direct replies to asks on every channel written in the
   * {@link HeaderLayout#REEF} layout, task logs kept 24 hours and at most 512 MiB per channel.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A backend with default options for the broker named by {@value #URI_ENV}.
   *
   * @return a new, unstarted backend
   * @throws IllegalStateException if the variable is not set
   * @throws IllegalArgumentException if it is not an {@code amqp://} or {@code amqps://} URI
   */
  public static AmqpBackend fromEnvironment() {
    String v = System.getenv(URI_ENV);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          URI_ENV + " is not set; set it to the broker URI, e.g. amqp://user:pass@host:5672/vhost");
    }
    return builder().uri(v.trim()).build();
  }

  /**
   * The exchange a channel is published to.
   *
   * @param channel a valid channel name
   * @return the mapped name, or {@code reef.<channel>}
   */
  public String exchangeFor(String channel) {
    return settings.exchangeFor(channel);
  }

  /**
   * The queue holding an agent's mailbox on a channel.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return {@code reef.<channel>.<agent>}
   */
  public String mailboxQueueFor(String channel, String agent) {
    return settings.mailboxQueueFor(channel, agent);
  }

  /**
   * The shared dead-letter exchange, when dead letters are shared ({@link
   * Builder#sharedDeadLetters()} or explicit names).
   *
   * @return its name, or null when every channel has its own (the default; see {@link
   *     #deadLetterExchangeFor(String)})
   */
  public String deadLetterExchange() {
    return settings.deadLetterExchange();
  }

  /**
   * The shared dead-letter queue, when dead letters are shared.
   *
   * @return its name, or null when every channel has its own (the default; see {@link
   *     #deadLetterQueueFor(String)})
   */
  public String deadLetterQueue() {
    return settings.deadLetterQueue();
  }

  /**
   * The dead-letter exchange of a channel (topic, durable; also its mailboxes' {@code
   * x-dead-letter-exchange}).
   *
   * @param channel a valid channel name
   * @return {@code reef-dlx.<channel>} by default, or the shared one
   */
  public String deadLetterExchangeFor(String channel) {
    return settings.deadLetterExchangeFor(channel);
  }

  /**
   * The dead-letter queue of a channel (durable, bound to its dead-letter exchange with {@code #}).
   *
   * @param channel a valid channel name
   * @return {@code reef-dlq.<channel>} by default, or the shared one
   */
  public String deadLetterQueueFor(String channel) {
    return settings.deadLetterQueueFor(channel);
  }

  /**
   * Connects to the broker, opens the publishing channels and declares the dead-letter exchange
   * (topic, durable) and queue (durable, bound with {@code #}).
   *
   * @param listener receives every event
   * @throws ReefException if the broker cannot be reached or the declarations fail
   * @throws IllegalStateException if called twice
   */
  @Override
  public void start(BackendListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    BackendThreads threads = new BackendThreads();
    BackendEvents events = new BackendEvents(listener, threads.callbacks());
    AmqpConnection connection = null;
    PublisherPool pool = null;
    BrokerNotices notices;
    ChannelPool channels;
    Topology topology;
    try {
      connection = AmqpConnection.open(settings, threads.dispatch(), events);
      notices =
          new BrokerNotices(
              events,
              settings.brokerListener(),
              threads.callbacks(),
              settings.maskedUri(),
              settings.connectionName());
      connection.addBlockedListener(notices);
      channels = new ChannelPool(connection);
      topology = new Topology(settings, channels);
      pool =
          PublisherPool.open(
              settings, connection, topology::forgetExchanges, threads.callbacks(), notices);
      topology.declareDeadLetters();
    } catch (IOException | TimeoutException | GeneralSecurityException | RuntimeException e) {
      closed.set(true);
      shutdown(connection, pool, threads);
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new ReefException(
          "cannot connect to the broker at "
              + settings.maskedUri()
              + ": "
              + BrokerErrors.describeConnect(
                  e, settings.uri().getHost(), settings.hostnameVerification()),
          e);
    }
    DirectReplies replies = new DirectReplies(settings, mapper, connection, pool, events);
    replies.openAskChannel(); // the first ask opens nothing (issue 12 item 8)
    MailboxRegistry registry =
        new MailboxRegistry(settings, connection, topology, threads, notices);
    MailboxServices services =
        new MailboxServices(
            settings, mapper, events, threads, pool, topology, replies, registry, notices);
    SporePublisher publisher =
        new SporePublisher(settings, mapper, topology, pool, replies, events);
    BacklogProbe probe = new BacklogProbe(pool, registry, threads.dispatch(), channels);
    parts =
        new Parts(
            threads, connection, topology, pool, registry, services, publisher, probe, replies);
    threads.every(pool.sweepPeriod(), pool::sweep);
    log.info(
        "connected to {} ({} publishing channels)",
        settings.maskedUri(),
        settings.publisherChannels());
  }

  /** The amqp-client factory this backend connects with. */
  ConnectionFactory connectionFactory() throws GeneralSecurityException {
    return AmqpConnection.factory(settings);
  }

  /**
   * Publishes a spore to its channel's exchange: persistent (unless configured otherwise),
   * mandatory, with a publisher confirm. Blocks the caller only while the confirm window is full,
   * at most the publish timeout.
   *
   * @return completes with the spore once the broker confirmed it (and, for a directed spore, did
   *     not return it); fails with {@link UnknownAgentException} when a directed spore's agent has
   *     no mailbox, {@link PublishException} on a nack, a connection loss before the confirm, a
   *     full confirm window or a confirm timeout, {@link ReefClosedException} after close. An
   *     already expired spore reaches no mailbox: it is counted {@link SporeEvent#EXPIRED},
   *     dead-lettered with reason {@code expired}, and the future completes normally.
   */
  @Override
  public CompletableFuture<Spore> publish(String channel, Spore spore) {
    return publish(channel, spore, false);
  }

  /**
   * Whether asks on the channel get their responses by RabbitMQ's direct reply-to: true unless
   * turned off with {@link Builder#directReplies(boolean)} or the channel is written in the {@link
   * HeaderLayout#PRAVAL} layout (Praval agents answer through the asker's mailbox).
   */
  @Override
  public boolean directReplies(String channel) {
    return settings.directRepliesOn(channel);
  }

  /**
   * Publishes the request of an ask. With {@link #directReplies(String)}, it goes out on the
   * channel that consumes {@code amq.rabbitmq.reply-to}, with that as its AMQP {@code reply_to}
   * property; the responder's backend (if it is an {@code AmqpBackend} that received the request)
   * sends the response straight back to this connection, not persistent and past every mailbox, and
   * this backend reports it to {@link BackendListener#onDirectReply(String, Spore)}. Such a request
   * is itself transient ({@code delivery_mode} 1): its response can reach only this connection,
   * which a broker restart ends (failing the ask), so persisting it would only cost a disk write
   * before its confirm. Otherwise, and for any response sent another way, the response goes to the
   * asker's mailbox as usual. When the connection or that channel is lost, open asks are told
   * through {@link BackendListener#onDirectRepliesLost(String)}: their responses would go to an
   * address that no longer exists.
   */
  @Override
  public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    return publish(channel, request, directReplies(channel));
  }

  /**
   * Publishes a batch as {@link #publish(String, Spore)} publishes each spore, but together: on the
   * calling thread's publishing channel, in order, under one hold of its lock, with the confirm
   * window's permits taken for the batch at once (a window's worth at a time) and no wait between
   * the spores; correlated publisher confirms settle each spore's future on its own. No atomicity:
   * a nack, a return or a lost channel fails only the spores it concerns.
   */
  @Override
  public List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
    ReefNames.requireChannel(channel);
    Objects.requireNonNull(spores, "spores");
    Parts p = parts;
    if (closed.get() || p == null) {
      ReefClosedException e =
          new ReefClosedException(closed.get() ? "the AMQP backend is closed" : "not started");
      List<CompletableFuture<Spore>> failed = new ArrayList<>(spores.size());
      for (int i = 0; i < spores.size(); i++) {
        failed.add(CompletableFuture.failedFuture(e));
      }
      return failed;
    }
    return p.publisher().publishAll(channel, spores);
  }

  private CompletableFuture<Spore> publish(String channel, Spore spore, boolean askDirect) {
    ReefNames.requireChannel(channel);
    Objects.requireNonNull(spore, "spore");
    Parts p = parts;
    if (closed.get() || p == null) {
      return CompletableFuture.failedFuture(
          new ReefClosedException(closed.get() ? "the AMQP backend is closed" : "not started"));
    }
    return p.publisher().publish(channel, spore, askDirect);
  }

  /**
   * Declares the agent's mailbox queue (durable, dead-letter exchange; of the channel's {@link
   * MailboxType}: classic with {@code x-max-priority} 10, or quorum) and binds it with {@code
   * agent.<agent>.*} and {@code broadcast.*}. Idempotent.
   *
   * @throws ReefException if the broker refuses (for example an existing queue of that name with
   *     other arguments)
   */
  @Override
  public void declareMailbox(String channel, String agent) {
    settings.mailboxQueueFor(channel, agent);
    requireOpen().topology().declareMailbox(channel, agent);
  }

  /**
   * Deletes the agent's mailbox queue if it has no consumer and no message ({@code queue.delete}
   * with if-unused and if-empty: the broker decides atomically); otherwise, or for a quorum
   * mailbox, it stays.
   */
  @Override
  public void removeMailboxIfIdle(String channel, String agent) {
    requireOpen().topology().removeMailboxIfIdle(channel, agent);
  }

  /**
   * Declares the mailbox and consumes it on a channel of its own, with manual acknowledgement and
   * the configured prefetch. The consumer is called on the connection's consumer threads, one
   * delivery at a time per mailbox; asynchronous consumers may have up to the prefetch in flight.
   *
   * @throws IllegalStateException if this backend already consumes that mailbox
   * @throws ReefException if the broker refuses
   */
  @Override
  public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
    Objects.requireNonNull(consumer, "consumer");
    settings.mailboxQueueFor(channel, agent);
    Parts p = requireOpen();
    return p.registry().consume(channel, agent, consumer, p.services());
  }

  /**
   * The agents whose mailboxes this backend declared or consumes on the channel (other processes'
   * mailboxes are not listed; directed spores to them still route).
   */
  @Override
  public MailboxReceiver receiver(String channel, String agent) {
    return ConsumingReceiver.open(this, channel, agent);
  }

  @Override
  public Set<String> knownAgents(String channel) {
    ReefNames.requireChannel(channel);
    Parts p = parts;
    return p == null ? Set.of() : p.topology().knownAgents(channel);
  }

  /**
   * What this backend still has to do, as far as it can tell: its publishes not yet confirmed, the
   * spores ready in the mailboxes it consumes (asked from the broker, one round trip per mailbox,
   * only when nothing local is pending), deliveries read but not yet dispatched, and deliveries in
   * handlers or waiting for a retry. Read upstream first, so that a spore moving along is never
   * missed. Spores other processes publish, and not yet routed, cannot be seen.
   */
  @Override
  public long backlog() {
    Parts p = parts;
    return p == null ? 0 : p.probe().backlog();
  }

  /**
   * Each consumed mailbox's depth: the spores ready in its queue (asked from the broker, one round
   * trip per mailbox) plus its deliveries received and not yet settled.
   */
  @Override
  public Map<String, Map<String, Long>> mailboxDepths() {
    Parts p = parts;
    return p == null ? Map.of() : p.probe().depths();
  }

  /**
   * The channels' dead-letter queues ({@link #deadLetterQueueFor(String)}). Listing reads with
   * {@code basic.get} without acknowledging and returns the messages to the queue (they are then
   * marked redelivered); with shared dead letters a channel's are picked out of the shared queue.
   */
  @Override
  public DeadLetterStore deadLetterStore() {
    return deadLetters;
  }

  /**
   * An {@link AmqpDirectoryStore} with this backend's settings, on a connection of its own, opened
   * on the first call and closed with the backend.
   */
  @Override
  public DirectoryStore directoryStore() {
    return opened(
        directoryStore,
        () -> AmqpDirectoryStore.builder().backend(this).build(),
        AmqpDirectoryStore::close);
  }

  /**
   * An {@link AmqpTaskLogStore} with this backend's settings and task log retention ({@link
   * Builder#taskLogRetention}, {@link Builder#taskLogMaxBytes}), on a connection of its own, opened
   * on the first call and closed with the backend.
   */
  @Override
  public TaskLogStore taskLogStore() {
    return opened(
        taskLogStore,
        () -> AmqpTaskLogStore.builder().backend(this).build(),
        AmqpTaskLogStore::close);
  }

  /** The store in {@code ref}, opened on the first call; a store that loses the race is closed. */
  private <T> T opened(AtomicReference<T> ref, Supplier<T> open, Consumer<T> close) {
    if (closed.get()) {
      throw new ReefClosedException("the AMQP backend is closed");
    }
    T store = ref.get();
    if (store != null) {
      return store;
    }
    // Connects outside any lock.
    T mine = open.get();
    store = ref.compareAndExchange(null, mine);
    if (store != null) {
      close.accept(mine);
      return store;
    }
    if (closed.get()) { // closed meanwhile: close() may have missed it
      close.accept(mine);
      throw new ReefClosedException("the AMQP backend is closed");
    }
    return mine;
  }

  /**
   * Cancels the consumers, waits up to {@code drainTimeout} for in-flight handlers and outstanding
   * confirms, fails confirms still outstanding with {@link PublishException}, and closes the
   * connection (the broker requeues what is still unacknowledged). Idempotent.
   */
  @Override
  public void close(Duration drainTimeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    AmqpDirectoryStore store = directoryStore.get();
    if (store != null) {
      store.close();
    }
    AmqpTaskLogStore tasks = taskLogStore.get();
    if (tasks != null) {
      tasks.close();
    }
    Parts p = parts;
    if (p == null) {
      return;
    }
    long deadline = System.nanoTime() + Math.max(0, drainTimeout.toNanos());
    try {
      p.registry().closeAll(deadline);
      p.pool().awaitConfirms(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.pool().failAll(closedBeforeConfirm());
    p.replies().close();
    shutdown(p.connection(), p.pool(), p.threads());
    log.info("closed the connection to {}", settings.maskedUri());
  }

  private static void shutdown(
      AmqpConnection connection, PublisherPool pool, BackendThreads threads) {
    if (connection != null) {
      connection.close();
    }
    if (pool != null) {
      pool.failAll(closedBeforeConfirm());
    }
    threads.shutdown();
  }

  private static PublishException closedBeforeConfirm() {
    return new PublishException("the backend closed before the broker confirmed");
  }

  /**
   * Whether the backend is started, not closed, and its connection to the broker is open (false
   * while the connection is being recovered). For health checks.
   *
   * @return true if connected
   */
  public boolean isConnected() {
    Parts p = parts;
    return !closed.get() && p != null && p.connection().isOpen();
  }

  private Parts requireOpen() {
    Parts p = parts;
    if (closed.get() || p == null || !p.connection().isOpen()) {
      throw new ReefClosedException(closed.get() ? "the AMQP backend is closed" : "not started");
    }
    return p;
  }

  /**
   * A URI with the password masked.
   *
   * @return for example {@code amqp://guest:***@localhost:5672/}
   */
  static String mask(URI u) {
    return AmqpSettings.mask(u);
  }

  /** Channels opened so far on the backend's connections (for the channel budget's tests). */
  int channelsOpened() {
    return requireOpen().connection().channelsOpened();
  }

  /** Whether a connection recovery would declare the queue again (for tests). */
  boolean recoversQueue(String queue) {
    return requireOpen().connection().recoversQueue(queue);
  }

  /** The mailbox consumers' channels open now (for the channel budget's tests). */
  int consumerChannelsOpen() {
    return requireOpen().registry().openChannels();
  }

  /** The options. */
  AmqpSettings settings() {
    return settings;
  }

  /** The broker (password masked) and the main options. */
  @Override
  public String toString() {
    return settings.toString();
  }

  /** The parts of a started backend. */
  private record Parts(
      BackendThreads threads,
      AmqpConnection connection,
      Topology topology,
      PublisherPool pool,
      MailboxRegistry registry,
      MailboxServices services,
      SporePublisher publisher,
      BacklogProbe probe,
      DirectReplies replies) {}

  /** Whether the direct reply channel is open (it opens at start; for tests). */
  boolean directReplyChannelOpen() {
    Parts p = parts;
    return p != null && p.replies().askChannelOpen();
  }

  /** Builds an {@link AmqpBackend}; values are validated by the setters. Not thread-safe. */
  public static final class Builder {
    private URI uri = URI.create(DEFAULT_URI);
    private final List<Address> addresses = new ArrayList<>();
    private SSLContext sslContext;
    private boolean hostnameVerification = true;
    private int prefetch = DEFAULT_PREFETCH;
    private boolean persistent = true;
    private int confirmWindow = DEFAULT_CONFIRM_WINDOW;
    private Duration publishTimeout = AmqpSettings.DEFAULT_PUBLISH_TIMEOUT;
    private Duration confirmTimeout = AmqpSettings.DEFAULT_CONFIRM_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private String deadLetterExchange;
    private String deadLetterQueue;
    private final Map<String, String> exchanges = new LinkedHashMap<>();
    private HeaderLayout headerLayout = HeaderLayout.REEF;
    private final Map<String, HeaderLayout> layouts = new LinkedHashMap<>();
    private final Map<String, ZoneId> pravalZones = new LinkedHashMap<>();
    private boolean quorumMailboxes;
    private final Map<String, MailboxType> mailboxTypes = new LinkedHashMap<>();
    private int quorumDeliveryLimit = AmqpSettings.DEFAULT_QUORUM_DELIVERY_LIMIT;
    private MailboxType deadLetterQueueType = MailboxType.CLASSIC;
    private long maxBodyBytes = SporeCodec.maxBodyBytes(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);
    private int publisherChannels = DEFAULT_PUBLISHER_CHANNELS;
    private String connectionName = AmqpSettings.DEFAULT_CONNECTION_NAME;
    private Duration recoveryInterval = AmqpSettings.DEFAULT_RECOVERY_INTERVAL;
    private Duration expiryGrace = AmqpSettings.DEFAULT_EXPIRY_GRACE;
    private boolean directReplies = true;
    private BrokerListener brokerListener = BrokerListener.NONE;
    private Duration taskLogRetention = AmqpTaskLogStore.DEFAULT_RETENTION;
    private long taskLogMaxBytes = AmqpTaskLogStore.DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * The broker: {@code amqp://user:pass@host:port/vhost}, or {@code amqps://...} for TLS with
     * certificate and host name verification (port 5671 by default). Default {@value
     * AmqpBackend#DEFAULT_URI} (guest/guest). Credentials here are never logged.
     *
     * @param uri an {@code amqp} or {@code amqps} URI
     * @return this builder
     * @throws IllegalArgumentException if it is malformed or has another scheme
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      URI u;
      try {
        u = new URI(uri.trim());
      } catch (java.net.URISyntaxException e) {
        // Do not echo the URI: it may hold a password.
        throw new IllegalArgumentException("malformed broker URI (" + e.getReason() + ")");
      }
      return uri(u);
    }

    /**
     * The broker URI; see {@link #uri(String)}.
     *
     * @param uri an {@code amqp} or {@code amqps} URI
     * @return this builder
     */
    public Builder uri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String s = uri.getScheme();
      if (s == null || !(s.equalsIgnoreCase("amqp") || s.equalsIgnoreCase("amqps"))) {
        throw new IllegalArgumentException(
            "the broker URI must start with amqp:// or amqps://, was " + mask(uri));
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("the broker URI has no host: " + mask(uri));
      }
      this.uri = uri;
      return this;
    }

    /**
     * Several broker nodes (a cluster), tried in order on connect and recovery; credentials,
     * virtual host and TLS still come from the URI. Default: only the URI's host.
     *
     * @param hostPorts {@code host} or {@code host:port} each
     * @return this builder
     */
    public Builder addresses(String... hostPorts) {
      addresses.clear();
      for (String hp : hostPorts) {
        if (hp == null || hp.isBlank()) {
          throw new IllegalArgumentException("blank broker address");
        }
        addresses.add(Address.parseAddress(hp.trim()));
      }
      return this;
    }

    /**
     * The TLS context for {@code amqps} URIs (its trust store decides which certificates are
     * trusted). Default: the JVM's default context, which verifies certificates against the JVM's
     * trust store.
     *
     * @param sslContext the context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Whether TLS connections verify that the certificate names the host. Default true.
     *
     * @param verify false only for test brokers with certificates for another name
     * @return this builder
     */
    public Builder hostnameVerification(boolean verify) {
      this.hostnameVerification = verify;
      return this;
    }

    /**
     * Unacknowledged deliveries per mailbox consumer. Default {@value
     * AmqpBackend#DEFAULT_PREFETCH}.
     *
     * @param prefetch 1 to 65535
     * @return this builder
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = AmqpSettings.inRange("prefetch", prefetch, 1, AmqpSettings.MAX_PREFETCH);
      return this;
    }

    /**
     * Whether spores are persistent ({@code delivery_mode} 2) and survive a broker restart in their
     * durable mailboxes. Default true.
     *
     * @param persistent false for transient spores (faster, lost on a broker restart)
     * @return this builder
     */
    public Builder persistent(boolean persistent) {
      this.persistent = persistent;
      return this;
    }

    /**
     * Publishes in flight without a broker confirm, for the whole backend. When it is full, {@code
     * publish} blocks the calling thread until a confirm frees a place, at most the {@link
     * #publishTimeout(Duration) publish timeout}, then fails with {@link PublishException}. This
     * bounds memory and applies backpressure. Default {@value AmqpBackend#DEFAULT_CONFIRM_WINDOW}.
     *
     * @param window 1 to 1,000,000
     * @return this builder
     */
    public Builder confirmWindow(int window) {
      this.confirmWindow =
          AmqpSettings.inRange("confirmWindow", window, 1, AmqpSettings.MAX_CONFIRM_WINDOW);
      return this;
    }

    /**
     * How long {@code publish} may block waiting for room in the confirm window. Default 10 s.
     *
     * @param timeout zero (fail at once) or positive
     * @return this builder
     */
    public Builder publishTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("publishTimeout must be >= 0, was " + timeout);
      }
      this.publishTimeout = timeout;
      return this;
    }

    /**
     * How long a publish waits for its broker confirm before it fails with {@link PublishException}
     * (the spore may still arrive). Default 30 s.
     *
     * @param timeout at least 100 ms
     * @return this builder
     */
    public Builder confirmTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(AmqpSettings.MIN_CONFIRM_TIMEOUT) < 0) {
        throw new IllegalArgumentException("confirmTimeout must be >= 100 ms, was " + timeout);
      }
      this.confirmTimeout = timeout;
      return this;
    }

    /**
     * How failed deliveries are retried before they are dead-lettered. Default {@link
     * RetryPolicy#ofDefaults()} (5 attempts, 100 ms doubling up to 10 s). Each retry is a
     * republished copy carrying {@code x-reef-attempts}; it goes to the back of the mailbox.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * One dead-letter exchange and queue for every channel, {@value
     * AmqpBackend#DEFAULT_DEAD_LETTER_EXCHANGE} / {@value AmqpBackend#DEFAULT_DEAD_LETTER_QUEUE}
     * (the layout before 1.0), instead of the default {@code reef-dlx.<channel>} / {@code
     * reef-dlq.<channel>} per channel. Changing it for existing mailboxes needs them deleted first
     * (the broker refuses a queue redeclared with another {@code x-dead-letter-exchange}).
     *
     * @return this builder
     */
    public Builder sharedDeadLetters() {
      if (deadLetterExchange == null) {
        deadLetterExchange = DEFAULT_DEAD_LETTER_EXCHANGE;
      }
      if (deadLetterQueue == null) {
        deadLetterQueue = DEFAULT_DEAD_LETTER_QUEUE;
      }
      return this;
    }

    /**
     * A shared dead-letter exchange (topic, durable) for every channel, also the mailboxes' {@code
     * x-dead-letter-exchange}; implies {@link #sharedDeadLetters()} (the queue defaults to {@value
     * AmqpBackend#DEFAULT_DEAD_LETTER_QUEUE}). By default each channel has its own, {@code
     * reef-dlx.<channel>}. Changing it for existing mailboxes needs them deleted first (the broker
     * refuses other arguments).
     *
     * @param exchange a non-blank name of at most 255 bytes
     * @return this builder
     */
    public Builder deadLetterExchange(String exchange) {
      this.deadLetterExchange = AmqpSettings.amqpName("deadLetterExchange", exchange);
      return sharedDeadLetters();
    }

    /**
     * A shared dead-letter queue (durable, bound to the dead-letter exchange with {@code #}) for
     * every channel; implies {@link #sharedDeadLetters()} (the exchange defaults to {@value
     * AmqpBackend#DEFAULT_DEAD_LETTER_EXCHANGE}). By default each channel has its own, {@code
     * reef-dlq.<channel>}.
     *
     * @param queue a non-blank name of at most 255 bytes
     * @return this builder
     */
    public Builder deadLetterQueue(String queue) {
      this.deadLetterQueue = AmqpSettings.amqpName("deadLetterQueue", queue);
      return sharedDeadLetters();
    }

    /**
     * Maps a channel to an existing or shared exchange (for example Praval's {@code
     * praval.spores}); it must be a durable topic exchange. Default {@code reef.<channel>}.
     *
     * @param channel a valid channel name
     * @param exchange a non-blank name of at most 255 bytes
     * @return this builder
     */
    public Builder exchange(String channel, String exchange) {
      exchanges.put(ReefNames.requireChannel(channel), AmqpSettings.amqpName("exchange", exchange));
      return this;
    }

    /**
     * The header layout written on every channel without its own. Default {@link
     * HeaderLayout#REEF}. Reading accepts both layouts regardless.
     *
     * @param layout the layout
     * @return this builder
     */
    public Builder headerLayout(HeaderLayout layout) {
      this.headerLayout = Objects.requireNonNull(layout, "layout");
      return this;
    }

    /**
     * The header layout written on one channel.
     *
     * @param channel a valid channel name
     * @param layout the layout
     * @return this builder
     */
    public Builder headerLayout(String channel, HeaderLayout layout) {
      layouts.put(ReefNames.requireChannel(channel), Objects.requireNonNull(layout, "layout"));
      return this;
    }

    /**
     * Joins a channel to a Python Praval reef: maps it to the exchange and writes the {@link
     * HeaderLayout#PRAVAL} layout on it.
     *
     * @param channel a valid channel name
     * @param exchange Praval's exchange, for example {@code praval.spores}
     * @return this builder
     */
    public Builder pravalChannel(String channel, String exchange) {
      exchange(channel, exchange);
      return headerLayout(channel, HeaderLayout.PRAVAL);
    }

    /**
     * {@link #pravalChannel(String, String)} for Praval hosts whose clocks are not on UTC: the
     * channel writes its naive Praval times as wall-clock times in {@code zone} (reading infers
     * each sender's offset by itself, from the message's {@code timestamp} property).
     *
     * @param channel a valid channel name
     * @param exchange Praval's exchange, for example {@code praval.spores}
     * @param zone the Praval hosts' time zone, for example {@code ZoneId.of("America/New_York")}
     * @return this builder
     */
    public Builder pravalChannel(String channel, String exchange, ZoneId zone) {
      pravalZones.put(ReefNames.requireChannel(channel), Objects.requireNonNull(zone, "zone"));
      return pravalChannel(channel, exchange);
    }

    /**
     * Declares new mailboxes as quorum queues (replicated across a cluster) instead of classic
     * queues, on every channel without its own {@link #mailboxType(String, MailboxType)}.
     * Trade-off: RabbitMQ before 4.0 has no priorities on quorum queues, so {@code x-max-priority}
     * is not set and a backlog is served in arrival order. Default false. See {@link MailboxType}.
     *
     * @param quorum true for quorum mailboxes
     * @return this builder
     */
    public Builder quorumMailboxes(boolean quorum) {
      this.quorumMailboxes = quorum;
      return this;
    }

    /**
     * The type of the mailboxes this backend declares on one channel, overriding {@link
     * #quorumMailboxes(boolean)} there: for example quorum mailboxes for a channel whose spores
     * must survive the loss of a cluster node, classic ones for a channel that needs priorities.
     * Every process declaring mailboxes on the channel must choose the same type (the broker
     * refuses to redeclare a queue with another type).
     *
     * @param channel a valid channel name
     * @param type the type
     * @return this builder
     */
    public Builder mailboxType(String channel, MailboxType type) {
      mailboxTypes.put(ReefNames.requireChannel(channel), Objects.requireNonNull(type, "type"));
      return this;
    }

    /**
     * The type of the dead-letter queue. Default {@link MailboxType#CLASSIC} (on one node). In a
     * cluster choose {@link MailboxType#QUORUM}: a classic dead-letter queue whose node is down
     * makes every process's topology recovery fail on it (the broker answers 404 "home node ... is
     * down" when it is redeclared) until that node returns. Changing it for an existing queue needs
     * the queue deleted first (the broker refuses another type).
     *
     * @param type the type
     * @return this builder
     */
    public Builder deadLetterQueueType(MailboxType type) {
      this.deadLetterQueueType = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * The {@code x-delivery-limit} of new quorum mailboxes: how often the broker may deliver a
     * spore (redeliveries after a consumer's channel or connection was lost count; Reef's own
     * retries are republished copies and do not) before it dead-letters it with the reason {@code
     * delivery_limit}, so that a poison spore that crashes every consumer ends in the dead-letter
     * queue. Each node loss that catches a spore in flight costs it one delivery. Default {@value
     * AmqpSettings#DEFAULT_QUORUM_DELIVERY_LIMIT}; 0 sets no limit. Changing it for an existing
     * mailbox needs the queue deleted first.
     *
     * @param limit 0 (none) to 1,000,000
     * @return this builder
     */
    public Builder quorumDeliveryLimit(int limit) {
      this.quorumDeliveryLimit =
          AmqpSettings.inRange("quorumDeliveryLimit", limit, 0, AmqpSettings.MAX_CONFIRM_WINDOW);
      return this;
    }

    /**
     * The largest message body a consumer accepts; larger ones are dead-lettered as {@code
     * malformed}. Default {@code SporeCodec.maxBodyBytes(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES)} (21
     * MiB): a Praval envelope holds the knowledge twice, so a spore whose knowledge is at the
     * default 10 MiB limit arrives in either layout.
     *
     * @param bytes at least 2
     * @return this builder
     */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < AmqpSettings.MIN_BODY_BYTES) {
        throw new IllegalArgumentException("maxBodyBytes must be >= 2, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Publishing channels in confirm mode; a thread always uses the same one (so one thread's
     * spores keep their order). Default {@value AmqpBackend#DEFAULT_PUBLISHER_CHANNELS}.
     *
     * @param channels 1 to 64
     * @return this builder
     */
    public Builder publisherChannels(int channels) {
      this.publisherChannels =
          AmqpSettings.inRange(
              "publisherChannels", channels, 1, AmqpSettings.MAX_PUBLISHER_CHANNELS);
      return this;
    }

    /**
     * The client-provided connection name shown by the broker. Default {@code reef}.
     *
     * @param name non-blank
     * @return this builder
     */
    public Builder connectionName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("connectionName must not be blank");
      }
      this.connectionName = name;
      return this;
    }

    /**
     * The pause between automatic recovery attempts after a connection loss. Default 2 s.
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public Builder recoveryInterval(Duration interval) {
      if (interval == null || interval.compareTo(AmqpSettings.MIN_RECOVERY_INTERVAL) < 0) {
        throw new IllegalArgumentException("recoveryInterval must be >= 10 ms, was " + interval);
      }
      this.recoveryInterval = interval;
      return this;
    }

    /**
     * Extends the broker's TTL ({@code expiration} property) beyond the spore's remaining lifetime.
     * With a grace period (default 10 s), a consumer that is online in that window, or comes back
     * in it, finds the spore expired, counts it ({@link SporeEvent#EXPIRED}) and dead-letters it
     * with {@code x-reef-dead-reason: expired}; the broker TTL stays a backstop for mailboxes
     * nobody reads that long: the broker then dead-letters the spore itself (to the dead-letter
     * exchange, with the broker's {@code x-death} header, reason {@code expired}) and no process
     * counts it. With 0, the broker does so exactly at {@code expires_at}, so spores expiring in a
     * mailbox are never counted. Consumers never hand an expired spore to a handler either way.
     *
     * @param grace zero or positive, at most one day; default 10 s
     * @return this builder
     */
    public Builder expiryGrace(Duration grace) {
      if (grace == null
          || grace.isNegative()
          || grace.compareTo(AmqpSettings.MAX_EXPIRY_GRACE) > 0) {
        throw new IllegalArgumentException("expiryGrace must be 0..1 day, was " + grace);
      }
      this.expiryGrace = grace;
      return this;
    }

    /**
     * Whether asks get their responses by RabbitMQ's direct reply-to ({@code
     * amq.rabbitmq.reply-to}) on channels written in the {@link HeaderLayout#REEF} layout. Default
     * true. A direct response skips the asker's mailbox: it is not persistent and is dropped by the
     * broker if the asking connection is gone (whose ask then fails, see {@link
     * AmqpBackend#publishRequest(String, Spore)}); a response the responder cannot send directly
     * (sent by another process than the one that received the request, or after 10,000 newer
     * requests) goes to the mailbox as with false.
     *
     * @param direct false to send every response through the asker's mailbox
     * @return this builder
     */
    public Builder directReplies(boolean direct) {
      this.directReplies = direct;
      return this;
    }

    /**
     * Who hears of the broker's notices that are not about one spore: flow control (the broker
     * blocks publishes under a memory or disk alarm, and unblocks) and a consumed mailbox deleted.
     * They are logged and counted either way ({@link SporeEvent#BROKER_BLOCKED}, {@link
     * SporeEvent#MAILBOX_DELETED}). Default {@link BrokerListener#NONE}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder brokerListener(BrokerListener listener) {
      this.brokerListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long the broker keeps the task logs ({@link AmqpBackend#taskLogStore()}, one stream
     * {@code reef-tasks.<channel>} per channel): a task can be watched, its history included, this
     * long after its last event. Default 24 hours ({@link AmqpTaskLogStore#DEFAULT_RETENTION}). A
     * stream that already exists keeps the retention it was declared with.
     *
     * @param retention at least a minute
     * @return this builder
     */
    public Builder taskLogRetention(Duration retention) {
      this.taskLogRetention = AmqpTaskLogStore.checkRetention(retention);
      return this;
    }

    /**
     * The size cap of one channel's task log: beyond it the broker drops the oldest segments.
     * Default 512 MiB ({@link AmqpTaskLogStore#DEFAULT_MAX_BYTES}).
     *
     * @param bytes at least 8,000,000 (one segment)
     * @return this builder
     */
    public Builder taskLogMaxBytes(long bytes) {
      this.taskLogMaxBytes = AmqpTaskLogStore.checkMaxBytes(bytes);
      return this;
    }

    /**
     * Builds the backend; it connects when started.
     *
     * @return a new, unstarted backend
     */
    public AmqpBackend build() {
      return new AmqpBackend(
          new AmqpSettings(
              uri,
              addresses,
              sslContext,
              hostnameVerification,
              prefetch,
              persistent,
              confirmWindow,
              publishTimeout,
              confirmTimeout,
              retryPolicy,
              deadLetterExchange,
              deadLetterQueue,
              exchanges,
              headerLayout,
              layouts,
              pravalZones,
              quorumMailboxes,
              maxBodyBytes,
              publisherChannels,
              connectionName,
              recoveryInterval,
              expiryGrace,
              directReplies,
              brokerListener,
              mailboxTypes,
              quorumDeliveryLimit,
              deadLetterQueueType,
              taskLogRetention,
              taskLogMaxBytes));
    }
  }
}
