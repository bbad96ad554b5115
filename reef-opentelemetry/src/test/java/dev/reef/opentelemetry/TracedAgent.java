package dev.reef.opentelemetry;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.trace.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * A traced agent process for {@link CrossJvmTracingIT}: OpenTelemetry SDK with an in-memory span
 * exporter that also prints every finished span as a {@code SPAN} line, the broker from {@code
 * REEF_AMQP_URI}. Roles: {@code carol} answers requests; {@code bob} asks carol inside his handler
 * (in a span of his own) and answers with her answer; {@code alice} asks bob inside a {@code
 * workflow} span when told {@code go} and prints {@code REPLY <traceparent> <trace_id>}. Prints
 * {@code READY} once subscribed; exits on {@code quit} or end of input.
 */
public final class TracedAgent {
  private static final Duration ASK = Duration.ofSeconds(30);

  private TracedAgent() {}

  /**
   * Runs one agent.
   *
   * @param args role and channel
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String role = args[0];
    String channel = args[1];
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Printing(memory, role)))
            .build();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build()) {
      ReefOpenTelemetry tracing =
          ReefOpenTelemetry.builder(otel).messagingSystem("rabbitmq").build();
      ReefOptions options = tracing.configure(ReefOptions.custom().defaultChannel(channel)).build();
      var tracer = otel.getTracer("demo");
      try (Reef reef = Reef.fromEnvironment(options)) {
        switch (role) {
          case "carol":
            reef.subscribe("carol", s -> reef.reply(s, "carol", Map.of("stock", 3)).join());
            break;
          case "bob":
            reef.subscribe(
                "bob",
                s -> {
                  Span check = tracer.spanBuilder("check-stock").startSpan();
                  Spore stock;
                  try (Scope ignored = check.makeCurrent()) {
                    stock = reef.ask("bob", "carol", Map.of("item", "reef"), ASK).join();
                  } finally {
                    check.end();
                  }
                  reef.reply(s, "bob", Map.of("stock", stock.knowledge().get("stock"))).join();
                });
            break;
          case "alice":
            reef.declareMailbox("alice");
            break;
          default:
            throw new IllegalArgumentException("role " + role);
        }
        print("READY");
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
          if (line.equals("go")) {
            Span workflow = tracer.spanBuilder("workflow").startSpan();
            try (Scope ignored = workflow.makeCurrent()) {
              Spore reply = reef.ask("alice", "bob", Map.of("order", "reef"), ASK).join();
              print(
                  "REPLY "
                      + reply.metadata().get(TraceContext.TRACEPARENT)
                      + " "
                      + reply.traceId()
                      + " "
                      + reply.knowledge());
            } finally {
              workflow.end();
            }
          }
        }
      }
    }
  }

  static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Keeps the spans in memory and prints each as one line. */
  private static final class Printing implements SpanExporter {
    private final InMemorySpanExporter memory;
    private final String jvm;

    Printing(InMemorySpanExporter memory, String jvm) {
      this.memory = memory;
      this.jvm = jvm;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData s : spans) {
        print(
            String.join(
                "|",
                "SPAN " + jvm,
                s.getName(),
                s.getKind().name(),
                s.getTraceId(),
                s.getSpanId(),
                s.getParentSpanId(),
                Long.toString(s.getStartEpochNanos()),
                attr(s, "messaging.system"),
                attr(s, "messaging.message.id"),
                attr(s, "reef.agent")));
      }
      return memory.export(spans);
    }

    private static String attr(SpanData s, String key) {
      Object v = s.getAttributes().get(AttributeKey.stringKey(key));
      return v == null ? "" : v.toString();
    }

    @Override
    public CompletableResultCode flush() {
      return memory.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return memory.shutdown();
    }
  }
}
