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
 * What the backend declares on the broker: the dead-letter exchange and queue, a channel's topic
 * exchange, an agent's mailbox queue and its bindings, and which of them this backend has declared
 * (so that a publish or an attach does not declare again). Declarations run on pooled channels,
 * never under a lock. Thread-safe.
 */
final class Topology {
  /** The routing key binding the dead-letter queue to everything: {@value}. */
  static final String ALL = "#";

  private static final Logger log = LoggerFactory.getLogger(Topology.class);

  private final AmqpSettings settings;
  private final ChannelPool channels;
  private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> declaredMailboxes = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<String>> knownAgents = new ConcurrentHashMap<>();

  Topology(AmqpSettings settings, ChannelPool channels) {
    this.settings = settings;
    this.channels = channels;
  }

  /**
   * Declares the dead-letter exchange (topic, durable) and queue (durable, bound with {@code #}).
   */
  void declareDeadLetters() throws IOException {
    String exchange = settings.deadLetterExchange();
    String queue = settings.deadLetterQueue();
    channels.call(
        t -> {
          t.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
          t.queueDeclare(queue, true, false, false, null);
          t.queueBind(queue, exchange, ALL);
          return null;
        });
  }

  /**
   * The channel's exchange, declared (topic, durable) unless this backend already did.
   *
   * @throws ReefException if the broker refuses
   */
  String ensureExchange(String channel) {
    String exchange = settings.exchangeFor(channel);
    if (declaredExchanges.contains(exchange)) {
      return exchange;
    }
    try {
      channels.call(t -> t.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true));
    } catch (IOException | RuntimeException e) {
      throw new ReefException(
          "cannot declare the topic exchange '" + exchange + "' of channel '" + channel + "': " + e,
          e);
    }
    declaredExchanges.add(exchange);
    return exchange;
  }

  /** Forgets the declared exchanges (after a channel error: one may have been deleted). */
  void forgetExchanges() {
    declaredExchanges.clear();
  }

  /**
   * Declares the agent's mailbox queue (durable, {@code x-max-priority} or quorum, dead-letter
   * exchange) and binds it with {@code agent.<agent>.*} and {@code broadcast.*}. Idempotent.
   *
   * @throws ReefException if the broker refuses
   */
  void declareMailbox(String channel, String agent) {
    String queue = settings.mailboxQueueFor(channel, agent);
    String exchange = ensureExchange(channel);
    Map<String, Object> args = new HashMap<>();
    args.put("x-dead-letter-exchange", settings.deadLetterExchange());
    if (settings.quorumMailboxes()) {
      args.put("x-queue-type", "quorum");
    } else {
      args.put("x-max-priority", AmqpBackend.MAX_PRIORITY);
    }
    try {
      channels.call(
          t -> {
            t.queueDeclare(queue, true, false, false, args);
            t.queueBind(queue, exchange, "agent." + agent + ".*");
            t.queueBind(queue, exchange, "broadcast.*");
            return null;
          });
    } catch (IOException | RuntimeException e) {
      throw new ReefException("cannot declare the mailbox queue '" + queue + "': " + e, e);
    }
    declaredMailboxes.add(queue);
    knownAgents.computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet()).add(agent);
  }

  /**
   * Deletes a mailbox queue if it has no consumer and no message (a subscribe that declared it
   * failed), and forgets it. Best effort: a failure is logged at debug.
   */
  void deleteIfUnusedAndEmpty(String queue) {
    declaredMailboxes.remove(queue);
    try {
      channels.call(t -> t.queueDelete(queue, true, true));
    } catch (IOException | RuntimeException e) {
      log.debug(
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
