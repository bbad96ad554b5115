package dev.reef;

import dev.reef.spi.BackendListener;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The reef's counters: one counter per (channel, agent, event), fed by the backend's events and the
 * facade's own (sends, denials, duplicates). Thread-safe; counting allocates only the first time a
 * (channel, agent) pair is seen.
 *
 * <p>Each (channel, agent) has one {@link AtomicLongArray} whose counters stand a cache line apart,
 * so the sender's thread (counting {@code SENT} for its agent) and the consumer's thread (counting
 * {@code DELIVERED} and {@code HANDLED} for another) never write to the same cache line. Separate
 * {@code LongAdder}s, allocated side by side, did: that false sharing cost about a quarter of the
 * in-memory send path.
 */
final class StatsRecorder implements BackendListener {
  private static final SporeEvent[] EVENTS = SporeEvent.values();
  private static final String UNKNOWN = "?";

  /** Longs per counter: 16 × 8 bytes = two 64-byte cache lines, so neighbours never share one. */
  private static final int STRIDE = 16;

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicLongArray>> counts =
      new ConcurrentHashMap<>();

  /** Where every counted event is reported too, or null when nobody observes or listens. */
  private final Instrumentation instrumentation;

  StatsRecorder() {
    this(null);
  }

  /**
   * A recorder that also reports every counted event.
   *
   * @param instrumentation the observers and listeners, or null for none
   */
  StatsRecorder(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  @Override
  public void onEvent(
      SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    increment(event, channel, agent);
    if (instrumentation != null) {
      instrumentation.event(event, channel, agent, spore, error);
    }
  }

  void count(SporeEvent event, String channel, String agent) {
    count(event, channel, agent, null);
  }

  /** Counts an event about a spore (null if there is none at hand). */
  void count(SporeEvent event, String channel, String agent, Spore spore) {
    increment(event, channel, agent);
    if (instrumentation != null) {
      instrumentation.event(event, channel, agent, spore, null);
    }
  }

  private void increment(SporeEvent event, String channel, String agent) {
    counters(channel == null ? UNKNOWN : channel, agent == null ? UNKNOWN : agent)
        .getAndIncrement(slot(event));
  }

  private static int slot(SporeEvent event) {
    return (event.ordinal() + 1) * STRIDE;
  }

  AtomicLongArray counters(String channel, String agent) {
    ConcurrentHashMap<String, AtomicLongArray> agents = counts.get(channel);
    if (agents == null) {
      agents = counts.computeIfAbsent(channel, c -> new ConcurrentHashMap<>());
    }
    AtomicLongArray a = agents.get(agent);
    if (a == null) {
      a = agents.computeIfAbsent(agent, x -> new AtomicLongArray((EVENTS.length + 2) * STRIDE));
    }
    return a;
  }

  ReefStats snapshot(int pendingAsks) {
    Map<String, Map<String, Map<SporeEvent, Long>>> out = new HashMap<>();
    counts.forEach(
        (channel, agents) -> {
          Map<String, Map<SporeEvent, Long>> perAgent = new HashMap<>();
          agents.forEach(
              (agent, counters) -> {
                Map<SporeEvent, Long> events = new EnumMap<>(SporeEvent.class);
                for (SporeEvent e : EVENTS) {
                  long v = counters.get(slot(e));
                  if (v != 0) {
                    events.put(e, v);
                  }
                }
                perAgent.put(agent, events);
              });
          out.put(channel, perAgent);
        });
    return new ReefStats(out, pendingAsks);
  }
}
