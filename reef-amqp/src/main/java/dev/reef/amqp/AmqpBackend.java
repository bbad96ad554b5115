package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.reef.PublishException;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.UnknownAgentException;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ConsumingReceiver;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ (AMQP 0-9-1) backend: agents in separate JVMs share channels through one broker or
 * cluster.
 *
 * <p>Mapping (DESIGN §4): each channel is a durable topic exchange ({@code reef.<channel>} unless
 * mapped with {@link Builder#exchange(String, String)}); a directed spore is published with the
 * routing key {@code agent.<to>.<type>}, an undirected one with {@code broadcast.<type>}; the
 * mailbox of an agent is the durable queue {@code reef.<channel>.<agent>}, bound with {@code
 * agent.<agent>.*} and {@code broadcast.*}, with {@code x-max-priority 10} and the dead-letter
 * exchange. Spores are persistent, published {@code mandatory} with asynchronous publisher
 * confirms; a directed spore the broker returns (no such mailbox) fails with {@link
 * UnknownAgentException}, while an undirected spore nobody else listens to is simply accepted.
 * Consumers acknowledge manually once the {@link MailboxConsumer}'s stage completes; failures are
 * redelivered under the {@link RetryPolicy} and then dead-lettered to {@code reef.dlx} / {@code
 * reef.dead} with {@code x-reef-dead-reason} ({@code failed}, {@code expired} or {@code
 * malformed}), {@code x-reef-error} and {@code x-reef-attempts}. A sender never receives its own
 * undirected spore: the copy the {@code broadcast.*} binding brings back to the sender's own
 * mailbox is acknowledged and skipped without an event.
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

  /** The default dead-letter exchange: {@value}. */
  public static final String DEFAULT_DEAD_LETTER_EXCHANGE = "reef.dlx";

  /** The default dead-letter queue: {@value}. */
  public static final String DEFAULT_DEAD_LETTER_QUEUE = "reef.dead";

  /** The prefix of default exchange and mailbox queue names: {@value}. */
  public static final String NAME_PREFIX = "reef.";

  /** The {@code x-max-priority} of classic mailbox queues: {@value}. */
  public static final int MAX_PRIORITY = 10;

  /** How long a channel call (declare, consume, cancel, close) may wait for the broker. */
  static final Duration CHANNEL_RPC_TIMEOUT = Duration.ofSeconds(10);

  /** Direct reply routes a responding backend keeps (requests delivered, not yet answered). */
  static final int DIRECT_REPLY_ROUTES = 10_000;

  private final URI uri;
  private final List<Address> addresses;
  private final SSLContext sslContext;
  private final boolean hostnameVerification;
  private final int prefetch;
  private final boolean persistent;
  private final int confirmWindow;
  private final Duration publishTimeout;
  private final Duration confirmTimeout;
  private final RetryPolicy retryPolicy;
  private final String deadLetterExchange;
  private final String deadLetterQueue;
  private final Map<String, String> exchanges;
  private final HeaderLayout defaultLayout;
  private final Map<String, HeaderLayout> layouts;
  private final boolean quorumMailboxes;
  private final long maxBodyBytes;
  private final int publisherChannels;
  private final String connectionName;
  private final Duration recoveryInterval;
  private final Duration expiryGrace;
  private final boolean directReplies;

  private final AmqpSporeMapper mapper = new AmqpSporeMapper();
  private final Semaphore window;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong inflight = new AtomicLong();
  private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<String>> knownAgents = new ConcurrentHashMap<>();
  private final Map<String, AmqpMailbox> mailboxes = new ConcurrentHashMap<>();
  private final Set<String> declaredMailboxes = ConcurrentHashMap.newKeySet();
  private final Object topologyLock = new Object();
  private final DirectReplyRoutes replyRoutes = new DirectReplyRoutes(DIRECT_REPLY_ROUTES);
  private final Object askLock = new Object();

  /** Ask channels lost to a connection failure, closed when the next one is open. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Channel> staleAskChannels =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final Object replyLock = new Object();

  /** The channel direct replies are sent on (no confirms); guarded by {@code replyLock}. */
  private Channel replyChannel;

  /** The channel asks are published on; it consumes their direct replies. Created on first use. */
  private final java.util.concurrent.atomic.AtomicReference<ConfirmingPublisher> askPublisher =
      new java.util.concurrent.atomic.AtomicReference<>();

  private volatile BackendListener listener = BackendListener.NONE;
  private volatile Connection connection;

  /** Publishing channels; a channel error clears the declared exchanges (one may be gone). */
  private volatile ConfirmingPublisher[] publishers;

  private Channel topologyChannel;
  private Channel probeChannel;
  private final Object probeLock = new Object();
  private ScheduledExecutorService scheduler;
  private ExecutorService callbacks;
  private CountingExecutor dispatch;

  private AmqpBackend(Builder b) {
    this.uri = b.uri;
    this.addresses = List.copyOf(b.addresses);
    this.sslContext = b.sslContext;
    this.hostnameVerification = b.hostnameVerification;
    this.prefetch = b.prefetch;
    this.persistent = b.persistent;
    this.confirmWindow = b.confirmWindow;
    this.publishTimeout = b.publishTimeout;
    this.confirmTimeout = b.confirmTimeout;
    this.retryPolicy = b.retryPolicy;
    this.deadLetterExchange = b.deadLetterExchange;
    this.deadLetterQueue = b.deadLetterQueue;
    this.exchanges = Map.copyOf(b.exchanges);
    this.defaultLayout = b.headerLayout;
    this.layouts = Map.copyOf(b.layouts);
    this.quorumMailboxes = b.quorumMailboxes;
    this.maxBodyBytes = b.maxBodyBytes;
    this.publisherChannels = b.publisherChannels;
    this.connectionName = b.connectionName;
    this.recoveryInterval = b.recoveryInterval;
    this.expiryGrace = b.expiryGrace;
    this.directReplies = b.directReplies;
    this.window = new Semaphore(confirmWindow);
  }

  /**
   * A builder with the defaults: {@value #DEFAULT_URI}, prefetch {@value #DEFAULT_PREFETCH},
   * persistent spores, confirm window {@value #DEFAULT_CONFIRM_WINDOW}, publish timeout 10 s,
   * confirm timeout 30 s, {@link RetryPolicy#ofDefaults()}, dead letters to {@value
   * #DEFAULT_DEAD_LETTER_EXCHANGE} / {@value #DEFAULT_DEAD_LETTER_QUEUE}, exchanges {@code
   * reef.<channel>}, the {@link HeaderLayout#REEF} layout, classic priority mailboxes, bodies up to
   * {@link Spore#DEFAULT_MAX_KNOWLEDGE_BYTES} (10 MiB), {@value #DEFAULT_PUBLISHER_CHANNELS}
   * publishing channels, network recovery every 2 s, direct replies to asks on every channel
   * written in the {@link HeaderLayout#REEF} layout.
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
    ReefNames.requireChannel(channel);
    String mapped = exchanges.get(channel);
    return mapped != null ? mapped : NAME_PREFIX + channel;
  }

  /**
   * The queue holding an agent's mailbox on a channel.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return {@code reef.<channel>.<agent>}
   */
  public String mailboxQueueFor(String channel, String agent) {
    ReefNames.requireChannel(channel);
    ReefNames.requireAgent("agent", agent);
    return NAME_PREFIX + channel + "." + agent;
  }

  /**
   * The dead-letter exchange.
   *
   * @return its name, default {@value #DEFAULT_DEAD_LETTER_EXCHANGE}
   */
  public String deadLetterExchange() {
    return deadLetterExchange;
  }

  /**
   * The dead-letter queue.
   *
   * @return its name, default {@value #DEFAULT_DEAD_LETTER_QUEUE}
   */
  public String deadLetterQueue() {
    return deadLetterQueue;
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
    this.listener = listener;
    scheduler = Executors.newSingleThreadScheduledExecutor(daemon("reef-amqp-scheduler"));
    callbacks = Executors.newFixedThreadPool(2, daemon("reef-amqp-callback"));
    dispatch =
        new CountingExecutor(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            daemon("reef-amqp-consumer"));
    try {
      ConnectionFactory f = connectionFactory();
      f.setSharedExecutor(dispatch);
      Connection c =
          addresses.isEmpty()
              ? f.newConnection(connectionName)
              : f.newConnection(addresses, connectionName);
      connection = c;
      c.addShutdownListener(
          cause -> {
            if (!cause.isInitiatedByApplication()) {
              log.warn("connection to {} lost: {}", maskedUri(), cause.getMessage());
            }
          });
      if (c instanceof Recoverable) {
        ((Recoverable) c)
            .addRecoveryListener(
                new RecoveryListener() {
                  @Override
                  public void handleRecovery(Recoverable r) {
                    log.info("connection to {} recovered", maskedUri());
                  }

                  @Override
                  public void handleRecoveryStarted(Recoverable r) {
                    log.info("recovering the connection to {}", maskedUri());
                  }
                });
      }
      ConfirmingPublisher[] ps = new ConfirmingPublisher[publisherChannels];
      for (int i = 0; i < ps.length; i++) {
        ps[i] =
            new ConfirmingPublisher(c.createChannel(), window, declaredExchanges::clear, callbacks);
      }
      publishers = ps;
      synchronized (topologyLock) {
        Channel t = topology();
        t.exchangeDeclare(deadLetterExchange, BuiltinExchangeType.TOPIC, true);
        t.queueDeclare(deadLetterQueue, true, false, false, null);
        t.queueBind(deadLetterQueue, deadLetterExchange, "#");
      }
    } catch (IOException | TimeoutException | GeneralSecurityException | RuntimeException e) {
      closed.set(true);
      shutdownQuietly();
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new ReefException(
          "cannot connect to the broker at " + maskedUri() + ": " + describe(e), e);
    }
    long sweep = Math.max(100, Math.min(1000, confirmTimeout.toMillis() / 4));
    scheduler.scheduleWithFixedDelay(this::sweepConfirms, sweep, sweep, TimeUnit.MILLISECONDS);
    log.info("connected to {} ({} publishing channels)", maskedUri(), publisherChannels);
  }

  ConnectionFactory connectionFactory() throws GeneralSecurityException {
    ConnectionFactory f = new ConnectionFactory();
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean tls = scheme.equals("amqps");
    try {
      // Never hand an amqps URI to setUri: it would enable TLS that trusts every certificate.
      f.setUri(tls ? "amqp" + uri.toString().substring(5) : uri.toString());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      // amqp-client's messages may quote the user info, password included: do not pass them on.
      throw new IllegalArgumentException(
          "bad broker URI "
              + maskedUri()
              + " (expected amqp[s]://user:password@host:port/vhost, with '%' escapes)");
    }
    if (tls) {
      if (uri.getPort() == -1) {
        f.setPort(ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT);
      }
      f.useSslProtocol(sslContext != null ? sslContext : SSLContext.getDefault());
      if (hostnameVerification) {
        f.enableHostnameVerification();
      }
    }
    f.setAutomaticRecoveryEnabled(true);
    f.setTopologyRecoveryEnabled(true);
    // The direct reply consumer is never recovered: a lost ask channel is replaced instead.
    f.setTopologyRecoveryFilter(
        new com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter() {
          @Override
          public boolean filterConsumer(
              com.rabbitmq.client.impl.recovery.RecordedConsumer consumer) {
            return !DirectReplyRoutes.PSEUDO_QUEUE.equals(consumer.getQueue());
          }
        });
    f.setNetworkRecoveryInterval(recoveryInterval.toMillis());
    f.setConnectionTimeout(10_000);
    // Bound every channel call (declare, consume, cancel, close): amqp-client's default of ten
    // minutes turns a call that races a connection recovery into a ten-minute stall.
    f.setChannelRpcTimeout((int) CHANNEL_RPC_TIMEOUT.toMillis());
    f.setExceptionHandler(new QuietExceptionHandler());
    return f;
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
    return directReplies && layoutFor(channel) != HeaderLayout.PRAVAL;
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

  private CompletableFuture<Spore> publish(String channel, Spore spore, boolean askDirect) {
    ReefNames.requireChannel(channel);
    Objects.requireNonNull(spore, "spore");
    if (closed.get() || !started.get()) {
      return CompletableFuture.failedFuture(
          new ReefClosedException(closed.get() ? "the AMQP backend is closed" : "not started"));
    }
    Instant now = Instant.now();
    if (spore.isExpired(now)) {
      return expiredAtPublish(channel, spore, now);
    }
    if (spore.type() == SporeType.RESPONSE && spore.replyTo() != null && spore.isDirected()) {
      DirectReplyRoutes.Route route = replyRoutes.take(spore.replyTo(), channel, spore.toAgent());
      if (route != null) {
        return publishDirectReply(channel, spore, route, now);
      }
    }
    String exchange;
    try {
      exchange = ensureExchange(channel);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The request of a direct ask is transient: its response can only reach this connection, so
    // after a broker restart (which ends the connection and fails the ask) it would be answered
    // in vain; and a persistent publish costs the broker a disk write before its confirm.
    AmqpSporeMapper.Outgoing out =
        mapper.encode(
            spore, layoutFor(channel), persistent && !askDirect, now, expiryGrace.toMillis());
    CompletableFuture<Spore> result = new CompletableFuture<>();
    CompletableFuture<Boolean> published =
        askDirect
            ? publishAsk(
                exchange,
                out.routingKey(),
                out.properties().builder().replyTo(DirectReplyRoutes.PSEUDO_QUEUE).build(),
                out.body())
            : publishRaw(exchange, out.routingKey(), out.properties(), out.body());
    published.whenComplete(
        (routed, err) -> {
          if (err != null) {
            Throwable cause = unwrap(err);
            ReefException e =
                cause instanceof ReefException
                    ? (ReefException) cause
                    : new PublishException("publish failed: " + cause, cause);
            result.completeExceptionally(e);
          } else if (!routed && spore.isDirected()) {
            UnknownAgentException e = new UnknownAgentException(channel, spore.toAgent());
            event(SporeEvent.UNROUTABLE, channel, spore.toAgent(), spore, e);
            result.completeExceptionally(e);
          } else {
            result.complete(spore);
          }
        });
    return result;
  }

  /**
   * Sends a response straight to the connection that asked, through the default exchange and the
   * request's direct reply address, on a channel of its own: not persistent, not mandatory
   * (RabbitMQ returns direct replies to mandatory publishes even when it delivers them) and not
   * confirmed (no queue holds a direct reply, so a confirm would say nothing more than the write
   * did). The future completes once the message is written to the connection. If the asker's
   * connection is gone the broker drops it; that asker's ask has already failed.
   */
  private CompletableFuture<Spore> publishDirectReply(
      String channel, Spore spore, DirectReplyRoutes.Route route, Instant now) {
    AmqpSporeMapper.Outgoing out =
        mapper.encode(spore, layoutFor(channel), false, now, expiryGrace.toMillis());
    Map<String, Object> headers = new HashMap<>(out.properties().getHeaders());
    headers.put(DirectReplyConsumer.H_CHANNEL, channel);
    AMQP.BasicProperties props = out.properties().builder().headers(headers).build();
    synchronized (replyLock) {
      try {
        Channel ch = replyChannel;
        if (ch == null || !ch.isOpen()) {
          ch = openChannel();
          replyChannel = ch;
        }
        ch.basicPublish("", route.address(), false, props, out.body());
      } catch (ReefClosedException e) {
        return CompletableFuture.failedFuture(e);
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(
            new PublishException("sending the direct reply failed: " + describe(e), e));
      }
    }
    return CompletableFuture.completedFuture(spore);
  }

  /**
   * Remembers the direct reply address of a request this backend delivers, for the response.
   *
   * @param replyTo the delivery's AMQP {@code reply_to} property, or null
   */
  void rememberReplyAddress(String channel, Spore spore, String replyTo) {
    if (replyTo != null && spore.type() == SporeType.REQUEST) {
      replyRoutes.remember(spore.id(), channel, spore.fromAgent(), replyTo);
    }
  }

  /**
   * Forgets a lost ask channel. It is closed by the next {@link #askPublisher()}, on the asking
   * thread once a new channel is open: closing it here, on the connection's thread or while the
   * connection recovers, can wait on the recovery.
   */
  private void dropAskChannel(ConfirmingPublisher lost) {
    if (askPublisher.compareAndSet(lost, null)) { // no lock: this runs on the connection's thread
      staleAskChannels.add(lost.channel());
    }
  }

  /**
   * Tells the listener that direct replies can no longer arrive, on the callbacks executor: never
   * on the connection's thread that runs shutdown listeners, since the reef may then detach mailbox
   * consumers, and a channel call made on that thread would wait for an answer that only that
   * thread could deliver.
   */
  private void directRepliesLost(String reason) {
    Runnable task =
        () -> {
          try {
            listener.onDirectRepliesLost(reason);
          } catch (RuntimeException e) {
            log.warn("backend listener failed on lost direct replies: {}", e.toString());
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("closing: not reporting lost direct replies ({})", reason);
    }
  }

  /** A response arrived on the direct reply path. */
  void directReply(String channel, Spore response) {
    try {
      listener.onDirectReply(channel, response);
    } catch (RuntimeException e) {
      log.warn("backend listener failed on a direct reply: {}", e.toString());
    }
  }

  /**
   * A spore already expired when published reaches no mailbox: it is counted {@link
   * SporeEvent#EXPIRED} (for its recipient, or its sender when undirected) and dead-lettered with
   * reason {@code expired}; the future completes with the spore once the dead letter is confirmed
   * (or at once if the dead-letter publish fails, which is logged).
   */
  private CompletableFuture<Spore> expiredAtPublish(String channel, Spore spore, Instant now) {
    event(
        SporeEvent.EXPIRED,
        channel,
        spore.isDirected() ? spore.toAgent() : spore.fromAgent(),
        spore,
        null);
    AmqpSporeMapper.Outgoing out = mapper.encode(spore, layoutFor(channel), persistent, now);
    Map<String, Object> headers = new HashMap<>(out.properties().getHeaders());
    headers.put(AmqpSporeMapper.H_DEAD_REASON, "expired");
    headers.put(AmqpSporeMapper.H_ERROR, "expired at " + spore.expiresAt() + " before publishing");
    headers.put(AmqpSporeMapper.H_ATTEMPTS, 0);
    headers.put(AmqpSporeMapper.H_DEAD_EXCHANGE, exchangeFor(channel));
    headers.put(AmqpSporeMapper.H_DEAD_ROUTING_KEY, out.routingKey());
    AMQP.BasicProperties props =
        out.properties().builder().headers(headers).expiration(null).build();
    return publishRaw(deadLetterExchange, out.routingKey(), props, out.body())
        .handle(
            (routed, err) -> {
              if (err != null) {
                log.warn("could not dead-letter expired spore {}: {}", spore.id(), err.toString());
              }
              return spore;
            });
  }

  /**
   * Publishes raw bytes with a confirm, mandatory. The future completes (on a callback thread,
   * never the connection's I/O thread) with whether the message was routed.
   */
  CompletableFuture<Boolean> publishRaw(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    return publish(publisherSlot(), exchange, routingKey, true, props, body);
  }

  /** Publishes the request of an ask on the channel that consumes its direct reply. */
  private CompletableFuture<Boolean> publishAsk(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    return publish(-1, exchange, routingKey, true, props, body);
  }

  private static int publisherSlot() {
    return (int) (Thread.currentThread().getId() & 0x7fffffff);
  }

  /**
   * Publishes with a confirm, on the publisher of a slot (modulo the publishers) or, for slot -1,
   * the ask channel.
   */
  private CompletableFuture<Boolean> publish(
      int slot,
      String exchange,
      String routingKey,
      boolean mandatory,
      AMQP.BasicProperties props,
      byte[] body) {
    ConfirmingPublisher[] ps = publishers;
    if (ps == null || connection == null) {
      return CompletableFuture.failedFuture(new ReefClosedException("the AMQP backend is closed"));
    }
    try {
      if (!window.tryAcquire(publishTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return CompletableFuture.failedFuture(
            new PublishException(
                "the confirm window ("
                    + confirmWindow
                    + " unconfirmed publishes) stayed full for "
                    + publishTimeout.toMillis()
                    + " ms"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(
          new PublishException("interrupted while waiting for the confirm window", e));
    }
    ConfirmingPublisher p;
    try {
      p = slot < 0 ? askPublisher() : publisher(ps, slot % ps.length);
    } catch (IOException | RuntimeException e) {
      window.release();
      return CompletableFuture.failedFuture(
          new PublishException("no publishing channel: " + describe(e), e));
    }
    // Completed on the callbacks executor by the publisher, one task per confirm frame.
    return p.publish(exchange, routingKey, mandatory, props, body);
  }

  /**
   * The ask channel: it consumes {@code amq.rabbitmq.reply-to} (RabbitMQ requires the requests to
   * be published on the channel that consumes their replies), created on first use and replaced
   * after a channel error. Its loss is reported to the listener: the replies it would receive
   * cannot arrive anywhere else.
   */
  private ConfirmingPublisher askPublisher() throws IOException {
    ConfirmingPublisher p = askPublisher.get();
    if (p != null && !p.isDead()) {
      return p;
    }
    synchronized (askLock) {
      p = askPublisher.get();
      if (p != null && !p.isDead()) {
        return p;
      }
      Channel ch = openChannel();
      ch.basicConsume(DirectReplyRoutes.PSEUDO_QUEUE, true, new DirectReplyConsumer(ch, this));
      // The futures of ask requests are the reef's own (the asker holds the ask's future): a
      // routed confirm completes them on the I/O thread, saving a thread hand-off per ask.
      ConfirmingPublisher created =
          new ConfirmingPublisher(ch, window, declaredExchanges::clear, callbacks, true);
      // Not left to automatic recovery: a recovered channel may publish before its reply consumer
      // is back, which the broker punishes with a channel error. A lost ask channel is dropped and
      // the next ask opens a new one (consuming first, then publishing).
      ch.addShutdownListener(
          cause -> {
            if (!cause.isInitiatedByApplication()) {
              dropAskChannel(created);
              directRepliesLost(
                  "the channel receiving direct replies closed: " + cause.getMessage());
            }
          });
      askPublisher.set(created);
      for (Channel stale; (stale = staleAskChannels.poll()) != null; ) {
        try {
          stale.abort();
        } catch (IOException | RuntimeException e) {
          log.debug("closing a lost ask channel failed: {}", e.toString());
        }
      }
      return created;
    }
  }

  /** The publisher of a slot, replaced if a channel-level error closed it for good. */
  private ConfirmingPublisher publisher(ConfirmingPublisher[] ps, int slot) throws IOException {
    ConfirmingPublisher p = ps[slot];
    if (!p.isDead()) {
      return p;
    }
    synchronized (ps) {
      if (ps[slot] == p) {
        Channel ch = openChannel();
        ps[slot] = new ConfirmingPublisher(ch, window, declaredExchanges::clear, callbacks);
        log.info("replaced a publishing channel closed by a channel error");
      }
      return ps[slot];
    }
  }

  private String ensureExchange(String channel) {
    String exchange = exchangeFor(channel);
    if (declaredExchanges.contains(exchange)) {
      return exchange;
    }
    synchronized (topologyLock) {
      try {
        topology().exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      } catch (IOException | RuntimeException e) {
        throw new ReefException(
            "cannot declare the topic exchange '"
                + exchange
                + "' of channel '"
                + channel
                + "': "
                + e,
            e);
      }
      declaredExchanges.add(exchange);
    }
    return exchange;
  }

  /**
   * A new channel on the connection.
   *
   * @throws ReefClosedException if the backend is closed
   * @throws IOException if the broker refuses one (no more channels) or the call fails
   */
  private Channel openChannel() throws IOException {
    Connection c = connection;
    if (c == null) {
      throw new ReefClosedException("the AMQP backend is closed");
    }
    Channel ch = c.createChannel();
    if (ch == null) {
      throw new IOException("the broker allows no more channels");
    }
    return ch;
  }

  private Channel topology() throws IOException {
    Channel t = topologyChannel;
    if (t == null || !t.isOpen()) {
      t = openChannel();
      topologyChannel = t;
    }
    return t;
  }

  /**
   * Declares the agent's mailbox queue (durable, {@code x-max-priority} 10 or quorum, dead-letter
   * exchange) and binds it with {@code agent.<agent>.*} and {@code broadcast.*}. Idempotent.
   *
   * @throws ReefException if the broker refuses (for example an existing queue of that name with
   *     other arguments)
   */
  @Override
  public void declareMailbox(String channel, String agent) {
    String queue = mailboxQueueFor(channel, agent);
    requireOpen();
    String exchange = ensureExchange(channel);
    Map<String, Object> args = new HashMap<>();
    args.put("x-dead-letter-exchange", deadLetterExchange);
    if (quorumMailboxes) {
      args.put("x-queue-type", "quorum");
    } else {
      args.put("x-max-priority", MAX_PRIORITY);
    }
    synchronized (topologyLock) {
      try {
        Channel t = topology();
        t.queueDeclare(queue, true, false, false, args);
        t.queueBind(queue, exchange, "agent." + agent + ".*");
        t.queueBind(queue, exchange, "broadcast.*");
      } catch (IOException | RuntimeException e) {
        throw new ReefException("cannot declare the mailbox queue '" + queue + "': " + e, e);
      }
    }
    declaredMailboxes.add(queue);
    knownAgents.computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet()).add(agent);
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
    String queue = mailboxQueueFor(channel, agent);
    requireOpen();
    synchronized (mailboxes) {
      if (mailboxes.containsKey(queue)) {
        throw new IllegalStateException(
            "this backend already consumes the mailbox of '" + agent + "' on '" + channel + "'");
      }
      // A mailbox this backend declared before is not declared again (three calls to the broker
      // saved on every attach, which an asker without handlers makes for each ask); if it was
      // deleted since, the consume fails with 404 and it is declared and consumed once more.
      boolean declaredBefore = declaredMailboxes.contains(queue);
      if (!declaredBefore) {
        declareMailbox(channel, agent);
      }
      try {
        try {
          return attach(channel, agent, queue, consumer);
        } catch (IOException e) {
          if (!declaredBefore || !isNotFound(e)) {
            throw e;
          }
          declaredMailboxes.remove(queue);
          declareMailbox(channel, agent);
          return attach(channel, agent, queue, consumer);
        }
      } catch (IOException | RuntimeException e) {
        throw new ReefException("cannot consume the mailbox queue '" + queue + "': " + e, e);
      }
    }
  }

  private AmqpMailbox attach(String channel, String agent, String queue, MailboxConsumer consumer)
      throws IOException {
    Channel ch = openChannel();
    ch.basicQos(prefetch);
    AmqpMailbox mailbox = new AmqpMailbox(this, ch, channel, agent, queue, consumer);
    mailboxes.put(queue, mailbox);
    try {
      mailbox.start();
    } catch (IOException | RuntimeException e) {
      mailboxes.remove(queue);
      mailbox.closeChannel();
      throw e;
    }
    return mailbox;
  }

  /** Whether a channel call failed because the queue does not exist (404, NOT_FOUND). */
  private static boolean isNotFound(IOException e) {
    if (!(e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException)) {
      return false;
    }
    Object reason = ((com.rabbitmq.client.ShutdownSignalException) e.getCause()).getReason();
    return reason instanceof AMQP.Channel.Close
        && ((AMQP.Channel.Close) reason).getReplyCode() == AMQP.NOT_FOUND;
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
    Set<String> s = knownAgents.get(channel);
    return s == null ? Set.of() : Set.copyOf(s);
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
    long local = outstandingConfirms();
    if (local > 0) {
      return local;
    }
    long ready = readyInConsumedMailboxes();
    CountingExecutor d = dispatch;
    return ready + (d == null ? 0 : d.pending()) + inflight.get();
  }

  private long outstandingConfirms() {
    ConfirmingPublisher[] ps = publishers;
    long n = 0;
    if (ps != null) {
      for (ConfirmingPublisher p : ps) {
        n += p.outstanding();
      }
    }
    ConfirmingPublisher a = askPublisher.get();
    return a == null ? n : n + a.outstanding();
  }

  private long readyInConsumedMailboxes() {
    if (mailboxes.isEmpty() || connection == null) {
      return 0;
    }
    long n = 0;
    // A channel of its own: a passive declare of a deleted queue closes the channel it runs on.
    synchronized (probeLock) {
      for (AmqpMailbox m : mailboxes.values()) {
        try {
          Channel p = probeChannel;
          if (p == null || !p.isOpen()) {
            Connection c = connection;
            if (c == null) {
              return n;
            }
            p = c.createChannel();
            probeChannel = p;
          }
          if (p != null) {
            n += p.queueDeclarePassive(m.queue()).getMessageCount();
          }
        } catch (IOException | RuntimeException e) {
          log.debug("cannot read the depth of {}: {}", m.queue(), e.toString());
        }
      }
    }
    return n;
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
    long deadline = System.nanoTime() + Math.max(0, drainTimeout.toNanos());
    List<AmqpMailbox> open = new ArrayList<>(mailboxes.values());
    for (AmqpMailbox m : open) {
      m.close();
    }
    try {
      for (AmqpMailbox m : open) {
        if (!m.awaitIdle(deadline)) {
          log.warn(
              "mailbox {} still had {} unsettled deliveries at close; the broker requeues them",
              m.queue(),
              m.inflight());
        }
      }
      for (ConfirmingPublisher p : allPublishers()) {
        while (p.outstanding() > 0 && System.nanoTime() < deadline) {
          TimeUnit.MILLISECONDS.sleep(5);
        }
        p.failAll(new PublishException("the backend closed before the broker confirmed"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutdownQuietly();
    log.info("closed the connection to {}", maskedUri());
  }

  private void shutdownQuietly() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close(5000);
      } catch (IOException | RuntimeException e) {
        log.debug("closing the connection failed: {}", e.toString());
      }
    }
    for (ConfirmingPublisher p : allPublishers()) {
      p.failAll(new PublishException("the backend closed before the broker confirmed"));
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (callbacks != null) {
      callbacks.shutdown();
    }
    if (dispatch != null) {
      dispatch.shutdown();
    }
  }

  private void sweepConfirms() {
    for (ConfirmingPublisher p : allPublishers()) {
      p.expireOlderThan(confirmTimeout);
    }
  }

  /** The publishing channels and the ask channel, if any. */
  private List<ConfirmingPublisher> allPublishers() {
    List<ConfirmingPublisher> all = new ArrayList<>();
    ConfirmingPublisher[] ps = publishers;
    if (ps != null) {
      all.addAll(List.of(ps));
    }
    ConfirmingPublisher a = askPublisher.get();
    if (a != null) {
      all.add(a);
    }
    return all;
  }

  private void requireOpen() {
    if (closed.get() || !started.get() || connection == null) {
      throw new ReefClosedException(closed.get() ? "the AMQP backend is closed" : "not started");
    }
  }

  // --- for AmqpMailbox --------------------------------------------------------------------------

  AmqpSporeMapper mapper() {
    return mapper;
  }

  long maxBodyBytes() {
    return maxBodyBytes;
  }

  long expiryGraceMillis() {
    return expiryGrace.toMillis();
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  void inflightChanged(int delta) {
    inflight.addAndGet(delta);
  }

  void unregister(AmqpMailbox m) {
    mailboxes.remove(m.queue(), m);
  }

  void schedule(Runnable task, Duration delay) {
    try {
      scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing: the unacknowledged original goes back to its queue when the connection closes.
      log.debug("not scheduling a retry while closing");
    }
  }

  void event(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    try {
      listener.onEvent(event, channel, agent, spore, error);
    } catch (RuntimeException e) {
      log.warn("backend listener failed on {}: {}", event, e.toString());
    }
  }

  private HeaderLayout layoutFor(String channel) {
    HeaderLayout l = layouts.get(channel);
    return l != null ? l : defaultLayout;
  }

  /**
   * The broker URI with the password masked.
   *
   * @return for example {@code amqp://guest:***@localhost:5672/}
   */
  String maskedUri() {
    return mask(uri);
  }

  static String mask(URI u) {
    String userInfo = u.getRawUserInfo();
    String host = u.getHost() == null ? "" : u.getHost();
    String port = u.getPort() == -1 ? "" : ":" + u.getPort();
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String user = "";
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = (colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***") + "@";
    }
    return u.getScheme() + "://" + user + host + port + path;
  }

  private static String describe(Throwable e) {
    Throwable cause = e.getCause();
    return cause != null && e.getMessage() == null
        ? e + " (" + cause.getMessage() + ")"
        : e.toString();
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The broker (password masked) and the main options. */
  @Override
  public String toString() {
    return "AmqpBackend{"
        + maskedUri()
        + (addresses.isEmpty() ? "" : ", addresses=" + addresses)
        + ", prefetch="
        + prefetch
        + ", persistent="
        + persistent
        + ", confirmWindow="
        + confirmWindow
        + ", layout="
        + defaultLayout
        + ", quorum="
        + quorumMailboxes
        + ", dlx="
        + deadLetterExchange
        + "/"
        + deadLetterQueue
        + "}";
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
    private Duration publishTimeout = Duration.ofSeconds(10);
    private Duration confirmTimeout = Duration.ofSeconds(30);
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private String deadLetterExchange = DEFAULT_DEAD_LETTER_EXCHANGE;
    private String deadLetterQueue = DEFAULT_DEAD_LETTER_QUEUE;
    private final Map<String, String> exchanges = new LinkedHashMap<>();
    private HeaderLayout headerLayout = HeaderLayout.REEF;
    private final Map<String, HeaderLayout> layouts = new LinkedHashMap<>();
    private boolean quorumMailboxes;
    private long maxBodyBytes = Spore.DEFAULT_MAX_KNOWLEDGE_BYTES;
    private int publisherChannels = DEFAULT_PUBLISHER_CHANNELS;
    private String connectionName = "reef";
    private Duration recoveryInterval = Duration.ofSeconds(2);
    private Duration expiryGrace = Duration.ZERO;
    private boolean directReplies = true;

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
      if (prefetch < 1 || prefetch > 65535) {
        throw new IllegalArgumentException("prefetch must be 1..65535, was " + prefetch);
      }
      this.prefetch = prefetch;
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
      if (window < 1 || window > 1_000_000) {
        throw new IllegalArgumentException("confirmWindow must be 1..1000000, was " + window);
      }
      this.confirmWindow = window;
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
      if (timeout == null || timeout.toMillis() < 100) {
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
     * The dead-letter exchange (topic, durable), also the mailboxes' {@code
     * x-dead-letter-exchange}. Default {@value AmqpBackend#DEFAULT_DEAD_LETTER_EXCHANGE}. Changing
     * it for existing mailboxes needs them deleted first (the broker refuses other arguments).
     *
     * @param exchange a non-blank name of at most 255 bytes
     * @return this builder
     */
    public Builder deadLetterExchange(String exchange) {
      this.deadLetterExchange = amqpName("deadLetterExchange", exchange);
      return this;
    }

    /**
     * The dead-letter queue (durable, bound to the dead-letter exchange with {@code #}). Default
     * {@value AmqpBackend#DEFAULT_DEAD_LETTER_QUEUE}.
     *
     * @param queue a non-blank name of at most 255 bytes
     * @return this builder
     */
    public Builder deadLetterQueue(String queue) {
      this.deadLetterQueue = amqpName("deadLetterQueue", queue);
      return this;
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
      exchanges.put(ReefNames.requireChannel(channel), amqpName("exchange", exchange));
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
     * Declares new mailboxes as quorum queues (replicated across a cluster) instead of classic
     * queues. Trade-off: RabbitMQ before 4.0 has no priorities on quorum queues, so {@code
     * x-max-priority} is not set and a backlog is served in arrival order. Default false.
     *
     * @param quorum true for quorum mailboxes
     * @return this builder
     */
    public Builder quorumMailboxes(boolean quorum) {
      this.quorumMailboxes = quorum;
      return this;
    }

    /**
     * The largest message body a consumer accepts; larger ones are dead-lettered as {@code
     * malformed}. Default 10 MiB.
     *
     * @param bytes at least 2
     * @return this builder
     */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 2) {
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
      if (channels < 1 || channels > 64) {
        throw new IllegalArgumentException("publisherChannels must be 1..64, was " + channels);
      }
      this.publisherChannels = channels;
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
      if (interval == null || interval.toMillis() < 10) {
        throw new IllegalArgumentException("recoveryInterval must be >= 10 ms, was " + interval);
      }
      this.recoveryInterval = interval;
      return this;
    }

    /**
     * Extends the broker's TTL ({@code expiration} property) beyond the spore's remaining lifetime.
     * With the default 0, the broker discards a spore that expires in a mailbox exactly at its
     * {@code expires_at} and dead-letters it itself (to the dead-letter exchange, with the broker's
     * {@code x-death} header, reason {@code expired}); no process counts it. With a grace period, a
     * consumer that is online in that window finds the spore expired, counts it ({@link
     * SporeEvent#EXPIRED}) and dead-letters it with {@code x-reef-dead-reason: expired}; the broker
     * TTL stays a backstop for mailboxes nobody reads. Consumers never hand an expired spore to a
     * handler either way.
     *
     * @param grace zero or positive, at most one day
     * @return this builder
     */
    public Builder expiryGrace(Duration grace) {
      if (grace == null || grace.isNegative() || grace.compareTo(Duration.ofDays(1)) > 0) {
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
     * Builds the backend; it connects when started.
     *
     * @return a new, unstarted backend
     */
    public AmqpBackend build() {
      return new AmqpBackend(this);
    }

    private static String amqpName(String what, String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
        throw new IllegalArgumentException(what + " must be at most 255 UTF-8 bytes");
      }
      return name;
    }
  }
}
