package dev.reef;

import java.util.List;

/**
 * The dead letters of one channel, through any backend: see them, count them, send them back where
 * they first went, or drop them. From {@link Reef#deadLetters(String)}.
 *
 * <p>Where they live: in memory, the hub's bounded dead-letter list; on AMQP, the channel's
 * dead-letter queue ({@code reef-dlq.<channel>} by default, or the shared one). On AMQP, {@link
 * #list(int)} reads messages with {@code basic.get} without acknowledging them and returns them to
 * the queue when done (so they stay, and their order is kept as far as the broker keeps it; they
 * count as redelivered). Replaying removes a dead letter only once the broker confirmed the copy
 * sent back.
 *
 * <p>Replay sends the spore, unchanged (same id, same expiry, attempts counted from 1 again), back
 * where it first went: a directed spore through its original exchange and routing key ({@code
 * agent.<to>.<type>}) to its recipient's mailbox, also when it had been retried; an undirected
 * spore that reached a mailbox only into that mailbox (its original route would hand it again to
 * every agent that already handled it); one that reached no mailbox through its original route. An
 * expired spore replayed is dead-lettered again as {@code expired}.
 *
 * <p>Thread-safe.
 */
public interface DeadLetters {

  /** The most dead letters {@link #list(int)} returns at once: {@value}. */
  int MAX_LIST = 10_000;

  /**
   * The channel.
   *
   * @return its name
   */
  String channel();

  /**
   * The oldest dead letters of the channel, without removing them.
   *
   * @param max how many at most, 1..{@value #MAX_LIST}
   * @return oldest first, at most {@code max}
   * @throws IllegalArgumentException if {@code max} is out of range
   */
  List<DeadLetterRecord> list(int max);

  /**
   * How many dead letters the channel has.
   *
   * @return 0 or more
   */
  long count();

  /**
   * Replays the dead letter of one spore (the oldest, if it was dead-lettered more than once) and
   * removes it.
   *
   * @param id a {@link DeadLetterRecord#id()}
   * @return true if one was found and sent back
   * @throws ReefException if sending it back failed (it then stays a dead letter)
   */
  boolean replay(String id);

  /**
   * Replays every dead letter the channel has now (not the ones dead-lettered again meanwhile).
   *
   * @return how many were sent back
   * @throws ReefException if sending one back failed (it and the ones not yet replayed stay)
   */
  int replayAll();

  /**
   * Removes every dead letter of the channel.
   *
   * @return how many were removed
   */
  long purge();
}
