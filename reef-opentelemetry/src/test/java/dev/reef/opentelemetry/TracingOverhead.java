package dev.reef.opentelemetry;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tracing overhead, same JVM, alternating rounds (docs/performance.md#tracing-overhead): send →
 * handler throughput of one sender to one agent (at most {@value #WINDOW} spores in flight) with
 * trace context propagation off ({@code traceContext(false)}), on (core only, the default), and
 * with {@link ReefOpenTelemetry} (SDK, every span sampled, batch span processor to an exporter that
 * counts and drops). {@code memory} is the worst case (no I/O to hide the cost); {@code amqp} uses
 * the broker in {@code REEF_AMQP_URI} (default {@code amqp://guest:guest@127.0.0.1:5672}) and
 * deletes what it declared.
 *
 * <p>Usage: {@code TracingOverhead memory|amqp [spores per round] [rounds]}.
 */
public final class TracingOverhead {
  private static final int WINDOW = 1_000;
  private static final Map<String, Object> KNOWLEDGE = Map.of("n", 1, "text", "a small spore");

  private final Reef reef;
  private volatile Consumer<Spore> onSpore = s -> {};

  /** CPU microseconds per spore of the last round: this JVM's, and the broker's if known. */
  private double clientMicros;

  private double brokerMicros = Double.NaN;

  private TracingOverhead(Reef reef, String channel) {
    this.reef = reef;
    reef.channel(channel).subscribe("rx", s -> onSpore.accept(s));
  }

  /**
   * Runs the comparison and prints one line per configuration (median spores/s, ratio to off).
   *
   * @param args mode, spores per round, rounds
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    boolean amqp = args.length > 0 && args[0].equals("amqp");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : (amqp ? 5_000 : 100_000);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    String uri = System.getenv().getOrDefault("REEF_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
    String run = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    AtomicLong exported = new AtomicLong();
    String[] names = {"off", "core", "otel"};
    List<String> channels = new ArrayList<>();
    List<TracingOverhead> benches = new ArrayList<>();
    try (OpenTelemetrySdk otel = sdk(exported)) {
      ReefOpenTelemetry tracing =
          ReefOpenTelemetry.builder(otel).messagingSystem(amqp ? "rabbitmq" : "reef").build();
      for (int c = 0; c < names.length; c++) {
        String channel = "tracing-overhead-" + run + "-" + names[c];
        channels.add(channel);
        ReefOptions.Builder o = ReefOptions.custom().defaultChannel(channel);
        if (c == 0) {
          o.traceContext(false);
        } else if (c == 2) {
          tracing.configure(o);
        }
        Reef reef =
            amqp
                ? Reef.connect(uri, o.build())
                : Reef.create(InMemoryBackend.builder().build(), o.build());
        benches.add(new TracingOverhead(reef, channel));
      }
      List<List<Double>> results = new ArrayList<>();
      List<List<Double>> client = new ArrayList<>();
      List<List<Double>> broker = new ArrayList<>();
      for (TracingOverhead b : benches) {
        b.flood(Math.min(n, 20_000)); // warm-up, not counted
        results.add(new ArrayList<>());
        client.add(new ArrayList<>());
        broker.add(new ArrayList<>());
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.length; k++) {
          int c = (k + r) % names.length; // rotate which goes first
          TracingOverhead b = benches.get(c);
          results.get(c).add(b.flood(n));
          client.get(c).add(b.clientMicros);
          broker.get(c).add(b.brokerMicros);
        }
      }
      double off = median(results.get(0));
      System.out.printf(
          Locale.ROOT,
          "%s, %,d spores per round, %d rounds, %d cores%n",
          amqp ? "amqp" : "memory",
          n,
          rounds,
          Runtime.getRuntime().availableProcessors());
      for (int c = 0; c < names.length; c++) {
        double m = median(results.get(c));
        System.out.printf(
            Locale.ROOT,
            "%-5s median %,10.0f spores/s  ratio to off %.3f  rounds %s%n",
            names[c],
            m,
            m / off,
            results.get(c).stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList());
        List<Double> paired = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          paired.add(results.get(c).get(r) / results.get(0).get(r));
        }
        System.out.printf(
            Locale.ROOT,
            "      median of the per-round ratios to off (same rotation) %.3f;"
                + " CPU per spore (median): client %.1f us, broker %.1f us%n",
            median(paired),
            median(client.get(c)),
            median(broker.get(c)));
      }
      System.out.println("spans exported: " + exported.get());
    } finally {
      for (TracingOverhead b : benches) {
        b.reef.close(Duration.ofSeconds(5));
      }
      if (amqp) {
        cleanup(uri, channels);
      }
    }
  }

  private static OpenTelemetrySdk sdk(AtomicLong exported) {
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
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(counting).build())
                .build())
        .build();
  }

  /** n spores from one sender to the receiving agent, {@value #WINDOW} in flight; spores/s. */
  private double flood(int n) throws Exception {
    Semaphore window = new Semaphore(WINDOW);
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    onSpore =
        s -> {
          window.release();
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    long cpu0 = processCpuNanos();
    long broker0 = brokerCpuTicks();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("nothing handled for 60 s");
      }
      reef.send("tx", "rx", KNOWLEDGE);
    }
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new TimeoutException("handled " + received.get() + " of " + n);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    clientMicros = (processCpuNanos() - cpu0) / 1e3 / n;
    long broker1 = brokerCpuTicks();
    brokerMicros = broker0 < 0 || broker1 < 0 ? Double.NaN : (broker1 - broker0) * 1e4 / n;
    return n / seconds;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * User + system CPU of the broker process named by the system property {@code broker.pid}, in
   * clock ticks (1/100 s on Linux), from {@code /proc/<pid>/stat}; -1 if not set or unreadable.
   */
  private static long brokerCpuTicks() {
    String pid = System.getProperty("broker.pid");
    if (pid == null) {
      return -1;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static void cleanup(String uri, List<String> channels) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    try (Connection c = f.newConnection("tracing-overhead-cleanup");
        Channel ch = c.createChannel()) {
      for (String channel : channels) {
        ch.queueDelete("reef." + channel + ".rx");
        ch.queueDelete("reef-dlq." + channel);
        ch.exchangeDelete("reef." + channel);
        ch.exchangeDelete("reef-dlx." + channel);
      }
    }
  }
}
