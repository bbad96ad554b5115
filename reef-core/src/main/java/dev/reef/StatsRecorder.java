package dev.reef;

import dev.reef.spi.BackendListener;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The reef's counters: one {@link LongAdder} per (channel, agent, event), fed by the backend's
 * events and the facade's own (sends, denials, duplicates). Thread-safe; counting allocates only
 * the first time a (channel, agent) pair is seen.
 */
final class StatsRecorder implements BackendListener {
  private static final SporeEvent[] EVENTS = SporeEvent.values();
  private static final String UNKNOWN = "?";

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder[]>> counts =
      new ConcurrentHashMap<>();

  @Override
  public void onEvent(
      SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    count(event, channel, agent);
  }

  void count(SporeEvent event, String channel, String agent) {
    adders(channel == null ? UNKNOWN : channel, agent == null ? UNKNOWN : agent)[event.ordinal()]
        .increment();
  }

  LongAdder[] adders(String channel, String agent) {
    ConcurrentHashMap<String, LongAdder[]> agents = counts.get(channel);
    if (agents == null) {
      agents = counts.computeIfAbsent(channel, c -> new ConcurrentHashMap<>());
    }
    LongAdder[] a = agents.get(agent);
    if (a == null) {
      a = agents.computeIfAbsent(agent, x -> newAdders());
    }
    return a;
  }

  ReefStats snapshot(int pendingAsks) {
    Map<String, Map<String, Map<SporeEvent, Long>>> out = new HashMap<>();
    counts.forEach(
        (channel, agents) -> {
          Map<String, Map<SporeEvent, Long>> perAgent = new HashMap<>();
          agents.forEach(
              (agent, adders) -> {
                Map<SporeEvent, Long> events = new EnumMap<>(SporeEvent.class);
                for (SporeEvent e : EVENTS) {
                  long v = adders[e.ordinal()].sum();
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

  private static LongAdder[] newAdders() {
    LongAdder[] a = new LongAdder[EVENTS.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
