package dev.reef.console;

/**
 * One spore seen by the flow tap, reduced to what the page shows. Immutable.
 *
 * @param seq the tail's sequence number, increasing
 * @param seenAt when the tap received it, epoch milliseconds
 * @param id the spore id
 * @param type the spore type's wire name, or {@code malformed}
 * @param from the sender
 * @param to the recipient, or {@code *} for a broadcast
 * @param priority 1 to 10, 0 if unknown
 * @param size the body size in bytes
 * @param createdAt when the sender created it, epoch milliseconds, 0 if unknown
 * @param excerpt the knowledge as compact JSON, truncated to {@link #EXCERPT_CHARS}
 */
record FlowRow(
    long seq,
    long seenAt,
    String id,
    String type,
    String from,
    String to,
    int priority,
    int size,
    long createdAt,
    String excerpt) {
  /** The longest excerpt of a knowledge kept for the page. */
  static final int EXCERPT_CHARS = 160;

  /** The same row with its sequence number. */
  FlowRow withSeq(long s) {
    return new FlowRow(s, seenAt, id, type, from, to, priority, size, createdAt, excerpt);
  }
}
