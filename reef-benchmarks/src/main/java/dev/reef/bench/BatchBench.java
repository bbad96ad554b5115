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
 * lean layout, persistent, confirms), same confirm window, same receiver; and against Spring AMQP's
 * batched confirms ({@link SpringAmqp#throughput}: {@code waitForConfirmsOrDie} every {@value
 * SpringAmqp#CONFIRM_BATCH} messages inside one {@code invoke}, the raw side's message shape). The
 * three sides take turns, each round starting one side later; each side is warmed up twice first,
 * so that no side's first counted round runs cold. Besides msg/s and CPU, the write system calls of
 * this JVM per spore (publishes and the receiver's acks) show the socket flushes a batch saves.
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
    Series singleWrites = new Series(false);
    Series batchedWrites = new Series(false);
    Series spring = new Series(true);
    Series springCpu = new Series(false);
    Series springBroker = new Series(false);
    Series springWrites = new Series(false);
    BatchBench b = new BatchBench(s, runId);
    SpringAmqp springSide = null;
    try {
      try {
        springSide = new SpringAmqp(s, runId + "b");
      } catch (Exception e) {
        System.out.println("  spring unavailable: " + e);
      }
      SpringAmqp sp = springSide;
      List<Side> sides = new ArrayList<>();
      sides.add(
          new Side(
              "single", new Series[] {single, singleCpu, singleBroker, singleWrites}, b::single));
      sides.add(
          new Side(
              "batched",
              new Series[] {batched, batchedCpu, batchedBroker, batchedWrites},
              b::batched));
      if (sp != null) {
        sides.add(
            new Side(
                "spring (confirms every " + SpringAmqp.CONFIRM_BATCH + ")",
                new Series[] {spring, springCpu, springBroker, springWrites},
                sp::throughput));
      }
      int warm = s.warmupMessages();
      for (int w = 0; w < 2; w++) {
        for (Side side : sides) {
          round("warm-up " + side.label(), null, warm, side.run());
        }
      }
      for (int r = 1; r <= s.rounds(); r++) {
        System.out.println(" round " + r);
        for (int i = 0; i < sides.size(); i++) {
          Side side = sides.get((i + r - 1) % sides.size());
          round(side.label(), side.into(), n, side.run());
        }
      }
    } finally {
      b.close();
      if (springSide != null) {
        springSide.close();
        Amqp.deleteQuietly(s.uri(), springSide.queues(), List.of(springSide.exchange));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  batched / single (medians): %.2fx; batched / spring: %.2fx%n",
        batched.median() / single.median(),
        batched.median() / spring.median());
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
            "vs Spring AMQP's batched confirms (raw shape)",
            "msg/s",
            "spring (invoke, confirms every " + SpringAmqp.CONFIRM_BATCH + ")",
            spring,
            "reef publishAll",
            batched,
            "ratio >= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP batch publish",
            "write system calls per spore, this JVM (publishes + acks)",
            "count",
            "reef single publish",
            singleWrites,
            "reef publishAll",
            batchedWrites,
            "",
            Double.NaN,
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

  /** A side of a round: n spores through it, msg/s back. */
  @FunctionalInterface
  private interface Rate {
    double run(int n) throws Exception;
  }

  /**
   * A side: its label, where its rounds go (msg/s, client CPU, broker CPU, write calls per spore)
   * and how it runs.
   */
  private record Side(String label, Series[] into, Rate run) {}

  /** One round; {@code into} gets msg/s, CPU and write calls per spore (null: not kept). */
  private static void round(String label, Series[] into, int n, Rate side) {
    try {
      CpuMeter.Reading before = CpuMeter.read();
      long writesBefore = CpuMeter.writeCalls();
      double v = side.run(n);
      double[] cpu = CpuMeter.read().perOp(before, n);
      double writes = (CpuMeter.writeCalls() - writesBefore) / (double) n;
      if (into != null) {
        into[0].add(v);
        into[1].add(cpu[0]);
        if (!Double.isNaN(cpu[1])) {
          into[2].add(cpu[1]);
        }
        if (writesBefore >= 0) {
          into[3].add(writes);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "  %-34s %,10.0f msg/s   per spore: client CPU %6.1f us, broker CPU %6.1f us,"
              + " %.2f write calls%n",
          label,
          v,
          cpu[0],
          cpu[1],
          writes);
    } catch (Exception e) {
      BenchmarkMain.FAILURES.incrementAndGet();
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
