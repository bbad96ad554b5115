package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What an {@link AmqpMailbox} needs from its backend, and nothing more: the codec and the options
 * it reads, the listener, a scheduler, confirmed publishing for retries and dead letters, the
 * mailbox declaration (to consume again after the broker cancelled it), and the registry's
 * bookkeeping. Implementations are thread-safe.
 */
interface MailboxContext {
  /** The codec. */
  AmqpSporeMapper mapper();

  /** The largest body a consumer accepts. */
  long maxBodyBytes();

  /** How far the broker TTL of a republished spore extends beyond its expiry. */
  long expiryGraceMillis();

  /** How failed deliveries are retried. */
  RetryPolicy retryPolicy();

  /**
   * The exchange the channel's dead letters are published to, declared if needed.
   *
   * @throws dev.reef.ReefException if the broker refuses the declaration
   */
  String deadLetterExchange(String channel);

  /** Reports an event to the listener. */
  void event(SporeEvent event, String channel, String agent, Spore spore, Throwable error);

  /** The broker cancelled a consumer because its mailbox queue was deleted: logs and counts it. */
  void mailboxDeleted(String channel, String agent, String queue);

  /** Remembers the direct reply address of a delivered request. */
  void rememberReplyAddress(String channel, Spore spore, String replyTo);

  /** Runs a task after a delay (not at all once the backend closes). */
  void schedule(Runnable task, Duration delay);

  /** Publishes raw bytes with a confirm, mandatory; completes with whether the broker routed it. */
  CompletableFuture<Boolean> publishRaw(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body);

  /** Declares the mailbox queue and its bindings again. */
  void declareMailbox(String channel, String agent);

  /** Deliveries received and not yet settled changed by {@code delta}. */
  void inflightChanged(int delta);

  /** The pool the mailboxes' deliveries run on. */
  Executor deliveryPool();

  /**
   * A shared consumer channel with room for one more mailbox, counted as used by it until {@link
   * #releaseChannel}.
   *
   * @throws IOException if no channel can be opened
   */
  Channel acquireChannel() throws IOException;

  /** The mailbox no longer uses its channel (other mailboxes may still: never close it). */
  void releaseChannel(Channel channel);

  /** The mailbox closed: it is no longer consumed. */
  void unregister(AmqpMailbox mailbox);
}
