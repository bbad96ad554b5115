package dev.reef.examples.bench;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.memory.InMemoryBackend;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the in-memory backend end to end: one sender thread sending directed spores to one
 * receiving agent (a synchronous handler that counts), then one sender broadcasting to {@value
 * #BROADCAST_RECEIVERS} agents. Mailboxes hold up to {@value #CAPACITY} spores and the sender keeps
 * at most {@value #WINDOW} unhandled, so the bounded mailboxes never overflow; the figure is
 * handled spores per second, from the first send to the last handler return.
 *
 * <p>Run: {@code java -Xmx256m -cp ... dev.reef.examples.bench.InMemoryThroughput [directedCount]
 * [broadcastCount] [rounds]}. Prints each round, the median and the best; asserts nothing. On a
 * shared machine the figures swing with the load; the load average is printed first.
 */
public final class InMemoryThroughput {
  private static final int WINDOW = 65_536;
  private static final int CAPACITY = 100_000;
  private static final int BROADCAST_RECEIVERS = 3;
  private static final Map<String, Object> KNOWLEDGE = Map.of("value", 42, "text", "hello");

  private InMemoryThroughput() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: directed spores per round (default 5,000,000), broadcasts per round
   *     (default 1,000,000), measured rounds (default 5)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    long directed = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    long broadcasts = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.printf(
        Locale.ROOT,
        "in-memory throughput: %d processors, max heap %d MiB, system load average %.1f%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    directed(directed / 5); // warm-up
    double[] d = new double[rounds];
    long cpuBefore = processCpuNanos();
    for (int r = 0; r < rounds; r++) {
      d[r] = directed(directed);
      System.out.printf(Locale.ROOT, "round %d: directed  %,12.0f spores/s%n", r + 1, d[r]);
    }
    long cpuPerSpore = (processCpuNanos() - cpuBefore) / (directed * rounds);
    broadcast(broadcasts / 5); // warm-up
    double[] b = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      b[r] = broadcast(broadcasts);
      System.out.printf(
          Locale.ROOT,
          "round %d: broadcast %,12.0f broadcasts/s (%,.0f deliveries/s to %d agents)%n",
          r + 1,
          b[r],
          b[r] * BROADCAST_RECEIVERS,
          BROADCAST_RECEIVERS);
    }
    Arrays.sort(d);
    Arrays.sort(b);
    System.out.printf(
        Locale.ROOT,
        "directed spores/s end to end (1 sender, 1 receiving agent): median %,.0f, best %,.0f%n",
        d[rounds / 2],
        d[rounds - 1]);
    System.out.printf(
        Locale.ROOT,
        "process CPU per directed spore (all threads, sender + receiver + GC): %,d ns%n",
        cpuPerSpore);
    System.out.printf(
        Locale.ROOT,
        "broadcasts/s (1 sender, %d receiving agents): median %,.0f, best %,.0f%n",
        BROADCAST_RECEIVERS,
        b[rounds / 2],
        b[rounds - 1]);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "heap in use at the end: %d MiB%n",
        (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return 0;
  }

  private static double directed(long count) throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    try (Reef reef =
        Reef.create(
            InMemoryBackend.builder().mailboxCapacity(CAPACITY).build(),
            ReefOptions.ofDefaults())) {
      reef.subscribe("receiver", spore -> handled.incrementAndGet());
      long start = System.nanoTime();
      long seen = 0;
      for (long i = 0; i < count; i++) {
        while (i - seen >= WINDOW) {
          seen = handled.get();
          if (i - seen >= WINDOW) {
            Thread.onSpinWait();
          }
        }
        reef.send("sender", "receiver", KNOWLEDGE);
      }
      while (handled.get() < count) {
        Thread.onSpinWait();
      }
      long nanos = System.nanoTime() - start;
      reef.close(Duration.ofSeconds(5));
      return count * 1e9 / nanos;
    }
  }

  private static double broadcast(long count) throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    try (Reef reef =
        Reef.create(
            InMemoryBackend.builder().mailboxCapacity(CAPACITY).build(),
            ReefOptions.ofDefaults())) {
      for (int a = 0; a < BROADCAST_RECEIVERS; a++) {
        reef.subscribe("listener-" + a, spore -> handled.incrementAndGet());
      }
      long expected = count * BROADCAST_RECEIVERS;
      long window = WINDOW; // deliveries outstanding per mailbox stay below the capacity
      long start = System.nanoTime();
      long seen = 0;
      for (long i = 0; i < count; i++) {
        while (i * BROADCAST_RECEIVERS - seen >= window) {
          seen = handled.get();
          if (i * BROADCAST_RECEIVERS - seen >= window) {
            Thread.onSpinWait();
          }
        }
        reef.broadcast("sender", KNOWLEDGE);
      }
      while (handled.get() < expected) {
        Thread.onSpinWait();
      }
      long nanos = System.nanoTime() - start;
      reef.close(Duration.ofSeconds(5));
      return count * 1e9 / nanos;
    }
  }
}
