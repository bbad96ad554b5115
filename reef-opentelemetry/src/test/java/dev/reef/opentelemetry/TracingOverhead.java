package dev.reef.opentelemetry;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.memory.InMemoryBackend;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracing overhead, same JVM, interleaved rounds (docs/performance.md): in-memory send → handler
 * throughput with trace context propagation off, on (core only, the default), and with {@link
 * ReefOpenTelemetry} (SDK, always sampled, batch span processor to an exporter that counts and
 * drops). In memory there is no I/O to hide the cost, so this is the worst case for the ratio.
 *
 * <p>Usage: {@code TracingOverhead [spores per round] [rounds]} (default 50,000 × 7).
 */
public final class TracingOverhead {
  private TracingOverhead() {}

  /**
   * Runs the comparison and prints one line per configuration (median spores/s) and the ratios.
   *
   * @param args spores per round, rounds
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    AtomicLong exported = new AtomicLong();
    SpanExporter counting =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(BatchSpanProcessor.builder(counting).build())
                    .build())
            .build()) {
      ReefOpenTelemetry tracing = ReefOpenTelemetry.create(otel);
      String[] names = {"off", "core", "otel"};
      List<List<Double>> results = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      // one warm-up round each, not counted
      for (int r = -1; r < rounds; r++) {
        for (int c = 0; c < names.length; c++) {
          ReefOptions.Builder o = ReefOptions.custom().defaultChannel("bench");
          if (c == 0) {
            o.traceContext(false);
          } else if (c == 2) {
            tracing.configure(o);
          }
          double rate = round(o.build(), n);
          if (r >= 0) {
            results.get(c).add(rate);
          }
        }
      }
      double off = median(results.get(0));
      for (int c = 0; c < names.length; c++) {
        double m = median(results.get(c));
        System.out.printf(
            "%-5s median %,10.0f spores/s  ratio to off %.3f  rounds %s%n",
            names[c], m, m / off, results.get(c));
      }
      System.out.println("spans exported: " + exported.get());
    }
  }

  private static double round(ReefOptions options, int n) throws InterruptedException {
    try (Reef reef =
        Reef.create(InMemoryBackend.builder().mailboxCapacity(n + 1).build(), options)) {
      CountDownLatch done = new CountDownLatch(n);
      reef.subscribe("bob", s -> done.countDown());
      Map<String, Object> knowledge = Map.of("n", 1, "text", "a small spore");
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        reef.send("alice", "bob", knowledge);
      }
      if (!done.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not all handled: " + done.getCount() + " left");
      }
      long elapsed = System.nanoTime() - t0;
      reef.close(Duration.ofSeconds(5));
      return n / (elapsed / 1e9);
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
