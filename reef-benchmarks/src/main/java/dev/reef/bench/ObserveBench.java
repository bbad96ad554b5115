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
    try {
      int warm = Math.min(n, 300_000);
      plain.flood(warm);
      metrics.flood(warm);
      for (int r = 0; r < rounds; r++) {
        // Alternate which goes first, so neither always runs on the warmer machine.
        ObserveBench first = r % 2 == 0 ? plain : metrics;
        ObserveBench second = first == plain ? metrics : plain;
        result(first == plain ? "plain" : "metrics", first.flood(n));
        result(second == plain ? "plain" : "metrics", second.flood(n));
      }
    } finally {
      plain.reef.close(Duration.ofSeconds(5));
      metrics.reef.close(Duration.ofSeconds(5));
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

  /** Runs the child JVM and adds the instrumented / plain row to the table. */
  static void section(BenchSettings s, ResultTable table) throws Exception {
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
            ">= 0.95 x",
            0.95,
            Double.NaN));
  }
}
