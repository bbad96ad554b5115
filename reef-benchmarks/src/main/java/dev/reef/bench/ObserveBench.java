package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.memory.InMemoryBackend;
import dev.reef.micrometer.ReefMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The overhead of instrumentation ({@code --only observe}): in one child JVM ({@code -Xmx256m}),
 * two in-memory reefs, one plain and one with {@link ReefMetrics} on a {@code SimpleMeterRegistry}
 * (counters, publish / process observations as timers, end-to-end timer), flooded in alternating
 * rounds with directed spores from one sender to one agent (at most {@link InMemoryBench#WINDOW} in
 * flight). The in-memory backend is the worst case: nothing else costs much there. Prints {@code
 * RESULT} lines that {@link #section} reads.
 */
final class ObserveBench {
  private final Reef reef;
  private final ReefChannel main;
  private volatile Consumer<Spore> onSpore = s -> {};

  private ObserveBench(ReefOptions options) {
    reef = Reef.create(InMemoryBackend.builder().build(), options);
    main = reef.channel("bench");
    main.subscribe("rx", s -> onSpore.accept(s));
  }

  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    ObserveBench plain = new ObserveBench(ReefOptions.ofDefaults());
    ObserveBench metrics =
        new ObserveBench(
            ReefOptions.custom()
                .observer(ReefMetrics.builder(new SimpleMeterRegistry()).build())
                .build());
    ObserveBench counters =
        new ObserveBench(
            ReefOptions.custom()
                .observer(ReefMetrics.builder(new SimpleMeterRegistry()).timers(false).build())
                .build());
    ObserveBench[] all = {plain, metrics, counters};
    String[] names = {"plain", "metrics", "counters"};
    try {
      int warm = Math.min(n, 300_000);
      for (ObserveBench b : all) {
        b.flood(warm);
      }
      for (int r = 0; r < rounds; r++) {
        // Rotate which goes first, so none always runs on the warmer machine.
        for (int k = 0; k < all.length; k++) {
          int i = (r + k) % all.length;
          result(names[i], all[i].flood(n));
        }
      }
    } finally {
      for (ObserveBench b : all) {
        b.reef.close(Duration.ofSeconds(5));
      }
    }
  }

  private static void result(String key, double value) {
    System.out.println(String.format(Locale.ROOT, "RESULT %s %.3f", key, value));
    System.out.flush();
  }

  /** n spores from one sender to the receiving agent; returns spores/s. */
  private double flood(int n) throws Exception {
    Semaphore window = new Semaphore(InMemoryBench.WINDOW);
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    onSpore =
        s -> {
          window.release();
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new TimeoutException("observe: nothing handled for 30 s");
      }
      if (main.send("tx", "rx", InMemoryBench.KNOWLEDGE).isCompletedExceptionally()) {
        throw new IllegalStateException("observe: a send failed");
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("observe: handler got " + received.get() + " of " + n);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * AMQP: a plain pair of reefs (sender, receiver; two connections each) and an instrumented pair
   * (ReefMetrics on both), flooded in alternating rounds like the throughput section (confirm
   * window of sends in flight).
   */
  private static Series[] amqp(BenchSettings s, String runId) throws Exception {
    String channel = "bench-" + runId + "-observe";
    Series plain = new Series(true);
    Series metrics = new Series(true);
    List<Reef> reefs = new java.util.ArrayList<>();
    try {
      AmqpPair off =
          new AmqpPair(s, channel, () -> ReefOptions.custom().defaultChannel(channel), reefs, null);
      // One ReefMetrics per reef (its gauges read that reef), on one registry.
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      AmqpPair on =
          new AmqpPair(
              s,
              channel,
              () ->
                  ReefOptions.custom()
                      .defaultChannel(channel)
                      .observer(ReefMetrics.builder(registry).build()),
              reefs,
              "on");
      off.flood(Math.min(5_000, s.throughputMessages()));
      on.flood(Math.min(5_000, s.throughputMessages()));
      for (int r = 0; r < s.rounds(); r++) {
        boolean offFirst = r % 2 == 0;
        double a = (offFirst ? off : on).flood(s.throughputMessages());
        double b = (offFirst ? on : off).flood(s.throughputMessages());
        (offFirst ? plain : metrics).add(a);
        (offFirst ? metrics : plain).add(b);
        System.out.printf(
            Locale.ROOT,
            "  amqp round %d: plain %,.0f/s, metrics %,.0f/s%n",
            r + 1,
            offFirst ? a : b,
            offFirst ? b : a);
      }
    } finally {
      for (Reef reef : reefs) {
        reef.close(Duration.ofSeconds(5));
      }
      Amqp.deleteQuietly(
          s.uri(),
          List.of(
              "reef." + channel + ".rx",
              "reef." + channel + ".tx",
              "reef." + channel + ".rx-on",
              "reef." + channel + ".tx-on"),
          List.of("reef." + channel));
    }
    return new Series[] {plain, metrics};
  }

  /** A sender reef and a receiver reef on AMQP; agent names suffixed to keep the pairs apart. */
  private static final class AmqpPair {
    private final ReefChannel tx;
    private final String to;
    private final String from;
    private final int window;
    private volatile Consumer<Spore> onSpore = x -> {};

    AmqpPair(
        BenchSettings s,
        String channel,
        Supplier<ReefOptions.Builder> options,
        List<Reef> reefs,
        String suffix) {
      this.to = suffix == null ? "rx" : "rx-" + suffix;
      this.from = suffix == null ? "tx" : "tx-" + suffix;
      this.window = s.confirmWindow();
      Reef rx =
          Reef.create(
              ReefBackends.amqp(
                  s.uri(), ReefBackends.Layout.LEAN, s.prefetch(), window, "reef-bench-obs-rx"),
              options.get().build());
      reefs.add(rx);
      Reef txReef =
          Reef.create(
              ReefBackends.amqp(
                  s.uri(), ReefBackends.Layout.LEAN, s.prefetch(), window, "reef-bench-obs-tx"),
              options.get().build());
      reefs.add(txReef);
      rx.channel(channel).subscribe(to, x -> onSpore.accept(x));
      tx = txReef.channel(channel);
    }

    double flood(int n) throws Exception {
      CountDownLatch done = new CountDownLatch(1);
      AtomicLong received = new AtomicLong();
      onSpore =
          x -> {
            if (received.incrementAndGet() == n) {
              done.countDown();
            }
          };
      Semaphore inFlight = new Semaphore(window);
      AtomicLong failed = new AtomicLong();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
          throw new TimeoutException("observe amqp: sends not accepted within 60 s");
        }
        tx.send(from, to, Payload.KNOWLEDGE)
            .whenComplete(
                (x, e) -> {
                  if (e != null) {
                    failed.incrementAndGet();
                  }
                  inFlight.release();
                });
      }
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("observe amqp: handler got " + received.get() + " of " + n);
      }
      if (failed.get() > 0) {
        throw new IllegalStateException("observe amqp: " + failed.get() + " sends failed");
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Runs the in-memory child JVM and the AMQP rounds, and adds their rows to the table. */
  static void section(BenchSettings s, String runId, ResultTable table) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== instrumentation overhead (in memory, child JVM, -Xmx256m): %,d spores per round%n",
        s.memoryMessages());
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            ObserveBench.class.getName(),
            Integer.toString(s.memoryMessages()),
            Integer.toString(s.memoryRounds()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, Series> results = new HashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          String[] parts = line.split(" ");
          double v = Double.parseDouble(parts[2]);
          results.computeIfAbsent(parts[1], k -> new Series(true)).add(v);
          System.out.printf(Locale.ROOT, "  %-34s %,14.3f%n", parts[1], v);
        } else {
          System.out.println("  | " + line);
        }
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    Series none = new Series(true);
    table.add(
        new ResultTable.Row(
            "observe",
            "directed in memory, metrics on vs off",
            "spores/s",
            "reef, no observer",
            results.getOrDefault("plain", none),
            "reef + ReefMetrics",
            results.getOrDefault("metrics", none),
            "- (worst case)",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "observe",
            "directed in memory, counters only (timers off)",
            "spores/s",
            "reef, no observer",
            results.getOrDefault("plain", none),
            "reef + ReefMetrics, timers(false)",
            results.getOrDefault("counters", none),
            "-",
            Double.NaN,
            Double.NaN));
    System.out.printf(
        Locale.ROOT,
        "%n== instrumentation overhead (AMQP, this JVM): %,d spores per round%n",
        s.throughputMessages());
    Series[] amqp = amqp(s, runId);
    table.add(
        new ResultTable.Row(
            "observe",
            "AMQP 1 KB spores, metrics on vs off",
            "msg/s",
            "reef, no observer",
            amqp[0],
            "reef + ReefMetrics",
            amqp[1],
            ">= 0.95 x",
            0.95,
            Double.NaN));
  }
}
