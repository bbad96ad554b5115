package dev.reef.reliability.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The broker names of one test case, unique per run: a channel {@code rel-<case>-<random>}, its
 * exchange {@code reef.<channel>}, mailbox queues {@code reef.<channel>.<agent>} and a private
 * dead-letter exchange and queue. {@link #close()} deletes all of them (through a raw connection),
 * so cases leave nothing behind on the shared broker.
 */
public final class Topology implements AutoCloseable {
  private final String channel;
  private final String suffix;
  private final List<String> agents = new ArrayList<>();

  private Topology(String caseName) {
    this.suffix = UUID.randomUUID().toString().substring(0, 8);
    this.channel = "rel-" + caseName + "-" + suffix;
  }

  /** Names for the case {@code caseName} (letters, digits, {@code -}). */
  public static Topology create(String caseName) {
    return new Topology(caseName);
  }

  /** The unique channel name. */
  public String channel() {
    return channel;
  }

  /** The channel's exchange. */
  public String exchange() {
    return "reef." + channel;
  }

  /**
   * The mailbox queue of {@code agent} on the channel; the queue is deleted on {@link #close()}.
   */
  public synchronized String mailbox(String agent) {
    if (!agents.contains(agent)) {
      agents.add(agent);
    }
    return "reef." + channel + "." + agent;
  }

  /** This case's dead-letter exchange. */
  public String deadLetterExchange() {
    return "reef.dlx." + channel;
  }

  /** This case's dead-letter queue. */
  public String deadLetterQueue() {
    return "reef.dead." + channel;
  }

  /** Backend settings using this case's dead-letter names. */
  public Reefs.Settings settings() {
    return Reefs.Settings.defaults().withDeadLetters(deadLetterExchange(), deadLetterQueue());
  }

  /** Deletes the queues and exchanges of this case. */
  @Override
  public synchronized void close() {
    try (RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      for (String agent : agents) {
        raw.deleteQueues("reef." + channel + "." + agent);
      }
      raw.deleteQueues(deadLetterQueue());
      raw.deleteExchanges(exchange(), deadLetterExchange());
    }
  }
}
