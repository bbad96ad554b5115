package dev.reef;

import dev.reef.observe.ReefListener;
import dev.reef.observe.ReefObserver;
import dev.reef.trace.TraceContext;
import dev.reef.trace.TraceContextSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link Reef}, independent of the backend. Build with {@link #custom()}; values are
 * validated when built ({@link IllegalArgumentException}). Immutable and thread-safe.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>range</th></tr>
 *   <tr><td>defaultChannel</td><td>{@value #DEFAULT_CHANNEL}</td><td>a channel name</td></tr>
 *   <tr><td>systemAgent</td><td>{@value #DEFAULT_SYSTEM_AGENT}</td><td>an agent name</td></tr>
 *   <tr><td>defaultRequestExpiry</td><td>5 min (as Praval)</td><td>positive</td></tr>
 *   <tr><td>defaultAskTimeout</td><td>30 s</td><td>positive</td></tr>
 *   <tr><td>closeTimeout</td><td>10 s</td><td>zero or positive</td></tr>
 *   <tr><td>authorizer</td><td>{@link ReefAuthorizer#ALLOW_ALL}</td><td>any</td></tr>
 *   <tr><td>broadcastRateLimit</td><td>none</td><td>a {@link RateLimit} or null</td></tr>
 *   <tr><td>maxKnowledgeBytes</td><td>10 MiB</td><td>at least 2</td></tr>
 *   <tr><td>deduplicationWindow</td><td>0 (off)</td><td>0 to 10,000,000 remembered ids per
 *       mailbox</td></tr>
 *   <tr><td>observers</td><td>none</td><td>{@link ReefObserver}s, called in order</td></tr>
 *   <tr><td>listeners</td><td>none</td><td>{@link ReefListener}s, called in order</td></tr>
 * </table>
 *
 * <p>Why this file is long (~570 lines): an immutable options value with its nested builder; each
 * option has a documented default and is validated in one place, as Resilience4j's configs are. The
 * options of a backend are on that backend's builder, not here.
 */
public final class ReefOptions {
  /** The default channel: {@value}. */
  public static final String DEFAULT_CHANNEL = "main";

  /** The sender of system broadcasts: {@value}. */
  public static final String DEFAULT_SYSTEM_AGENT = "system";

  /** Default expiry of requests: 5 minutes, as in Praval. */
  public static final Duration DEFAULT_REQUEST_EXPIRY = Duration.ofMinutes(5);

  /** Default timeout of {@code ask}: 30 s. */
  public static final Duration DEFAULT_ASK_TIMEOUT = Duration.ofSeconds(30);

  /** Default time {@code close()} waits for in-flight handlers: 10 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** The smallest knowledge limit: {@code {}}, the empty JSON object, is two bytes. */
  private static final int MIN_KNOWLEDGE_BYTES = 2;

  /** The largest deduplication window per mailbox. */
  private static final int MAX_DEDUPLICATION_WINDOW = 10_000_000;

  private static final ReefOptions DEFAULTS = custom().build();

  private final String defaultChannel;
  private final String systemAgent;
  private final Duration defaultRequestExpiry;
  private final Duration defaultAskTimeout;
  private final Duration closeTimeout;
  private final ReefAuthorizer authorizer;
  private final RateLimit broadcastRateLimit;
  private final long maxKnowledgeBytes;
  private final int deduplicationWindow;
  private final KnowledgeMapper knowledgeMapper;
  private final dev.reef.security.SenderVerification senderVerification;
  private final dev.reef.security.SigningKeys signingKeys;
  private final boolean traceContext;
  private final TraceContextSource traceContextSource;
  private final List<ReefObserver> observers;
  private final List<ReefListener> listeners;

  private ReefOptions(Builder b) {
    this.defaultChannel = b.defaultChannel;
    this.systemAgent = b.systemAgent;
    this.defaultRequestExpiry = b.defaultRequestExpiry;
    this.defaultAskTimeout = b.defaultAskTimeout;
    this.closeTimeout = b.closeTimeout;
    this.authorizer = b.authorizer;
    this.broadcastRateLimit = b.broadcastRateLimit;
    this.maxKnowledgeBytes = b.maxKnowledgeBytes;
    this.deduplicationWindow = b.deduplicationWindow;
    this.knowledgeMapper = b.knowledgeMapper;
    this.senderVerification = b.senderVerification;
    this.signingKeys = b.signingKeys;
    this.traceContext = b.traceContext;
    this.traceContextSource = b.traceContextSource;
    this.observers = List.copyOf(b.observers);
    this.listeners = List.copyOf(b.listeners);
  }

  /**
   * The defaults.
   *
   * @return the default options
   */
  public static ReefOptions ofDefaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .defaultChannel(defaultChannel)
        .systemAgent(systemAgent)
        .defaultRequestExpiry(defaultRequestExpiry)
        .defaultAskTimeout(defaultAskTimeout)
        .closeTimeout(closeTimeout)
        .authorizer(authorizer)
        .broadcastRateLimit(broadcastRateLimit)
        .maxKnowledgeBytes(maxKnowledgeBytes)
        .deduplicationWindow(deduplicationWindow)
        .knowledgeMapper(knowledgeMapper)
        .senderVerification(senderVerification)
        .signingKeys(signingKeys)
        .observers(observers)
        .listeners(listeners)
        .traceContext(traceContext)
        .traceContextSource(traceContextSource);
  }

  /**
   * Whether published spores carry a W3C trace context ({@code traceparent} in the metadata, see
   * {@link TraceContext}) and handlers continue it. Default true.
   *
   * @return true if trace context propagation is on
   */
  public boolean traceContext() {
    return traceContext;
  }

  /**
   * Where a spore published outside any handler finds its caller's trace context (a tracing
   * bridge). Default {@link TraceContextSource#NONE}.
   *
   * @return the source
   */
  public TraceContextSource traceContextSource() {
    return traceContextSource;
  }

  /**
   * What the reef checks about the sender of every spore it receives, before handlers or open asks
   * see it (docs/security.md). Default {@link dev.reef.security.SenderVerification#NONE}.
   *
   * @return the verification
   */
  public dev.reef.security.SenderVerification senderVerification() {
    return senderVerification;
  }

  /**
   * The keys the reef signs its agents' outgoing spores with. Default {@link
   * dev.reef.security.SigningKeys#NONE} (nothing signed).
   *
   * @return the keys
   */
  public dev.reef.security.SigningKeys signingKeys() {
    return signingKeys;
  }

  /**
   * The instrumentation hooks (metrics, tracing bridges), in registration order. Default none.
   *
   * @return an immutable list
   */
  public List<ReefObserver> observers() {
    return observers;
  }

  /**
   * The listeners to connection changes and to spores that did not reach a handler, in registration
   * order. Default none.
   *
   * @return an immutable list
   */
  public List<ReefListener> listeners() {
    return listeners;
  }

  /**
   * The mapper of typed knowledge (records and POJOs as knowledge, {@link Reef#knowledgeMapper()}).
   * Default {@link KnowledgeMapper#defaults()}.
   *
   * @return the mapper
   */
  public KnowledgeMapper knowledgeMapper() {
    return knowledgeMapper;
  }

  /**
   * The channel that {@link Reef}'s own {@link ReefChannel} methods use.
   *
   * @return the channel name
   */
  public String defaultChannel() {
    return defaultChannel;
  }

  /**
   * The sender of system broadcasts.
   *
   * @return the agent name
   */
  public String systemAgent() {
    return systemAgent;
  }

  /**
   * The expiry of requests that do not set one.
   *
   * @return a positive duration
   */
  public Duration defaultRequestExpiry() {
    return defaultRequestExpiry;
  }

  /**
   * The timeout of {@code ask} calls that do not pass one.
   *
   * @return a positive duration
   */
  public Duration defaultAskTimeout() {
    return defaultAskTimeout;
  }

  /**
   * How long {@link Reef#close()} waits for in-flight handlers.
   *
   * @return zero or positive
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * The authorization hook.
   *
   * @return never null
   */
  public ReefAuthorizer authorizer() {
    return authorizer;
  }

  /**
   * The per-agent broadcast rate limit.
   *
   * @return the limit, or null for none
   */
  public @Nullable RateLimit broadcastRateLimit() {
    return broadcastRateLimit;
  }

  /**
   * The largest serialized knowledge a spore built by the reef may carry.
   *
   * @return bytes, at least 2
   */
  public long maxKnowledgeBytes() {
    return maxKnowledgeBytes;
  }

  /**
   * How many spore ids (or idempotency keys, where set) each mailbox remembers to hide duplicates
   * from its handlers; 0 turns deduplication off.
   *
   * @return 0 or more
   */
  public int deduplicationWindow() {
    return deduplicationWindow;
  }

  /** Builds {@link ReefOptions}; not thread-safe. */
  public static final class Builder {
    private String defaultChannel = DEFAULT_CHANNEL;
    private String systemAgent = DEFAULT_SYSTEM_AGENT;
    private Duration defaultRequestExpiry = DEFAULT_REQUEST_EXPIRY;
    private Duration defaultAskTimeout = DEFAULT_ASK_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private ReefAuthorizer authorizer = ReefAuthorizer.ALLOW_ALL;
    private RateLimit broadcastRateLimit;
    private long maxKnowledgeBytes = Spore.DEFAULT_MAX_KNOWLEDGE_BYTES;
    private int deduplicationWindow;
    private KnowledgeMapper knowledgeMapper = KnowledgeMapper.defaults();
    private dev.reef.security.SenderVerification senderVerification =
        dev.reef.security.SenderVerification.NONE;
    private dev.reef.security.SigningKeys signingKeys = dev.reef.security.SigningKeys.NONE;
    private boolean traceContext = true;
    private TraceContextSource traceContextSource = TraceContextSource.NONE;
    private final List<ReefObserver> observers = new ArrayList<>();
    private final List<ReefListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Whether published spores carry a W3C trace context and handlers continue it; default true.
     * Off, the reef neither adds nor reads {@code traceparent} (a spore that carries one keeps it).
     *
     * @param on true to propagate trace context
     * @return this builder
     */
    public Builder traceContext(boolean on) {
      this.traceContext = on;
      return this;
    }

    /**
     * Adds an instrumentation hook (see {@link ReefObserver}); several are called in the order
     * added. Default none: a reef without observers pays nothing for the hook.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(ReefObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * The caller's current trace context, from a tracing bridge (for example {@code
     * ReefOpenTelemetry}); default {@link TraceContextSource#NONE}. Asked on every publish; a
     * source that returns a context makes the spore continue it (also inside a handler).
     *
     * @param source the source, or null for none
     * @return this builder
     */
    public Builder traceContextSource(@Nullable TraceContextSource source) {
      this.traceContextSource = source == null ? TraceContextSource.NONE : source;
      return this;
    }

    /**
     * Replaces the instrumentation hooks.
     *
     * @param observers the observers, in calling order; empty for none
     * @return this builder
     */
    public Builder observers(List<ReefObserver> observers) {
      List<ReefObserver> copy = List.copyOf(observers); // rejects nulls
      this.observers.clear();
      this.observers.addAll(copy);
      return this;
    }

    /**
     * Adds a listener (see {@link ReefListener}); several are called in the order added. Default
     * none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ReefListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Replaces the listeners.
     *
     * @param listeners the listeners, in calling order; empty for none
     * @return this builder
     */
    public Builder listeners(List<ReefListener> listeners) {
      List<ReefListener> copy = List.copyOf(listeners);
      this.listeners.clear();
      this.listeners.addAll(copy);
      return this;
    }

    /**
     * The mapper of typed knowledge; default {@link KnowledgeMapper#defaults()}.
     *
     * @param mapper the mapper, or null for the default
     * @return this builder
     */
    public Builder knowledgeMapper(@Nullable KnowledgeMapper mapper) {
      this.knowledgeMapper = mapper == null ? KnowledgeMapper.defaults() : mapper;
      return this;
    }

    /**
     * Typed knowledge through this Jackson mapper ({@link KnowledgeMapper#of}); start from {@link
     * KnowledgeMapper#defaultObjectMapper()} to keep the Java time and {@code Optional} support.
     *
     * @param objectMapper the Jackson mapper
     * @return this builder
     */
    public Builder objectMapper(com.fasterxml.jackson.databind.ObjectMapper objectMapper) {
      return knowledgeMapper(KnowledgeMapper.of(objectMapper));
    }

    /**
     * The default channel; default {@value ReefOptions#DEFAULT_CHANNEL}.
     *
     * @param defaultChannel a channel name
     * @return this builder
     */
    public Builder defaultChannel(String defaultChannel) {
      this.defaultChannel = defaultChannel;
      return this;
    }

    /**
     * The sender of system broadcasts; default {@value ReefOptions#DEFAULT_SYSTEM_AGENT}.
     *
     * @param systemAgent an agent name
     * @return this builder
     */
    public Builder systemAgent(String systemAgent) {
      this.systemAgent = systemAgent;
      return this;
    }

    /**
     * The expiry of requests that set none; default 5 minutes.
     *
     * @param expiry positive
     * @return this builder
     */
    public Builder defaultRequestExpiry(Duration expiry) {
      this.defaultRequestExpiry = expiry;
      return this;
    }

    /**
     * The timeout of asks that pass none; default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder defaultAskTimeout(Duration timeout) {
      this.defaultAskTimeout = timeout;
      return this;
    }

    /**
     * How long close waits for in-flight handlers; default 10 s.
     *
     * @param timeout zero or positive
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * The authorization hook; default allow all.
     *
     * @param authorizer the hook, or null for allow all
     * @return this builder
     */
    public Builder authorizer(@Nullable ReefAuthorizer authorizer) {
      this.authorizer = authorizer == null ? ReefAuthorizer.ALLOW_ALL : authorizer;
      return this;
    }

    /**
     * The per-agent broadcast rate limit; default none.
     *
     * @param limit the limit, or null for none
     * @return this builder
     */
    public Builder broadcastRateLimit(@Nullable RateLimit limit) {
      this.broadcastRateLimit = limit;
      return this;
    }

    /**
     * The knowledge size limit; default 10 MiB.
     *
     * @param maxKnowledgeBytes at least 2
     * @return this builder
     */
    public Builder maxKnowledgeBytes(long maxKnowledgeBytes) {
      this.maxKnowledgeBytes = maxKnowledgeBytes;
      return this;
    }

    /**
     * Idempotent receive: remember this many spore ids (or idempotency keys) per mailbox and hide
     * repeats from handlers (counted as {@link SporeEvent#DUPLICATE}); default 0 (off).
     *
     * @param window 0 to 10,000,000
     * @return this builder
     */
    public Builder deduplicationWindow(int window) {
      this.deduplicationWindow = window;
      return this;
    }

    /**
     * What the reef checks about the sender of received spores. Default {@link
     * dev.reef.security.SenderVerification#NONE}.
     *
     * @param verification the checks
     * @return this builder
     */
    public Builder senderVerification(dev.reef.security.SenderVerification verification) {
      this.senderVerification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /**
     * The keys the reef signs its agents' outgoing spores with. Default {@link
     * dev.reef.security.SigningKeys#NONE}.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder signingKeys(dev.reef.security.SigningKeys keys) {
      this.signingKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the options
     * @throws IllegalArgumentException if a value is out of range
     */
    public ReefOptions build() {
      if (!ReefNames.isValidChannel(defaultChannel)) {
        throw new IllegalArgumentException("defaultChannel is not a valid channel name");
      }
      if (!ReefNames.isValidAgent(systemAgent)) {
        throw new IllegalArgumentException("systemAgent is not a valid agent name");
      }
      requirePositive("defaultRequestExpiry", defaultRequestExpiry);
      requirePositive("defaultAskTimeout", defaultAskTimeout);
      Objects.requireNonNull(closeTimeout, "closeTimeout");
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be >= 0, was " + closeTimeout);
      }
      if (maxKnowledgeBytes < MIN_KNOWLEDGE_BYTES) {
        throw new IllegalArgumentException(
            "maxKnowledgeBytes must be >= " + MIN_KNOWLEDGE_BYTES + ", was " + maxKnowledgeBytes);
      }
      if (deduplicationWindow < 0 || deduplicationWindow > MAX_DEDUPLICATION_WINDOW) {
        throw new IllegalArgumentException(
            "deduplicationWindow must be 0.."
                + MAX_DEDUPLICATION_WINDOW
                + ", was "
                + deduplicationWindow);
      }
      return new ReefOptions(this);
    }

    private static void requirePositive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
