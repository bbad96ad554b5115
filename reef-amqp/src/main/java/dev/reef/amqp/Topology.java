package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the backend declares on the broker: the dead-letter exchanges and queues (a channel's own,
 * declared with its exchange, or the shared ones, at start), a channel's topic exchange, an agent's
 * mailbox queue and its bindings, and which of them this backend has declared (so that a publish or
 * an attach does not declare again). Declarations run on pooled channels, never under a lock.
 * Thread-safe.
 */
final class Topology {
  private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

  /** The routing key binding the dead-letter queue to everything: {@value}. */
  static final String ALL = "#";

  private final AmqpSettings settings;
  private final ChannelPool channels;
  private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> declaredDeadLetters = ConcurrentHashMap.newKeySet();
  private final Set<String> declaredMailboxes = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<String>> knownAgents = new ConcurrentHashMap<>();

  Topology(AmqpSettings settings, ChannelPool channels) {
    this.settings = settings;
    this.channels = channels;
  }

  /**
   * Declares the shared dead-letter exchange (topic, durable) and queue (durable, bound with {@code
   * #}; a quorum queue if so configured, so that it survives the loss of a cluster node), when dead
   * letters are shared; per-channel ones are declared with their channel's exchange.
   */
  void declareDeadLetters() throws IOException {
    if (settings.sharedDeadLetters()) {
      declareDeadLetters(settings.deadLetterExchange(), settings.deadLetterQueue());
    }
  }

  private void declareDeadLetters(String exchange, String queue) throws IOException {
    Map<String, Object> args =
        settings.deadLetterQueueType() == MailboxType.QUORUM
            ? Map.of("x-queue-type", "quorum")
            : null;
    channels.call(
        t -> {
          t.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
          t.queueDeclare(queue, true, false, false, args);
          t.queueBind(queue, exchange, ALL);
          return null;
        });
  }

  /**
   * The channel's dead-letter exchange, declared with its queue unless this backend already did (or
   * they are the shared ones, declared at start).
   *
   * @throws ReefException if the broker refuses
   */
  String ensureDeadLetters(String channel) {
    String exchange = settings.deadLetterExchangeFor(channel);
    if (settings.sharedDeadLetters() || declaredDeadLetters.contains(exchange)) {
      return exchange;
    }
    String queue = settings.deadLetterQueueFor(channel);
    try {
      declareDeadLetters(exchange, queue);
    } catch (IOException | RuntimeException e) {
      throw new ReefException(
          "cannot declare the dead-letter exchange '"
              + exchange
              + "' and queue '"
              + queue
              + "' of channel '"
              + channel
              + "': "
              + e,
          e);
    }
    declaredDeadLetters.add(exchange);
    return exchange;
  }

  /**
   * The channel's exchange, declared (topic, durable) unless this backend already did.
   *
   * @throws ReefException if the broker refuses ({@link dev.reef.UnauthorizedException} with the
   *     broker's reply text when it refused access)
   */
  String ensureExchange(String channel) {
    String exchange = settings.exchangeFor(channel);
    if (declaredExchanges.contains(exchange)) {
      return exchange;
    }
    ensureDeadLetters(channel);
    try {
      channels.call(t -> t.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true));
    } catch (IOException | RuntimeException e) {
      throw BrokerErrors.map(
          "cannot declare the topic exchange '" + exchange + "' of channel '" + channel + "'", e);
    }
    declaredExchanges.add(exchange);
    return exchange;
  }

  /** Forgets the declared exchanges (after a channel error: one may have been deleted). */
  void forgetExchanges() {
    declaredExchanges.clear();
    declaredDeadLetters.clear();
  }

  /**
   * Declares the agent's mailbox queue (durable, dead-letter exchange; of the channel's {@link
   * MailboxType}: classic with {@code x-max-priority}, or quorum with {@code x-delivery-limit}) and
   * binds it with {@code agent.<agent>.*} and {@code broadcast.*}. Idempotent.
   *
   * @throws ReefException if the broker refuses
   */
  void declareMailbox(String channel, String agent) {
    String queue = settings.mailboxQueueFor(channel, agent);
    String exchange = ensureExchange(channel);
    Map<String, Object> args = new HashMap<>();
    args.put("x-dead-letter-exchange", settings.deadLetterExchangeFor(channel));
    if (settings.mailboxTypeFor(channel) == MailboxType.QUORUM) {
      args.put("x-queue-type", "quorum");
      if (settings.quorumDeliveryLimit() > 0) {
        args.put("x-delivery-limit", settings.quorumDeliveryLimit());
      }
    } else {
      args.put("x-max-priority", AmqpBackend.MAX_PRIORITY);
    }
    try {
      // One round trip instead of three: the declaration and the first binding are sent without
      // waiting for their replies, the second binding waits. The broker handles one channel's
      // methods in order, so when that reply comes the queue and both bindings exist. A refused
      // declaration or binding closes the channel, and the waiting call then fails with the
      // broker's reason (403, 406 inequivalent arguments, ...); the channel is a pooled one that
      // no other call uses meanwhile, so the reason is this mailbox's, and the pool drops it. A
      // refused mailbox is taken out of the connection's topology recovery again.
      channels.call(
          t -> {
            t.queueDeclareNoWait(queue, true, false, false, args);
            t.queueBindNoWait(queue, exchange, "agent." + agent + ".*", null);
            t.queueBind(queue, exchange, "broadcast.*");
            return null;
          });
    } catch (IOException | RuntimeException e) {
      if (BrokerErrors.closeReason(e) instanceof AMQP.Channel.Close) {
        // refused: amqp-client recorded the no-wait calls before the broker answered
        channels.excludeFromRecovery(queue);
      }
      throw BrokerErrors.map("cannot declare the mailbox queue '" + queue + "'", e);
    }
    declaredMailboxes.add(queue);
    knownAgents.computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet()).add(agent);
  }

  /**
   * Deletes the agent's mailbox queue if it has no consumer and no message; a queue the broker
   * keeps (in use, not empty, or a quorum queue) stays, and that is no error.
   */
  void removeMailboxIfIdle(String channel, String agent) {
    if (settings.mailboxTypeFor(channel) == MailboxType.QUORUM) {
      // RabbitMQ refuses queue.delete with if-unused/if-empty on quorum queues with a
      // connection-level 540 NOT_IMPLEMENTED: that would close the whole connection.
      return;
    }
    String queue = settings.mailboxQueueFor(channel, agent);
    try {
      channels.call(t -> t.queueDelete(queue, true, true));
    } catch (IOException | RuntimeException e) {
      LOG.debug("mailbox queue '{}' kept: {}", queue, e.toString());
      return;
    }
    declaredMailboxes.remove(queue);
    Set<String> agents = knownAgents.get(channel);
    if (agents != null) {
      agents.remove(agent);
    }
  }

  /**
   * Deletes a mailbox queue if it has no consumer and no message (a subscribe that declared it
   * failed), and forgets it. Best effort: a failure is logged at debug.
   */
  void deleteIfUnusedAndEmpty(String channel, String queue) {
    declaredMailboxes.remove(queue);
    if (settings.mailboxTypeFor(channel) == MailboxType.QUORUM) {
      return; // no conditional delete on quorum queues (see removeMailboxIfIdle)
    }
    try {
      channels.call(t -> t.queueDelete(queue, true, true));
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "could not delete the mailbox queue {} left by a failed subscribe: {}",
          queue,
          e.toString());
    }
  }

  /**
   * Whether the queue exists: a passive declaration on a pooled channel (a 404 closes that one,
   * never a consumer's). True as well when the check itself fails otherwise (the consume that
   * follows reports it).
   */
  boolean exists(String queue) {
    try {
      channels.call(t -> t.queueDeclarePassive(queue));
      return true;
    } catch (IOException e) {
      return !isNotFound(e);
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** Whether this backend declared the mailbox queue (and has not since found it deleted). */
  boolean isDeclared(String queue) {
    return declaredMailboxes.contains(queue);
  }

  /** Forgets that the mailbox queue was declared (it was found deleted). */
  void forgetMailbox(String queue) {
    declaredMailboxes.remove(queue);
  }

  /** The agents whose mailboxes this backend declared on the channel. */
  Set<String> knownAgents(String channel) {
    ReefNames.requireChannel(channel);
    Set<String> s = knownAgents.get(channel);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  /** Whether a channel call failed because the queue does not exist (404, NOT_FOUND). */
  static boolean isNotFound(IOException e) {
    if (!(e.getCause() instanceof ShutdownSignalException)) {
      return false;
    }
    Object reason = ((ShutdownSignalException) e.getCause()).getReason();
    return reason instanceof AMQP.Channel.Close
        && ((AMQP.Channel.Close) reason).getReplyCode() == AMQP.NOT_FOUND;
  }
}
