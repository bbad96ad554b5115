package dev.reef.opentelemetry;

import dev.reef.ReefOptions;
import dev.reef.observe.ReefObserver;
import dev.reef.trace.TraceContext;
import dev.reef.trace.TraceContextSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;

/**
 * OpenTelemetry tracing for a reef. One call installs it:
 *
 * <pre>{@code
 * ReefOpenTelemetry tracing = ReefOpenTelemetry.builder(openTelemetry).messagingSystem("rabbitmq").build();
 * Reef reef = Reef.create(backend, tracing.configure(ReefOptions.custom()).build());
 * }</pre>
 *
 * <p>It registers an {@link ReefObserver} that makes the spans ({@code publish <channel>} PRODUCER,
 * {@code process <channel>} CONSUMER with the handler running inside it, {@code ask <channel>}
 * CLIENT), and a {@link TraceContextSource} so that a spore published inside the caller's current
 * span continues that trace. Attributes follow the OpenTelemetry messaging semantic conventions:
 * {@code messaging.system}, {@code messaging.destination.name} (the channel), {@code
 * messaging.message.id} (the spore id), {@code messaging.operation.type} / {@code .name}, {@code
 * messaging.message.conversation_id} (the correlation id), plus {@code reef.*}
 * (docs/observability.md#tracing). Immutable and thread-safe.
 */
public final class ReefOpenTelemetry {
  /** The instrumentation scope name of the tracer: {@value}. */
  public static final String INSTRUMENTATION_NAME = "dev.reef.opentelemetry";

  /** The default {@code messaging.system}: {@value}. */
  public static final String DEFAULT_MESSAGING_SYSTEM = "reef";

  private final SporeTracingObserver observer;

  private ReefOpenTelemetry(Builder b) {
    this.observer =
        new SporeTracingObserver(
            b.openTelemetry.getTracer(INSTRUMENTATION_NAME), b.messagingSystem);
  }

  /**
   * A builder.
   *
   * @param openTelemetry where the spans go
   * @return the builder
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /**
   * Tracing with the defaults ({@code messaging.system} {@value #DEFAULT_MESSAGING_SYSTEM}).
   *
   * @param openTelemetry where the spans go
   * @return the tracing
   */
  public static ReefOpenTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Registers the observer and the context source on reef options.
   *
   * @param options the builder to add to
   * @return the same builder
   */
  public ReefOptions.Builder configure(ReefOptions.Builder options) {
    return options.observer(observer).traceContextSource(contextSource());
  }

  /**
   * The observer that makes the spans (to register yourself with {@link
   * ReefOptions.Builder#observer}; then register {@link #contextSource()} too).
   *
   * @return the observer
   */
  public ReefObserver observer() {
    return observer;
  }

  /**
   * The current OpenTelemetry span's context as a {@link TraceContext}, or null if none is valid.
   *
   * @return the source
   */
  public TraceContextSource contextSource() {
    return ReefOpenTelemetry::currentContext;
  }

  private static TraceContext currentContext() {
    SpanContext sc = Span.current().getSpanContext();
    if (!sc.isValid()) {
      return null;
    }
    return TraceContext.of(
        sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte() & 0xff, null);
  }

  /** Builds {@link ReefOpenTelemetry}; not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private String messagingSystem = DEFAULT_MESSAGING_SYSTEM;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * The {@code messaging.system} attribute: {@code rabbitmq} for the AMQP backend; default
     * {@value ReefOpenTelemetry#DEFAULT_MESSAGING_SYSTEM} (the in-memory backend).
     *
     * @param system a non-blank name
     * @return this builder
     */
    public Builder messagingSystem(String system) {
      if (system == null || system.isBlank()) {
        throw new IllegalArgumentException("messagingSystem must not be blank");
      }
      this.messagingSystem = system;
      return this;
    }

    /**
     * Builds.
     *
     * @return the tracing
     */
    public ReefOpenTelemetry build() {
      return new ReefOpenTelemetry(this);
    }
  }
}
