package dev.reef.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.spi.ReefBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ReefMetrics} with an observation registry that Micrometer Tracing handles (its
 * OpenTelemetry bridge, W3C propagation, spans to an in-memory exporter): one instrumentation gives
 * spans, and the handler's span is a child of the publish span across the backend. Run against each
 * backend by a subclass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class MicrometerTracingScenario {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  String channel;

  /** A new, unstarted backend on this test's transport. */
  abstract ReefBackend newBackend();

  @BeforeEach
  void tracing() {
    channel =
        "mtracing-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
  }

  @AfterEach
  void close() {
    reefs.forEach(r -> r.close(Duration.ofSeconds(2)));
    reefs.clear();
    if (otel != null) {
      otel.close();
      otel = null;
    }
  }

  private ObservationRegistry tracingRegistry() {
    io.opentelemetry.api.trace.Tracer otelTracer = otel.getTracer("reef-micrometer-test");
    OtelTracer tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> {});
    OtelPropagator propagator = new OtelPropagator(otel.getPropagators(), otelTracer);
    ObservationRegistry registry = ObservationRegistry.create();
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    return registry;
  }

  private Reef tracedReef() {
    ReefMetrics metrics =
        ReefMetrics.builder(new SimpleMeterRegistry())
            .observationRegistry(tracingRegistry())
            .build();
    Reef reef =
        Reef.create(
            newBackend(),
            ReefOptions.custom()
                .defaultChannel(channel)
                .closeTimeout(Duration.ofSeconds(2))
                .observer(metrics)
                .build());
    reefs.add(reef);
    return reef;
  }

  @Test
  void theHandlerSpanIsAChildOfThePublishSpanAndTheSporeCarriesItsTrace() throws Exception {
    Reef reef = tracedReef();
    List<Spore> got = new CopyOnWriteArrayList<>();
    reef.subscribe("bob", got::add);

    reef.send("alice", "bob", Map.of("n", 1)).get(10, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> got.size() == 1 && kind(SpanKind.CONSUMER) != null);
    SpanData publish = kind(SpanKind.PRODUCER);
    SpanData process = kind(SpanKind.CONSUMER);
    assertThat(publish).as("the publish span").isNotNull();
    assertThat(publish.getName()).isEqualTo(channel + " publish");
    assertThat(process.getName()).isEqualTo(channel + " process");
    assertThat(process.getTraceId()).isEqualTo(publish.getTraceId());
    assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
    // the spore carries the publish span's context, and its trace_id is that trace
    Spore s = got.get(0);
    // (flags 01 sampled, or 03 with the W3C level 2 random-trace-id flag newer SDKs set)
    assertThat((String) s.metadata().get("traceparent"))
        .startsWith("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-");
    assertThat(s.traceId()).isEqualTo(publish.getTraceId());
  }

  @Test
  void aReplySentFromTheHandlerContinuesTheTrace() throws Exception {
    // two reefs (two processes): a reply to an ask of the same reef is handed over without a
    // publish, so it has no publish span
    Reef responder = tracedReef();
    Reef asker = tracedReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("a", 42)));

    Spore answer =
        asker.ask("alice", "bob", Map.of("q", 1), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kind(SpanKind.CONSUMER) != null && childOf(kind(SpanKind.CONSUMER)) != null);
    SpanData process = kind(SpanKind.CONSUMER);
    SpanData replyPublish = childOf(process);
    assertThat(replyPublish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(answer.traceId()).isEqualTo(process.getTraceId());
    assertThat((String) answer.metadata().get("traceparent"))
        .startsWith("00-" + process.getTraceId() + "-" + replyPublish.getSpanId() + "-");
  }

  /** The first finished span whose parent is the given span, or null. */
  private SpanData childOf(SpanData parent) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .findFirst()
        .orElse(null);
  }

  private SpanData kind(SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == kind)
        .findFirst()
        .orElse(null);
  }
}
