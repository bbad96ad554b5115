package dev.reef.bench;

import dev.reef.BatchResult;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code batch} section: AMQP throughput of {@link ReefChannel#publishAll} in batches of
 * {@value #BATCH} against single-spore {@link ReefChannel#publish} calls, same spores (1 KB JSON,
 * lean layout, persistent, confirms), same confirm window, same receiver, alternating rounds.
 */
final class BatchBench {
  /** Spores per batch. */
  static final int BATCH = 100;

  private final BenchSettings settings;
  private final Reef tx;
  private final Reef rx;
  private final ReefChannel txChannel;
  private final String channel;
  private volatile Runnable onSpore = () -> {};

  private BatchBench(BenchSettings settings, String runId) {
    this.settings = settings;
    this.channel = "bench-" + runId + "-batch";
    ReefOptions options = ReefOptions.custom().defaultChannel(channel).build();
    this.rx = Reef.create(backend("reef-bench-batch-rx"), options);
    this.tx = Reef.create(backend("reef-bench-batch-tx"), options);
    this.txChannel = tx.channel(channel);
    rx.channel(channel).subscribe("rx", spore -> onSpore.run());
  }

  private dev.reef.spi.ReefBackend backend(String name) {
    return ReefBackends.amqp(
        settings.uri(),
        ReefBackends.Layout.LEAN,
        settings.prefetch(),
        settings.confirmWindow(),
        name);
  }

  /** Runs the section and adds its row. */
  static void run(BenchSettings s, String runId, ResultTable table) throws Exception {
    int n = s.throughputMessages();
    System.out.printf(
        Locale.ROOT,
        "%n== AMQP batch publish: %d spores per round, batches of %d vs single publishes%n",
        n,
        BATCH);
    Series single = new Series(true);
    Series batched = new Series(true);
    Series singleCpu = new Series(false);
    Series batchedCpu = new Series(false);
    Series singleBroker = new Series(false);
    Series batchedBroker = new Series(false);
    BatchBench b = new BatchBench(s, runId);
    try {
      int warm = s.warmupMessages();
      b.round("warm-up single", new Series[3], warm, false);
      b.round("warm-up batched", new Series[3], warm, true);
      Series[] singles = {single, singleCpu, singleBroker};
      Series[] batches = {batched, batchedCpu, batchedBroker};
      for (int r = 1; r <= s.rounds(); r++) {
        System.out.println(" round " + r);
        boolean batchFirst = r % 2 == 0;
        b.round(batchFirst ? "batched" : "single", batchFirst ? batches : singles, n, batchFirst);
        b.round(batchFirst ? "single" : "batched", batchFirst ? singles : batches, n, !batchFirst);
      }
    } finally {
      b.close();
    }
    System.out.printf(
        Locale.ROOT, "  batched / single (medians): %.2fx%n", batched.median() / single.median());
    table.add(
        new ResultTable.Row(
            "AMQP batch publish",
            "1 KB spores, batches of " + BATCH + ", confirms on",
            "msg/s",
            "reef single publish",
            single,
            "reef publishAll",
            batched,
            "ratio >= 1.30",
            1.30,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP batch publish",
            "CPU per spore, this JVM (publisher + consumer)",
            "us",
            "reef single publish",
            singleCpu,
            "reef publishAll",
            batchedCpu,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP batch publish",
            "CPU per spore, broker (beam.smp)",
            "us",
            "reef single publish",
            singleBroker,
            "reef publishAll",
            batchedBroker,
            "",
            Double.NaN,
            Double.NaN));
  }

  /** One round; {@code into} gets msg/s, client CPU and broker CPU per spore (null: not kept). */
  private void round(String label, Series[] into, int n, boolean batched) {
    try {
      CpuMeter.Reading before = CpuMeter.read();
      double v = batched ? batched(n) : single(n);
      double[] cpu = CpuMeter.read().perOp(before, n);
      if (into[0] != null) {
        into[0].add(v);
        into[1].add(cpu[0]);
        if (!Double.isNaN(cpu[1])) {
          into[2].add(cpu[1]);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "  %-34s %,10.0f msg/s   per spore: client CPU %6.1f us, broker CPU %6.1f us%n",
          label,
          v,
          cpu[0],
          cpu[1]);
    } catch (Exception e) {
      System.out.printf(Locale.ROOT, "  %-34s FAILED: %s%n", label, e);
    }
  }

  private static Spore spore() {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("tx")
        .toAgent("rx")
        .knowledge(Payload.KNOWLEDGE)
        .build();
  }

  private CountDownLatch expect(int n) {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    onSpore =
        () -> {
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    return done;
  }

  /** n single publishes, at most the confirm window unaccepted; first publish to last delivery. */
  private double single(int n) throws Exception {
    CountDownLatch done = expect(n);
    int w = settings.confirmWindow();
    Semaphore window = new Semaphore(w);
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      acquire(window, 1);
      txChannel
          .publish(spore())
          .whenComplete(
              (s, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
                window.release();
              });
    }
    acquire(window, w);
    return finish(done, n, t0, failed.get());
  }

  /** n spores in batches, at most the confirm window unaccepted; first batch to last delivery. */
  private double batched(int n) throws Exception {
    CountDownLatch done = expect(n);
    int w = Math.max(BATCH, settings.confirmWindow());
    Semaphore window = new Semaphore(w);
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i += BATCH) {
      int size = Math.min(BATCH, n - i);
      List<Spore> batch = new ArrayList<>(size);
      for (int j = 0; j < size; j++) {
        batch.add(spore());
      }
      acquire(window, size);
      CompletableFuture<BatchResult> f = txChannel.publishAll(batch);
      f.whenComplete(
          (r, e) -> {
            failed.addAndGet(e != null ? size : r.failures().size());
            window.release(size);
          });
    }
    acquire(window, w);
    return finish(done, n, t0, failed.get());
  }

  private static double finish(CountDownLatch done, int n, long t0, long failed) throws Exception {
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("the receiver did not get all " + n + " spores");
    }
    long t1 = System.nanoTime();
    if (failed > 0) {
      throw new IllegalStateException(failed + " publishes failed");
    }
    return n / ((t1 - t0) / 1e9);
  }

  private static void acquire(Semaphore s, int permits) throws Exception {
    if (!s.tryAcquire(permits, 60, TimeUnit.SECONDS)) {
      throw new TimeoutException("publishes not accepted within 60 s");
    }
  }

  private void close() {
    tx.close();
    rx.close();
    Amqp.deleteQuietly(
        settings.uri(),
        List.of("reef." + channel + ".rx", "reef." + channel + ".tx"),
        List.of("reef." + channel));
  }
}
