package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.memory.InMemoryBackend;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The in-memory backend, run in a child JVM with {@code -Xmx256m} so that the heap bound is part of
 * the measurement: one sender thread, one receiving agent; directed and broadcast spores/s end to
 * end (send call to handler), and latency at a fixed rate and at ten times it, each beside the same
 * hand-off through a plain single-thread executor (the machine's floor); directed spores/s also
 * with {@code traceContext(false)}, alternating with the default. The sender keeps at most {@link
 * #WINDOW} spores in flight (sent, not yet handled), which bounds memory. Prints {@code RESULT}
 * lines that the parent reads.
 */
final class InMemoryBench {
  static final int WINDOW = 4096;
  static final Map<String, Object> KNOWLEDGE = Map.of("event", "tick", "value", 42);

  private final Reef reef = Reef.inMemory();
  private final ReefChannel main = reef.channel("bench");

  /** The same with {@code traceContext(false)}, to tell the trace context's cost apart. */
  private final Reef untraced =
      Reef.create(
          InMemoryBackend.builder().build(), ReefOptions.custom().traceContext(false).build());

  private final ReefChannel plain = untraced.channel("bench");
  private volatile Consumer<Spore> onSpore = s -> {};

  private InMemoryBench() {
    main.subscribe("rx", s -> onSpore.accept(s));
    plain.subscribe("rx", s -> onSpore.accept(s));
  }

  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    InMemoryBench b = new InMemoryBench();
    try {
      b.run(n, rounds, rate, seconds);
    } finally {
      b.reef.close(Duration.ofSeconds(5));
      b.untraced.close(Duration.ofSeconds(5));
    }
  }

  private void run(int n, int rounds, int rate, int seconds) throws Exception {
    // Warm-up: both paths, not counted.
    flood(main, Math.min(n, 300_000), false);
    flood(main, Math.min(n, 300_000), true);
    flood(plain, Math.min(n, 300_000), false);
    for (int r = 0; r < rounds; r++) {
      CpuMeter.Reading before = CpuMeter.read();
      result("directed", flood(main, n, false));
      result("directed_cpu_us", CpuMeter.read().perOp(before, n)[0]);
      before = CpuMeter.read();
      result("directed_untraced", flood(plain, n, false));
      result("directed_untraced_cpu_us", CpuMeter.read().perOp(before, n)[0]);
      before = CpuMeter.read();
      result("broadcast", flood(main, n, true));
      result("broadcast_cpu_us", CpuMeter.read().perOp(before, n)[0]);
    }
    // Latency at the base rate and at ten times it, Reef and the bare hand-off alternating, so that
    // both see the same machine: the baseline is the floor a thread hand-off has here.
    for (int r = 0; r < Math.min(rounds, 3); r++) {
      for (int x : new int[] {1, 10}) {
        String suffix = x == 1 ? "" : "_x10";
        Histogram h = latency(rate * x, seconds, suffix);
        result("latency" + suffix + "_p50_ms", h.getValueAtPercentile(50) / 1e6);
        result("latency" + suffix + "_p99_ms", h.getValueAtPercentile(99) / 1e6);
        Histogram b = handOffLatency(rate * x, seconds);
        result("handoff" + suffix + "_p50_ms", b.getValueAtPercentile(50) / 1e6);
        result("handoff" + suffix + "_p99_ms", b.getValueAtPercentile(99) / 1e6);
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long gcs = 0;
    long gcMs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs += Math.max(0, gc.getCollectionCount());
      gcMs += Math.max(0, gc.getCollectionTime());
    }
    result("heap_peak_mb", peak / 1048576.0);
    result("heap_max_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
    result("gc_count", gcs);
    result("gc_ms", gcMs);
  }

  private static void result(String key, double value) {
    System.out.println(String.format(Locale.ROOT, "RESULT %s %.3f", key, value));
    System.out.flush();
  }

  /** n spores from one sender to the receiving agent; returns spores/s. */
  private double flood(ReefChannel ch, int n, boolean broadcast) throws Exception {
    Semaphore window = new Semaphore(WINDOW);
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    AtomicLong failed = new AtomicLong();
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
        throw new TimeoutException("in-memory: nothing handled for 30 s");
      }
      var f = broadcast ? ch.broadcast("tx", KNOWLEDGE) : ch.send("tx", "rx", KNOWLEDGE);
      if (f.isCompletedExceptionally()) {
        failed.incrementAndGet();
        window.release();
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("in-memory handler got " + received.get() + " of " + n);
    }
    long t1 = System.nanoTime();
    if (failed.get() > 0) {
      throw new IllegalStateException("in-memory: " + failed.get() + " sends failed");
    }
    return n / ((t1 - t0) / 1e9);
  }

  private Histogram latency(int rate, int seconds, String suffix) throws Exception {
    int n = rate * seconds;
    AtomicLongArray sentAt = new AtomicLongArray(n);
    Histogram h = Latency.newHistogram();
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong settled = new AtomicLong();
    onSpore =
        s -> {
          long now = System.nanoTime();
          int seq = ((Number) s.knowledge().get("seq")).intValue();
          Latency.record(h, now - sentAt.get(seq));
          if (settled.incrementAndGet() == n) {
            done.countDown();
          }
        };
    Pacer pacer = new Pacer(rate);
    long rejected = 0;
    for (int i = 0; i < n; i++) {
      pacer.awaitSlot(i);
      Map<String, Object> k = Map.of("event", "tick", "seq", i);
      sentAt.set(i, System.nanoTime());
      // A full mailbox (the consumer stalled for longer than the mailbox holds: 10,000 spores, 0.1
      // s
      // at 100,000/s, which a loaded machine does) rejects the send: counted, not waited for.
      if (main.send("tx", "rx", k).isCompletedExceptionally()) {
        rejected++;
        if (settled.incrementAndGet() == n) {
          done.countDown();
        }
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("in-memory handler settled " + settled.get() + " of " + n);
    }
    result("latency" + suffix + "_rejected", rejected);
    return h;
  }

  /**
   * The baseline of {@link #latency}: the same pacing and the same knowledge map handed to one
   * worker thread of {@link Executors#newSingleThreadExecutor()} (what an in-process hand-off costs
   * on this machine, with no Reef in between).
   */
  private static Histogram handOffLatency(int rate, int seconds) throws Exception {
    int n = rate * seconds;
    AtomicLongArray sentAt = new AtomicLongArray(n);
    Histogram h = Latency.newHistogram();
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      Pacer pacer = new Pacer(rate);
      for (int i = 0; i < n; i++) {
        pacer.awaitSlot(i);
        Map<String, Object> k = Map.of("event", "tick", "seq", i);
        sentAt.set(i, System.nanoTime());
        worker.execute(
            () -> {
              long now = System.nanoTime();
              int seq = ((Number) k.get("seq")).intValue();
              Latency.record(h, now - sentAt.get(seq));
              if (received.incrementAndGet() == n) {
                done.countDown();
              }
            });
      }
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("hand-off got " + received.get() + " of " + n);
      }
    } finally {
      worker.shutdownNow();
    }
    return h;
  }
}
