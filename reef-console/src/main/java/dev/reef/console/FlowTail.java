package dev.reef.console;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The flow tail of one channel: a ring buffer of the most recent spores seen (bounded: {@code
 * capacity} rows), and per-sender counts since the last {@link #drain(int)}, from which the page
 * draws its rate sparklines. Every spore seen is counted, also the ones a batch leaves out.
 *
 * <p>Thread-safe: the tap adds from its consumer thread, the broadcaster drains every tick.
 */
final class FlowTail {
  /** Senders counted apart per interval; the others are summed under {@value #OTHERS}. */
  static final int MAX_RATE_AGENTS = 1_000;

  /** The name the counts of the senders beyond {@link #MAX_RATE_AGENTS} are summed under. */
  static final String OTHERS = "(others)";

  private final FlowRow[] ring;
  private long nextSeq = 1;
  private long drainedUpTo;
  private long seen;
  private Map<String, Integer> counts = new HashMap<>();

  FlowTail(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.ring = new FlowRow[capacity];
  }

  /** Adds a row (its sequence number is set here) and counts it for its sender. */
  synchronized void add(FlowRow row) {
    long seq = nextSeq++;
    ring[(int) (seq % ring.length)] = row.withSeq(seq);
    seen++;
    String key =
        counts.size() < MAX_RATE_AGENTS || counts.containsKey(row.from()) ? row.from() : OTHERS;
    counts.merge(key, 1, Integer::sum);
  }

  /**
   * What arrived since the last drain: the newest {@code maxRows} rows of it (oldest first), how
   * many rows were left out, and the per-sender counts (then reset).
   */
  synchronized Batch drain(int maxRows) {
    long last = nextSeq - 1;
    long available = last - drainedUpTo;
    long inRing = Math.min(available, ring.length);
    long take = Math.min(inRing, maxRows);
    List<FlowRow> rows = new ArrayList<>((int) take);
    for (long s = last - take + 1; s <= last; s++) {
      rows.add(ring[(int) (s % ring.length)]);
    }
    drainedUpTo = last;
    Map<String, Integer> rates = counts;
    counts = new HashMap<>();
    return new Batch(List.copyOf(rows), available - take, Map.copyOf(rates), seen);
  }

  /** The newest rows, at most {@code max}, oldest first. */
  synchronized List<FlowRow> recent(int max) {
    long last = nextSeq - 1;
    long take = Math.min(Math.min(last, ring.length), max);
    List<FlowRow> rows = new ArrayList<>((int) take);
    for (long s = last - take + 1; s <= last; s++) {
      rows.add(ring[(int) (s % ring.length)]);
    }
    return rows;
  }

  /**
   * One tick's worth of flow.
   *
   * @param rows the newest rows since the last drain, oldest first
   * @param skipped rows that arrived since the last drain but are not in {@code rows}
   * @param rates spores seen per sender since the last drain
   * @param seen spores seen since the tail was created
   */
  record Batch(List<FlowRow> rows, long skipped, Map<String, Integer> rates, long seen) {}
}
