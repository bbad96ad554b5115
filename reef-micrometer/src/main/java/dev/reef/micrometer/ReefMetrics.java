package dev.reef.micrometer;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.SporeEvent;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Publish and process observations carry the spore's metadata headers as their carrier ({@link
 * SenderContext} / {@link ReceiverContext}), so a tracing bridge registered on the {@link
 * ObservationRegistry} (Micrometer Tracing) propagates its context across processes.
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

  /** The tag value of agents or channels past the cap: {@value}. */
  public static final String OTHER = "other";

  /** The tag value of a missing agent, channel or type: {@value}. */
  public static final String NONE = "none";

  /** Default cap on distinct agent tag values: {@value}. */
  public static final int DEFAULT_MAX_AGENT_TAGS = 100;

  /** Default cap on distinct channel tag values: {@value}. */
  public static final int DEFAULT_MAX_CHANNEL_TAGS = 100;

  private static final String[] EVENT_TAGS = eventTags();

  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final TagLimiter agents;
  private final TagLimiter channels;
  private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TimerKey, Timer> endToEnd = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CopyOnWriteArrayList<Gauge> gauges = new CopyOnWriteArrayList<>();

  private ReefMetrics(Builder b) {
    this.meters = b.meters;
    this.observations = b.observations != null ? b.observations : meterObservations(b.meters);
    this.agents = new TagLimiter(b.maxAgentTags);
    this.channels = new TagLimiter(b.maxChannelTags);
  }

  private static ObservationRegistry meterObservations(MeterRegistry meters) {
    ObservationRegistry r = ObservationRegistry.create();
    r.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    return r;
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

  /**
   * The observation registry the publish, process and ask observations go to.
   *
   * @return the registry
   */
  public ObservationRegistry observationRegistry() {
    return observations;
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
  }

  @Override
  public void onClose(Reef reef) {
    for (Gauge g : gauges) {
      meters.remove(g);
    }
    gauges.clear();
  }

  @Override
  public void onSporeEvent(
      SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    CounterKey key = new CounterKey(event, channels.tag(channel), agents.tag(agent), typeOf(spore));
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k ->
                  Counter.builder(SPORES)
                      .description("spores per event")
                      .tag("event", EVENT_TAGS[k.event.ordinal()])
                      .tag("channel", k.channel)
                      .tag("agent", k.agent)
                      .tag("type", k.type)
                      .register(meters));
    }
    c.increment();
  }

  @Override
  public ReefObservation onPublish(PublishContext context) {
    SenderContext<PublishContext> c =
        new SenderContext<>((carrier, key, value) -> carrier.setHeader(key, value), Kind.PRODUCER);
    c.setCarrier(context);
    Spore spore = context.spore();
    Observation o =
        Observation.createNotStarted(PUBLISH, () -> c, observations)
            .contextualName(context.channel() + " publish")
            .lowCardinalityKeyValue("channel", channels.tag(context.channel()))
            .lowCardinalityKeyValue("agent", agents.tag(spore.fromAgent()))
            .lowCardinalityKeyValue("type", typeOf(spore))
            .highCardinalityKeyValue("spore.id", spore.id())
            .start();
    return new Observed(o, null);
  }

  @Override
  public ReefObservation onHandle(HandlerContext context) {
    ReceiverContext<HandlerContext> c =
        new ReceiverContext<>((carrier, key) -> carrier.header(key), Kind.CONSUMER);
    c.setCarrier(context);
    Spore spore = context.spore();
    String channel = channels.tag(context.channel());
    String agent = agents.tag(context.agent());
    String type = typeOf(spore);
    Observation o =
        Observation.createNotStarted(PROCESS, () -> c, observations)
            .contextualName(context.channel() + " process")
            .lowCardinalityKeyValue("channel", channel)
            .lowCardinalityKeyValue("agent", agent)
            .lowCardinalityKeyValue("type", type)
            .highCardinalityKeyValue("spore.id", spore.id())
            .highCardinalityKeyValue("attempt", Integer.toString(context.attempt()))
            .start();
    inFlight.incrementAndGet();
    return new Observed(
        o,
        outcome -> {
          inFlight.decrementAndGet();
          Instant created = spore.createdAt();
          if (outcome == Outcome.SUCCESS && created != null) {
            Duration latency = Duration.between(created, Instant.now());
            if (!latency.isNegative()) {
              endToEnd(new TimerKey(channel, agent, type)).record(latency);
            }
          }
        });
  }

  @Override
  public ReefObservation onAsk(AskContext context) {
    Spore request = context.request();
    Observation o =
        Observation.createNotStarted(ASK, Observation.Context::new, observations)
            .contextualName(context.channel() + " ask")
            .lowCardinalityKeyValue("channel", channels.tag(context.channel()))
            .lowCardinalityKeyValue("agent", agents.tag(request.fromAgent()))
            .highCardinalityKeyValue("spore.id", request.id())
            .start();
    return new Observed(o, null);
  }

  private Timer endToEnd(TimerKey key) {
    Timer t = endToEnd.get(key);
    if (t == null) {
      t =
          endToEnd.computeIfAbsent(
              key,
              k ->
                  Timer.builder(END_TO_END)
                      .description("from a spore's created_at to the end of its handlers")
                      .tag("channel", k.channel)
                      .tag("agent", k.agent)
                      .tag("type", k.type)
                      .register(meters));
    }
    return t;
  }

  private static String typeOf(Spore spore) {
    return spore == null ? NONE : spore.type().wireName();
  }

  private static String[] eventTags() {
    SporeEvent[] all = SporeEvent.values();
    String[] tags = new String[all.length];
    for (SporeEvent e : all) {
      tags[e.ordinal()] = e.name().toLowerCase(Locale.ROOT);
    }
    return tags;
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

  private record CounterKey(SporeEvent event, String channel, String agent, String type) {}

  private record TimerKey(String channel, String agent, String type) {}

  /** Builds {@link ReefMetrics}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry meters;
    private ObservationRegistry observations;
    private int maxAgentTags = DEFAULT_MAX_AGENT_TAGS;
    private int maxChannelTags = DEFAULT_MAX_CHANNEL_TAGS;

    private Builder(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * The registry of the publish, process and ask observations, for example one with a tracing
     * handler and a {@link DefaultMeterObservationHandler} on the same meter registry. Default: a
     * registry whose only handler records timers in the meter registry.
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
