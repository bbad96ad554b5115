package dev.reef.micrometer;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.observe.AskContext;
import dev.reef.observe.HandlerContext;
import dev.reef.observe.ObservationScope;
import dev.reef.observe.Outcome;
import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefObservation;
import dev.reef.observe.ReefObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Micrometer metrics and observations for one reef: register with {@code
 * ReefOptions.custom().observer(ReefMetrics.builder(meterRegistry).build())}. One instance per reef
 * (its gauges read that reef).
 *
 * <table>
 *   <caption>Meters (docs/observability.md)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #SPORES}</td><td>counter</td><td>event, channel, agent, type</td></tr>
 *   <tr><td>{@value #PUBLISH}</td><td>observation (timer)</td><td>channel, agent, type, outcome,
 *       error</td></tr>
 *   <tr><td>{@value #PROCESS}</td><td>observation (timer)</td><td>channel, agent, type, outcome,
 *       error</td></tr>
 *   <tr><td>{@value #ASK}</td><td>observation (timer)</td><td>channel, agent, outcome, error</td></tr>
 *   <tr><td>{@value #END_TO_END}</td><td>timer (successful deliveries)</td><td>channel, agent,
 *       type</td></tr>
 *   <tr><td>{@value #ASKS_PENDING}</td><td>gauge</td><td>none</td></tr>
 *   <tr><td>{@value #HANDLERS_IN_FLIGHT}</td><td>gauge</td><td>none</td></tr>
 *   <tr><td>{@value #MAILBOX_DEPTH}</td><td>gauge (per consumed mailbox)</td><td>channel,
 *       agent</td></tr>
 * </table>
 *
 * <p>The {@code event} tag is the lower-case {@link SporeEvent}: {@code sent} (published and
 * accepted by the backend), {@code delivered}, {@code handled} (acknowledged), {@code retried},
 * {@code dead_lettered}, {@code expired}, {@code rejected}, and the rest. Tag cardinality is
 * bounded: the first {@link Builder#maxAgentTags} agent names (default {@value
 * #DEFAULT_MAX_AGENT_TAGS}) and {@link Builder#maxChannelTags} channel names (default {@value
 * #DEFAULT_MAX_CHANNEL_TAGS}) seen get their own tag value, later ones are {@value #OTHER}; a
 * missing value is {@value #NONE}. Spore ids are never tags (they are high-cardinality key values
 * of the observations, for tracing).
 *
 * <p>By default the publish, process and ask timers are recorded directly (cached meters, no
 * allocation per spore beyond the reef's own). With {@link Builder#observationRegistry} they are
 * Micrometer observations instead, so that one instrumentation gives metrics and, with a tracing
 * handler, spans: the publish and process observations carry the spore's metadata headers as their
 * carrier ({@link SenderContext} / {@link ReceiverContext}), so Micrometer Tracing propagates its
 * context across processes.
 *
 * <p>Why this file is long (~600 lines): it is one observer whose callbacks each map one Reef event
 * to its meters, plus its nested, documented builder (tag caps, timers on or off, an observation
 * registry); splitting the callbacks would scatter one meter naming scheme over several files.
 */
public final class ReefMetrics implements ReefObserver {
  /** Spores counted per event: {@value}. */
  public static final String SPORES = "reef.spores";

  /** Publish until the backend accepted the spore (for AMQP, the broker's confirm): {@value}. */
  public static final String PUBLISH = "reef.publish";

  /** An agent's handlers processing one delivery: {@value}. */
  public static final String PROCESS = "reef.process";

  /** An ask's round trip, from its request's publish to its answer or timeout: {@value}. */
  public static final String ASK = "reef.ask";

  /** From a spore's {@code created_at} to the end of its handlers: {@value}. */
  public static final String END_TO_END = "reef.end_to_end";

  /** Open asks and gathers: {@value}. */
  public static final String ASKS_PENDING = "reef.asks.pending";

  /** Deliveries whose handlers are running: {@value}. */
  public static final String HANDLERS_IN_FLIGHT = "reef.handlers.in_flight";

  /**
   * Spores in a mailbox this reef consumes not yet settled (waiting, on their way to a handler, or
   * in one), per channel and agent ({@link Reef#mailboxDepths()}, read at most once a second):
   * {@value}. Agents and channels past the caps share the {@value #OTHER} gauge.
   */
  public static final String MAILBOX_DEPTH = "reef.mailbox.depth";

  /** The tag value of agents or channels past the cap: {@value}. */
  public static final String OTHER = "other";

  /** The tag value of a missing agent, channel or type: {@value}. */
  public static final String NONE = "none";

  /** Default cap on distinct agent tag values: {@value}. */
  public static final int DEFAULT_MAX_AGENT_TAGS = 100;

  /** Default cap on distinct channel tag values: {@value}. */
  public static final int DEFAULT_MAX_CHANNEL_TAGS = 100;

  private static final String[] EVENT_TAGS = eventTags();
  private static final SporeType[] TYPES = SporeType.values();

  /** Slot of the series without a spore ({@value #NONE} type), after the spore types. */
  private static final int NO_TYPE = TYPES.length;

  private final MeterRegistry meters;

  /**
   * The observation registry the application passed, or null: then meters are recorded directly.
   */
  private final ObservationRegistry observations;

  private final TagLimiter agents;
  private final TagLimiter channels;
  private final boolean timers;

  /** Admitted channel names (and {@value #NONE}) to their entry. */
  private final ConcurrentHashMap<String, ChannelEntry> byChannel = new ConcurrentHashMap<>();

  /** Channel tags (admitted names, {@value #OTHER}, {@value #NONE}) to their entry. */
  private final ConcurrentHashMap<String, ChannelEntry> byChannelTag = new ConcurrentHashMap<>();

  private final AtomicInteger inFlight = new AtomicInteger();

  /** The handler observation without timers: keeps the in-flight gauge only. */
  private final ReefObservation counting =
      new ReefObservation() {
        @Override
        public void stop(Outcome outcome, Throwable error) {
          inFlight.decrementAndGet();
        }
      };

  private final CopyOnWriteArrayList<Gauge> gauges = new CopyOnWriteArrayList<>();

  /** The mailbox depth gauges, from {@link #onStart}. */
  private volatile MailboxDepthGauges depths;

  private ReefMetrics(Builder b) {
    this.meters = b.meters;
    this.observations = b.observations;
    this.agents = new TagLimiter(b.maxAgentTags);
    this.channels = new TagLimiter(b.maxChannelTags);
    this.timers = b.timers;
  }

  /**
   * A builder recording into a meter registry.
   *
   * @param meters where counters, timers and gauges go
   * @return a new builder
   */
  public static Builder builder(MeterRegistry meters) {
    return new Builder(meters);
  }

  // ---- ReefObserver ----

  @Override
  public void onStart(Reef reef) {
    gauges.add(
        Gauge.builder(ASKS_PENDING, reef, r -> r.stats().pendingAsks())
            .description("open asks and gathers")
            .register(meters));
    gauges.add(
        Gauge.builder(HANDLERS_IN_FLIGHT, inFlight, AtomicInteger::get)
            .description("deliveries whose handlers are running")
            .register(meters));
    depths = new MailboxDepthGauges(meters, reef::mailboxDepths, channels::tag, agents::tag);
  }

  @Override
  public void onClose(Reef reef) {
    for (Gauge g : gauges) {
      meters.remove(g);
    }
    gauges.clear();
    MailboxDepthGauges d = depths;
    if (d != null) {
      d.close();
    }
  }

  @Override
  public void onSporeEvent(
      SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    series(channel, agent, spore == null ? NO_TYPE : spore.type().ordinal()).count(event);
  }

  @Override
  public ReefObservation onPublish(PublishContext context) {
    Spore spore = context.spore();
    if (!timers) {
      return ReefObservation.NOOP;
    }
    Series series = series(context.channel(), spore.fromAgent(), spore.type().ordinal());
    if (observations == null) {
      return new Timed(series, PUBLISH, System.nanoTime(), null);
    }
    SenderContext<PublishContext> c =
        new SenderContext<>((carrier, key, value) -> carrier.setHeader(key, value), Kind.PRODUCER);
    c.setCarrier(context);
    Observation o =
        Observation.createNotStarted(PUBLISH, () -> c, observations)
            .contextualName(context.channel() + " publish")
            .lowCardinalityKeyValue("channel", series.channel)
            .lowCardinalityKeyValue("agent", series.agent)
            .lowCardinalityKeyValue("type", series.type)
            .highCardinalityKeyValue("spore.id", spore.id())
            .start();
    return new Observed(o, null);
  }

  @Override
  public ReefObservation onHandle(HandlerContext context) {
    Spore spore = context.spore();
    inFlight.incrementAndGet();
    AgentEntry mailbox = channelEntry(context.channel()).agentEntry(context.agent());
    if (!mailbox.depthGauge) {
      MailboxDepthGauges d = depths;
      if (d != null) {
        d.register(mailbox.channel, mailbox.agent);
        mailbox.depthGauge = true;
      }
    }
    if (!timers) {
      return counting;
    }
    Series series = mailbox.series(spore.type().ordinal());
    long createdMillis = spore.createdAt().toEpochMilli();
    Consumer<Outcome> after =
        outcome -> {
          inFlight.decrementAndGet();
          if (outcome == Outcome.SUCCESS) {
            long latency = System.currentTimeMillis() - createdMillis;
            if (latency >= 0) {
              series.endToEnd().record(latency, TimeUnit.MILLISECONDS);
            }
          }
        };
    if (observations == null) {
      return new Timed(series, PROCESS, System.nanoTime(), after);
    }
    ReceiverContext<HandlerContext> c =
        new ReceiverContext<>((carrier, key) -> carrier.header(key), Kind.CONSUMER);
    c.setCarrier(context);
    Observation o =
        Observation.createNotStarted(PROCESS, () -> c, observations)
            .contextualName(context.channel() + " process")
            .lowCardinalityKeyValue("channel", series.channel)
            .lowCardinalityKeyValue("agent", series.agent)
            .lowCardinalityKeyValue("type", series.type)
            .highCardinalityKeyValue("spore.id", spore.id())
            .highCardinalityKeyValue("attempt", Integer.toString(context.attempt()))
            .start();
    return new Observed(o, after);
  }

  @Override
  public ReefObservation onAsk(AskContext context) {
    if (!timers) {
      return ReefObservation.NOOP;
    }
    Spore request = context.request();
    Series series = series(context.channel(), request.fromAgent(), request.type().ordinal());
    if (observations == null) {
      return new Timed(series, ASK, System.nanoTime(), null);
    }
    Observation o =
        Observation.createNotStarted(ASK, Observation.Context::new, observations)
            .contextualName(context.channel() + " ask")
            .lowCardinalityKeyValue("channel", series.channel)
            .lowCardinalityKeyValue("agent", series.agent)
            .highCardinalityKeyValue("spore.id", request.id())
            .start();
    return new Observed(o, null);
  }

  /**
   * The series of a (channel, agent, type), created on first use; tags capped. Two map lookups by
   * the raw names once they are known; names past a cap are looked up through the limiter each
   * time, so the maps never hold more than the caps allow.
   */
  private Series series(String channel, String agent, int type) {
    return channelEntry(channel).agentEntry(agent).series(type);
  }

  private ChannelEntry channelEntry(String channel) {
    String raw = channel == null ? NONE : channel;
    ChannelEntry e = byChannel.get(raw);
    if (e != null) {
      return e;
    }
    String tag = channel == null ? NONE : channels.tag(channel);
    e = byChannelTag.computeIfAbsent(tag, ChannelEntry::new);
    if (tag.equals(raw)) {
      byChannel.putIfAbsent(raw, e);
    }
    return e;
  }

  /** The agents of one channel tag. */
  private final class ChannelEntry {
    private final String tag;
    private final ConcurrentHashMap<String, AgentEntry> byAgent = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AgentEntry> byAgentTag = new ConcurrentHashMap<>();

    ChannelEntry(String tag) {
      this.tag = tag;
    }

    AgentEntry agentEntry(String agent) {
      String raw = agent == null ? NONE : agent;
      AgentEntry e = byAgent.get(raw);
      if (e != null) {
        return e;
      }
      String agentTag = agent == null ? NONE : agents.tag(agent);
      e = byAgentTag.computeIfAbsent(agentTag, t -> new AgentEntry(tag, t));
      if (agentTag.equals(raw)) {
        byAgent.putIfAbsent(raw, e);
      }
      return e;
    }
  }

  /** The series of one (channel tag, agent tag), per spore type. */
  private final class AgentEntry {
    private final String channel;
    private final String agent;
    private final AtomicReferenceArray<Series> byType =
        new AtomicReferenceArray<>(TYPES.length + 1);

    /** Whether the mailbox depth gauge of this (channel, agent) tag pair is registered. */
    volatile boolean depthGauge;

    AgentEntry(String channel, String agent) {
      this.channel = channel;
      this.agent = agent;
    }

    Series series(int type) {
      Series s = byType.get(type);
      if (s == null) {
        Series made = new Series(channel, agent, type == NO_TYPE ? NONE : TYPES[type].wireName());
        s = byType.compareAndSet(type, null, made) ? made : byType.get(type);
      }
      return s;
    }
  }

  private static String[] eventTags() {
    SporeEvent[] all = SporeEvent.values();
    String[] tags = new String[all.length];
    for (SporeEvent e : all) {
      tags[e.ordinal()] = e.name().toLowerCase(Locale.ROOT);
    }
    return tags;
  }

  /**
   * The meters of one (channel, agent, type) tag combination, registered on first use: the event
   * counters, and the timers of the common outcome (others are looked up when they happen).
   */
  private final class Series {
    final String channel;
    final String agent;
    final String type;
    private final AtomicReferenceArray<Counter> counters =
        new AtomicReferenceArray<>(EVENT_TAGS.length);
    private volatile Timer publishOk;
    private volatile Timer processOk;
    private volatile Timer askOk;
    private volatile Timer endToEnd;

    Series(String channel, String agent, String type) {
      this.channel = channel;
      this.agent = agent;
      this.type = type;
    }

    void count(SporeEvent event) {
      Counter c = counters.get(event.ordinal());
      if (c == null) {
        c =
            Counter.builder(SPORES)
                .description("spores per event")
                .tag("event", EVENT_TAGS[event.ordinal()])
                .tag("channel", channel)
                .tag("agent", agent)
                .tag("type", type)
                .register(meters); // the registry returns the same counter to racing callers
        counters.set(event.ordinal(), c);
      }
      c.increment();
    }

    Timer endToEnd() {
      Timer t = endToEnd;
      if (t == null) {
        t =
            Timer.builder(END_TO_END)
                .description("from a spore's created_at to the end of its handlers")
                .tag("channel", channel)
                .tag("agent", agent)
                .tag("type", type)
                .register(meters);
        endToEnd = t;
      }
      return t;
    }

    /** The timer of an observation name and outcome, tagged as the Observation API would. */
    Timer timer(String name, Outcome outcome, Throwable error) {
      if (outcome == Outcome.SUCCESS) {
        Timer t = name.equals(PUBLISH) ? publishOk : name.equals(PROCESS) ? processOk : askOk;
        if (t != null) {
          return t;
        }
      }
      Timer.Builder b =
          Timer.builder(name)
              .description(
                  name.equals(PUBLISH)
                      ? "publish until the backend accepted the spore"
                      : name.equals(PROCESS)
                          ? "an agent's handlers on one delivery"
                          : "ask round trip")
              .tag("channel", channel)
              .tag("agent", agent);
      if (!name.equals(ASK)) {
        b.tag("type", type);
      }
      Timer t =
          b.tag("outcome", outcome.tagValue())
              .tag("error", error == null ? "none" : error.getClass().getSimpleName())
              .register(meters);
      if (outcome == Outcome.SUCCESS) {
        if (name.equals(PUBLISH)) {
          publishOk = t;
        } else if (name.equals(PROCESS)) {
          processOk = t;
        } else {
          askOk = t;
        }
      }
      return t;
    }
  }

  /** A publish, process or ask timed directly into the meter registry (no observation registry). */
  private static final class Timed implements ReefObservation {
    private final Series series;
    private final String name;
    private final long startNanos;
    private final Consumer<Outcome> after;

    Timed(Series series, String name, long startNanos, Consumer<Outcome> after) {
      this.series = series;
      this.name = name;
      this.startNanos = startNanos;
      this.after = after;
    }

    @Override
    public void stop(Outcome outcome, Throwable error) {
      series
          .timer(name, outcome, error)
          .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      if (after != null) {
        after.accept(outcome);
      }
    }
  }

  /** A started Micrometer observation seen as a reef observation. */
  private static final class Observed implements ReefObservation {
    private final Observation observation;
    private final Consumer<Outcome> onStop;

    Observed(Observation observation, Consumer<Outcome> onStop) {
      this.observation = observation;
      this.onStop = onStop;
    }

    @Override
    public ObservationScope openScope() {
      Observation.Scope scope = observation.openScope();
      return scope::close;
    }

    @Override
    public void stop(Outcome outcome, Throwable error) {
      if (onStop != null) {
        onStop.accept(outcome);
      }
      observation.lowCardinalityKeyValue("outcome", outcome.tagValue());
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    }
  }

  /** Builds {@link ReefMetrics}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry meters;
    private ObservationRegistry observations;
    private int maxAgentTags = DEFAULT_MAX_AGENT_TAGS;
    private int maxChannelTags = DEFAULT_MAX_CHANNEL_TAGS;
    private boolean timers = true;

    private Builder(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * Makes publish, process and ask observations in this registry (for example one with a tracing
     * handler), instead of timing them directly: their timers then come from the registry's {@link
     * DefaultMeterObservationHandler}, which the application registers on it for the same meter
     * registry (as Spring Boot does), with the same names and tags. Default none: the timers are
     * recorded directly, which costs far less per spore (docs/observability.md#overhead).
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * How many distinct agent names get their own tag value; later ones are {@value
     * ReefMetrics#OTHER}. Default {@value ReefMetrics#DEFAULT_MAX_AGENT_TAGS}.
     *
     * @param max 1 to 10,000
     * @return this builder
     */
    public Builder maxAgentTags(int max) {
      this.maxAgentTags = requireCap("maxAgentTags", max);
      return this;
    }

    /**
     * How many distinct channel names get their own tag value; later ones are {@value
     * ReefMetrics#OTHER}. Default {@value ReefMetrics#DEFAULT_MAX_CHANNEL_TAGS}.
     *
     * @param max 1 to 10,000
     * @return this builder
     */
    public Builder maxChannelTags(int max) {
      this.maxChannelTags = requireCap("maxChannelTags", max);
      return this;
    }

    /**
     * Whether to record the publish, process, ask and end-to-end timers; default true. Without them
     * only the counters and gauges remain, and nothing reads a clock per spore (on machines where
     * the clock is slow, the timers are most of the cost: docs/observability.md#overhead).
     *
     * @param timers false for counters and gauges only
     * @return this builder
     */
    public Builder timers(boolean timers) {
      this.timers = timers;
      return this;
    }

    /**
     * Builds.
     *
     * @return the metrics observer
     */
    public ReefMetrics build() {
      return new ReefMetrics(this);
    }

    private static int requireCap(String name, int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException(name + " must be 1..10000, was " + max);
      }
      return max;
    }
  }
}
