package dev.reef.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value ReefMetrics#MAILBOX_DEPTH} gauges of one reef: one per (channel, agent) tag pair of
 * the mailboxes it consumes, reading {@link dev.reef.Reef#mailboxDepths()}. Mailboxes whose agent
 * or channel is past the tag caps share the {@value ReefMetrics#OTHER} gauge (their depths summed).
 *
 * <p>A gauge is registered when its mailbox's first delivery is handled, or when a snapshot shows
 * the mailbox. A snapshot is taken when a gauge is read and the last one is older than {@link
 * #MAX_AGE_NANOS} (on AMQP it costs one broker round trip per consumed mailbox, so a scrape of many
 * gauges asks once), on the reading thread, without a lock. Thread-safe.
 */
final class MailboxDepthGauges {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxDepthGauges.class);

  /** How old a snapshot may be when a gauge is read: one second. */
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final MeterRegistry meters;
  private final Supplier<Map<String, Map<String, Long>>> source;
  private final UnaryOperator<String> channelTag;
  private final UnaryOperator<String> agentTag;

  /** Registered gauges by {@link #key}. */
  private final ConcurrentHashMap<String, Gauge> gauges = new ConcurrentHashMap<>();

  private final AtomicReference<Snapshot> last = new AtomicReference<>();

  /** Depths summed per {@link #key}, and when they were read. */
  private record Snapshot(long atNanos, Map<String, Long> depths) {}

  MailboxDepthGauges(
      MeterRegistry meters,
      Supplier<Map<String, Map<String, Long>>> source,
      UnaryOperator<String> channelTag,
      UnaryOperator<String> agentTag) {
    this.meters = meters;
    this.source = source;
    this.channelTag = channelTag;
    this.agentTag = agentTag;
  }

  /** Registers the gauge of a (channel tag, agent tag) pair unless it is registered. */
  void register(String channel, String agent) {
    gauges.computeIfAbsent(
        key(channel, agent),
        k ->
            Gauge.builder(ReefMetrics.MAILBOX_DEPTH, this, g -> g.depth(k))
                .description("spores in a consumed mailbox not yet settled")
                .tag("channel", channel)
                .tag("agent", agent)
                .register(meters));
  }

  /** Removes the gauges from the registry. */
  void close() {
    for (Gauge g : gauges.values()) {
      meters.remove(g);
    }
    gauges.clear();
  }

  private double depth(String key) {
    Long d = fresh().depths.get(key);
    return d == null ? 0 : d;
  }

  private Snapshot fresh() {
    Snapshot s = last.get();
    long now = System.nanoTime();
    if (s != null && now - s.atNanos < MAX_AGE_NANOS) {
      return s;
    }
    Map<String, Map<String, Long>> raw;
    try {
      raw = source.get();
    } catch (Exception e) { // a closed reef or a lost connection: the last values, or none
      LOG.debug("cannot read the mailbox depths: {}", e.toString());
      return s != null ? s : new Snapshot(now, Map.of());
    }
    Map<String, Long> depths = new HashMap<>();
    raw.forEach(
        (channel, agents) -> {
          String c = channelTag.apply(channel);
          agents.forEach(
              (agent, depth) -> {
                String a = agentTag.apply(agent);
                depths.merge(key(c, a), depth, Long::sum);
                register(c, a);
              });
        });
    Snapshot fresh = new Snapshot(now, depths);
    last.set(fresh);
    return fresh;
  }

  private static String key(String channel, String agent) {
    return channel + '\n' + agent; // neither a channel nor an agent name holds a newline
  }
}
