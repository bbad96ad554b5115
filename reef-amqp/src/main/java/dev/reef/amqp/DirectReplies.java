package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.PublishException;
import dev.reef.ReefClosedException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.spi.support.DaemonThreads;
import dev.reef.spi.support.Failures;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's direct reply-to, both ways. As asker: the ask channel, which consumes {@code
 * amq.rabbitmq.reply-to} and publishes the asks' requests (RabbitMQ requires both on one channel);
 * it is opened on first use and replaced after a loss, which is reported to the listener since the
 * replies it would receive cannot arrive anywhere else. As responder: the reply addresses of the
 * requests this backend delivered, and the channel the responses go back on. No lock is held while
 * a channel is opened: one caller opens, concurrent callers wait for its result. Thread-safe.
 */
final class DirectReplies {
  private static final Logger log = LoggerFactory.getLogger(DirectReplies.class);

  /** Appended to the connection name for the ask channel's own connection: {@value}. */
  static final String REPLIES_SUFFIX = "-replies";

  /** Direct reply routes a responding backend keeps (requests delivered, not yet answered). */
  static final int DIRECT_REPLY_ROUTES = 10_000;

  private final AmqpSettings settings;
  private final AmqpSporeMapper mapper;
  private final AmqpConnection connection;
  private final PublisherPool pool;
  private final BackendEvents events;
  private final DirectReplyRoutes routes = new DirectReplyRoutes(DIRECT_REPLY_ROUTES);

  /** The ask channel's publisher, being opened or open; null before the first ask or after loss. */
  private final AtomicReference<CompletableFuture<ConfirmingPublisher>> ask =
      new AtomicReference<>();

  /** Ask channels lost to a connection failure, closed when the next one is open. */
  private final ConcurrentLinkedQueue<Channel> staleAskChannels = new ConcurrentLinkedQueue<>();

  /**
   * The connection of the ask channel, with a consumer dispatch thread of its own, so that direct
   * replies never wait for a dispatch thread that a handler blocked on an ask holds; the backend's
   * connection if it could not be opened.
   */
  private volatile AmqpConnection askConnection;

  private final ExecutorService replyDispatch =
      Executors.newSingleThreadExecutor(DaemonThreads.named("reef-amqp-replies"));

  /** The channel direct replies are sent on (no confirms). */
  private final AtomicReference<Channel> replyChannel = new AtomicReference<>();

  DirectReplies(
      AmqpSettings settings,
      AmqpSporeMapper mapper,
      AmqpConnection connection,
      PublisherPool pool,
      BackendEvents events) {
    this.settings = settings;
    this.mapper = mapper;
    this.connection = connection;
    this.pool = pool;
    this.events = events;
    pool.track(this::currentAskPublisher);
  }

  /**
   * Opens the ask channel and its reply consumer now, when the backend starts, rather than in the
   * first ask: that ask then pays no channel open, no consume and no loading of their classes
   * (which made it return 20 ms and more after its deadline on a fresh reef). Does nothing when
   * direct replies are off; a failure is left to the first ask, which opens the channel itself.
   */
  void openAskChannel() {
    if (!settings.directReplies()) {
      return;
    }
    try {
      askConnection = AmqpConnection.openSingle(settings, replyDispatch, REPLIES_SUFFIX, events);
    } catch (IOException | TimeoutException | GeneralSecurityException | RuntimeException e) {
      log.warn(
          "no connection of its own for direct replies ({}); they share the backend's",
          Failures.describe(e));
    }
    try {
      askPublisher();
    } catch (IOException | RuntimeException e) {
      log.debug("the ask channel will be opened by the first ask: {}", e.toString());
    }
  }

  /** Whether the ask channel and its reply consumer are open. */
  boolean askChannelOpen() {
    ConfirmingPublisher p = currentAskPublisher();
    return p != null && !p.isDead();
  }

  /** Publishes the request of an ask on the channel that consumes its direct reply. */
  CompletableFuture<Boolean> publishAsk(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    AMQP.BasicProperties withReplyTo =
        props.builder().replyTo(DirectReplyRoutes.PSEUDO_QUEUE).build();
    return pool.publish(this::askPublisher, exchange, routingKey, withReplyTo, body);
  }

  /** The open ask publisher, or null. */
  private ConfirmingPublisher currentAskPublisher() {
    CompletableFuture<ConfirmingPublisher> f = ask.get();
    return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
  }

  /**
   * The ask channel's publisher, opened by the first caller that finds none (or a dead one); the
   * others wait for it, and open one themselves if that fails.
   */
  private ConfirmingPublisher askPublisher() throws IOException {
    for (; ; ) {
      CompletableFuture<ConfirmingPublisher> current = ask.get();
      if (current != null) {
        ConfirmingPublisher p;
        try {
          p = current.join();
        } catch (CompletionException e) {
          continue; // its opener failed and cleared it: try once ourselves
        }
        if (!p.isDead()) {
          return p;
        }
        ask.compareAndSet(current, null);
        continue;
      }
      CompletableFuture<ConfirmingPublisher> mine = new CompletableFuture<>();
      if (!ask.compareAndSet(null, mine)) {
        continue;
      }
      try {
        ConfirmingPublisher p = openAskPublisher(mine);
        mine.complete(p);
        closeStaleAskChannels();
        return p;
      } catch (IOException | RuntimeException e) {
        ask.compareAndSet(mine, null);
        mine.completeExceptionally(e);
        throw e;
      }
    }
  }

  private ConfirmingPublisher openAskPublisher(CompletableFuture<ConfirmingPublisher> slot)
      throws IOException {
    AmqpConnection own = askConnection;
    Channel ch = (own != null ? own : connection).openChannel();
    ch.basicConsume(
        DirectReplyRoutes.PSEUDO_QUEUE,
        true,
        new DirectReplyConsumer(ch, mapper, settings.maxBodyBytes(), events));
    // The futures of ask requests are the reef's own (the asker holds the ask's future): a
    // routed confirm completes them on the I/O thread, saving a thread hand-off per ask.
    ConfirmingPublisher created = pool.newPublisher(ch, true);
    // Not left to automatic recovery: a recovered channel may publish before its reply consumer
    // is back, which the broker punishes with a channel error. A lost ask channel is dropped and
    // the next ask opens a new one (consuming first, then publishing).
    ch.addShutdownListener(
        cause -> {
          if (!cause.isInitiatedByApplication()) {
            dropAskChannel(slot, ch);
            events.directRepliesLost(
                "the channel receiving direct replies closed: " + cause.getMessage());
          }
        });
    return created;
  }

  /**
   * Forgets a lost ask channel. It is closed by the next {@link #askPublisher()}, on the asking
   * thread once a new channel is open: closing it here, on the connection's thread or while the
   * connection recovers, can wait on the recovery.
   */
  private void dropAskChannel(CompletableFuture<ConfirmingPublisher> lost, Channel ch) {
    if (ask.compareAndSet(lost, null)) {
      staleAskChannels.add(ch);
    }
  }

  private void closeStaleAskChannels() {
    for (Channel stale; (stale = staleAskChannels.poll()) != null; ) {
      try {
        stale.abort();
      } catch (IOException | RuntimeException e) {
        log.debug("closing a lost ask channel failed: {}", e.toString());
      }
    }
  }

  /** Closes the ask channel's own connection, if any (the backend is closing). */
  void close() {
    AmqpConnection own = askConnection;
    if (own != null) {
      own.close();
    }
    replyDispatch.shutdown();
  }

  /**
   * Remembers the direct reply address of a request this backend delivers, for the response.
   *
   * @param replyTo the delivery's AMQP {@code reply_to} property, or null
   */
  void rememberReplyAddress(String channel, Spore spore, String replyTo) {
    if (replyTo != null && spore.type() == SporeType.REQUEST && spore.isDirected()) {
      routes.remember(spore.id(), channel, spore.fromAgent(), spore.toAgent(), replyTo);
    }
  }

  /**
   * The route of a response to a request this backend delivered with a direct reply address, taken
   * (it is used once); null if the response goes the mailbox way.
   */
  DirectReplyRoutes.Route takeRoute(String channel, Spore spore) {
    if (spore.type() == SporeType.RESPONSE && spore.replyTo() != null && spore.isDirected()) {
      return routes.take(spore.replyTo(), channel, spore.toAgent(), spore.fromAgent());
    }
    return null;
  }

  /**
   * Sends a response straight to the connection that asked, through the default exchange and the
   * request's direct reply address, on a channel of its own: not persistent, not mandatory
   * (RabbitMQ returns direct replies to mandatory publishes even when it delivers them) and not
   * confirmed (no queue holds a direct reply, so a confirm would say nothing more than the write
   * did). The future completes once the message is written to the connection. If the asker's
   * connection is gone the broker drops it; that asker's ask has already failed.
   */
  CompletableFuture<Spore> reply(
      String channel, Spore spore, DirectReplyRoutes.Route route, Instant now) {
    AmqpSporeMapper.Outgoing out =
        mapper.encode(
            channel, spore, settings.layoutFor(channel), false, now, settings.expiryGraceMillis());
    Map<String, Object> headers = new HashMap<>(out.properties().getHeaders());
    headers.put(DirectReplyConsumer.H_CHANNEL, channel);
    AMQP.BasicProperties props = out.properties().builder().headers(headers).build();
    try {
      // A publish without confirms needs no lock: amqp-client writes each message's frames whole.
      replyChannel().basicPublish("", route.address(), false, props, out.body());
    } catch (ReefClosedException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(
          new PublishException("sending the direct reply failed: " + Failures.describe(e), e));
    }
    return CompletableFuture.completedFuture(spore);
  }

  private Channel replyChannel() throws IOException {
    Channel ch = replyChannel.get();
    if (ch != null && ch.isOpen()) {
      return ch;
    }
    Channel fresh = connection.openChannel();
    if (replyChannel.compareAndSet(ch, fresh)) {
      return fresh;
    }
    // Another thread replaced it first: use that one.
    try {
      fresh.abort();
    } catch (IOException | RuntimeException e) {
      log.debug("closing a spare reply channel failed: {}", e.toString());
    }
    return replyChannel();
  }
}
