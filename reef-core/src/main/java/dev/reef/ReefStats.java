package dev.reef;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A snapshot of a reef's counters, per channel and per (channel, agent), by {@link SporeEvent}.
 * Immutable. Obtain it from {@link Reef#stats()}.
 */
public final class ReefStats {
  private final Map<String, Map<String, Map<SporeEvent, Long>>> counts;
  private final int pendingAsks;

  /**
   * Creates a snapshot; the maps are copied. Only the reef builds one ({@link StatsRecorder}).
   *
   * @param counts channel → agent → event → count
   * @param pendingAsks asks waiting for a reply
   */
  ReefStats(Map<String, Map<String, Map<SporeEvent, Long>>> counts, int pendingAsks) {
    Map<String, Map<String, Map<SporeEvent, Long>>> c = new TreeMap<>();
    counts.forEach(
        (channel, agents) -> {
          Map<String, Map<SporeEvent, Long>> a = new TreeMap<>();
          agents.forEach(
              (agent, events) -> {
                Map<SporeEvent, Long> e = new EnumMap<>(SporeEvent.class);
                e.putAll(events);
                a.put(agent, Collections.unmodifiableMap(e));
              });
          c.put(channel, Collections.unmodifiableMap(a));
        });
    this.counts = Collections.unmodifiableMap(c);
    this.pendingAsks = pendingAsks;
  }

  /**
   * The channels with any count.
   *
   * @return channel names, sorted
   */
  public Set<String> channels() {
    return counts.keySet();
  }

  /**
   * The agents with any count on a channel.
   *
   * @param channel the channel
   * @return agent names, sorted; empty if none
   */
  public Set<String> agents(String channel) {
    return counts.getOrDefault(channel, Map.of()).keySet();
  }

  /**
   * The count of an event for one agent on one channel.
   *
   * @param channel the channel
   * @param agent the agent
   * @param event the event
   * @return the count, 0 if none
   */
  public long agent(String channel, String agent, SporeEvent event) {
    return counts
        .getOrDefault(channel, Map.of())
        .getOrDefault(agent, Map.of())
        .getOrDefault(event, 0L);
  }

  /**
   * The count of an event over all agents of a channel.
   *
   * @param channel the channel
   * @param event the event
   * @return the count, 0 if none
   */
  public long channel(String channel, SporeEvent event) {
    long sum = 0;
    for (Map<SporeEvent, Long> e : counts.getOrDefault(channel, Map.of()).values()) {
      sum += e.getOrDefault(event, 0L);
    }
    return sum;
  }

  /**
   * The count of an event over everything.
   *
   * @param event the event
   * @return the count
   */
  public long total(SporeEvent event) {
    long sum = 0;
    for (String channel : counts.keySet()) {
      sum += channel(channel, event);
    }
    return sum;
  }

  /**
   * Asks waiting for a reply when the snapshot was taken.
   *
   * @return 0 or more
   */
  public int pendingAsks() {
    return pendingAsks;
  }

  @Override
  public String toString() {
    return "ReefStats{pendingAsks=" + pendingAsks + ", counts=" + counts + "}";
  }
}
