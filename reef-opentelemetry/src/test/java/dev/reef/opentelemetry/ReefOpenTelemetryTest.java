package dev.reef.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.trace.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spans and their parents on the in-memory backend (two reefs on one hub: two "processes"). */
class ReefOpenTelemetryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private Tracer tracer;
  private InMemoryHub hub;
  private Reef a;
  private Reef b;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    tracer = otel.getTracer("test");
    hub = InMemoryHub.create();
    ReefOpenTelemetry tracing = ReefOpenTelemetry.create(otel);
    a = reef(tracing);
    b = reef(tracing);
  }

  private Reef reef(ReefOpenTelemetry tracing) {
    return Reef.create(
        InMemoryBackend.builder().hub(hub).build(),
        tracing.configure(ReefOptions.custom().defaultChannel("traced")).build());
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
    otel.close();
  }

  private SpanData span(Predicate<SpanData> p) {
    await().atMost(WAIT).until(() -> exporter.getFinishedSpanItems().stream().anyMatch(p));
    return exporter.getFinishedSpanItems().stream().filter(p).findFirst().orElseThrow();
  }

  private static Predicate<SpanData> named(String name, SpanKind kind) {
    return s -> s.getName().equals(name) && s.getKind() == kind;
  }

  @Test
  void aPublishInsideASpanIsItsChildAndTheHandlerRunsInAChildOfThePublish() {
    CompletableFuture<String> inHandler = new CompletableFuture<>();
    b.subscribe(
        "bob",
        s -> {
          Span user = tracer.spanBuilder("bob-work").startSpan();
          user.end();
          inHandler.complete(Span.current().getSpanContext().getSpanId());
        });
    Span work = tracer.spanBuilder("alice-work").startSpan();
    Spore sent;
    try (Scope ignored = work.makeCurrent()) {
      sent = a.send("alice", "bob", Map.of("n", 1)).join();
    } finally {
      work.end();
    }

    SpanData publish = span(named("publish traced", SpanKind.PRODUCER));
    SpanData process = span(named("process traced", SpanKind.CONSUMER));
    SpanData user = span(s -> s.getName().equals("bob-work"));

    assertThat(publish.getParentSpanId()).isEqualTo(work.getSpanContext().getSpanId());
    assertThat(publish.getTraceId()).isEqualTo(work.getSpanContext().getTraceId());
    assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(process.getTraceId()).isEqualTo(publish.getTraceId());
    assertThat(user.getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(inHandler.join()).isEqualTo(process.getSpanId());

    // the spore carries the publish span's context, and trace_id is its trace
    TraceContext carried = TraceContext.read(sent);
    assertThat(carried.spanId()).isEqualTo(publish.getSpanId());
    assertThat(sent.traceId()).isEqualTo(publish.getTraceId());

    assertThat(publish.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("messaging.system"), "reef")
        .containsEntry(AttributeKey.stringKey("messaging.destination.name"), "traced")
        .containsEntry(AttributeKey.stringKey("messaging.message.id"), sent.id())
        .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "send")
        .containsEntry(AttributeKey.stringKey("messaging.operation.name"), "publish")
        .containsEntry(AttributeKey.stringKey("reef.outcome"), "success");
    assertThat(process.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("messaging.message.id"), sent.id())
        .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "process")
        .containsEntry(AttributeKey.stringKey("reef.agent"), "bob")
        .containsEntry(AttributeKey.longKey("reef.delivery.attempt"), 1L);
  }

  @Test
  void anAskAndItsReplyAreOneTrace() {
    b.subscribe("bob", s -> b.reply(s, "bob", Map.of("answer", 42)).join());
    Spore reply = a.ask("alice", "bob", Map.of("q", 1), WAIT).join();

    SpanData ask = span(named("ask traced", SpanKind.CLIENT));
    SpanData process = span(named("process traced", SpanKind.CONSUMER));
    List<SpanData> publishes =
        exporter.getFinishedSpanItems().stream()
            .filter(named("publish traced", SpanKind.PRODUCER))
            .toList();
    assertThat(publishes).hasSize(2);
    SpanData requestPublish =
        publishes.stream()
            .filter(p -> p.getParentSpanId().equals(ask.getSpanId()))
            .findFirst()
            .orElseThrow();
    SpanData replyPublish =
        publishes.stream()
            .filter(p -> p.getParentSpanId().equals(process.getSpanId()))
            .findFirst()
            .orElseThrow();
    assertThat(process.getParentSpanId()).isEqualTo(requestPublish.getSpanId());
    assertThat(TraceContext.read(reply).spanId()).isEqualTo(replyPublish.getSpanId());
    assertThat(reply.traceId()).isEqualTo(ask.getTraceId());
    assertThat(List.of(ask, process, requestPublish, replyPublish))
        .allMatch(s -> s.getTraceId().equals(ask.getTraceId()));
  }

  @Test
  void aReplyFromAnotherThreadIsAChildOfTheRequestsPublish() {
    b.subscribeAsync(
        "bob",
        // the continuation is attached before the delayed stage completes: it runs on the
        // delayed executor's thread, outside the handler and its span
        s ->
            CompletableFuture.runAsync(
                    () -> {},
                    CompletableFuture.delayedExecutor(
                        50, java.util.concurrent.TimeUnit.MILLISECONDS))
                .thenCompose(v -> b.reply(s, "bob", Map.of())));
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .expiresIn(WAIT)
            .build();
    Spore reply = a.channel("traced").ask(request, WAIT).join();
    SpanData ask = span(named("ask traced", SpanKind.CLIENT));
    SpanData requestPublish =
        span(s -> s.getKind() == SpanKind.PRODUCER && s.getParentSpanId().equals(ask.getSpanId()));
    SpanData replyPublish =
        span(
            s ->
                s.getKind() == SpanKind.PRODUCER
                    && s.getParentSpanId().equals(requestPublish.getSpanId()));
    assertThat(TraceContext.read(reply).spanId()).isEqualTo(replyPublish.getSpanId());
    assertThat(reply.traceId()).isEqualTo(ask.getTraceId());
  }

  @Test
  void aSendOutsideAnySpanStartsATraceWhoseIdTheSporeCarries() {
    b.subscribe("bob", s -> {});
    Spore sent = a.send("alice", "bob", Map.of()).join();
    SpanData publish = span(named("publish traced", SpanKind.PRODUCER));
    assertThat(publish.getParentSpanContext().isValid()).isFalse();
    assertThat(sent.traceId()).isEqualTo(publish.getTraceId());
    assertThat(TraceContext.read(sent).spanId()).isEqualTo(publish.getSpanId());
  }

  @Test
  void aMalformedTraceparentGivesARootProcessSpanAndTheHandlerStillRuns() throws Exception {
    CompletableFuture<Spore> got = new CompletableFuture<>();
    b.subscribe("bob", got::complete);
    // a foreign publisher: straight to a backend on the hub, no reef and no observer
    try (InMemoryBackend foreign = InMemoryBackend.builder().hub(hub).build()) {
      foreign.start(dev.reef.spi.BackendListener.NONE);
      Spore bad =
          Spore.builder()
              .type(SporeType.KNOWLEDGE)
              .fromAgent("stranger")
              .toAgent("bob")
              .metadata(Map.of("traceparent", "00-zz-01"))
              .build();
      foreign.publish("traced", bad).join();
      assertThat(got.get(10, java.util.concurrent.TimeUnit.SECONDS).id()).isEqualTo(bad.id());
    }
    SpanData process = span(named("process traced", SpanKind.CONSUMER));
    assertThat(process.getParentSpanContext().isValid()).isFalse();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(b.stats().agent("traced", "bob", SporeEvent.TRACE_CONTEXT_MALFORMED))
                    .isEqualTo(1));
  }

  @Test
  void aFailingHandlerMarksItsSpanAsAnError() {
    b.subscribe(
        "bob",
        s -> {
          throw new IllegalStateException("boom");
        });
    a.send("alice", "bob", Map.of()).join();
    SpanData process = span(named("process traced", SpanKind.CONSUMER));
    assertThat(process.getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(process.getEvents()).anyMatch(e -> e.getName().equals("exception"));
  }
}
