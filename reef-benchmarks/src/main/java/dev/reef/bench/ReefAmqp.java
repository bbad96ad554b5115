package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The Reef side: two reefs on two AMQP backends (two connections, like the raw side), one sending
 * through the facade ({@code publish}, {@code ask}), the other subscribed as the receiving agent.
 * The sender keeps at most the confirm window of sends unaccepted, as the raw publisher does.
 *
 * <p>Each spore has the raw side's shape ({@link RawAmqp#sporeProperties}): a knowledge spore from
 * {@code tx} to {@code rx}, priority {@value #PRIORITY}, a {@link #EXPIRY} expiry, persistent and
 * mandatory (the backend's defaults). {@code send(...)} sets no expiry, so the spore is built (as a
 * user who wants an expiry builds it) and published; {@code WireShapeIT} compares the two sides'
 * messages on the wire.
 */
final class ReefAmqp implements AutoCloseable {
  private final BenchSettings settings;
  private final Reef tx;
  private final Reef rx;
  private final ReefChannel txChannel;
  final String channel;
  private volatile Consumer<Spore> onSpore = s -> {};

  /** The spore priority of both sides (the raw side's {@code priority} property). */
  static final int PRIORITY = 5;

  /**
   * The expiry of both sides (the raw side's {@code expiration}, {@value RawAmqp#EXPIRATION_MS}).
   */
  static final Duration EXPIRY = Duration.ofMillis(Long.parseLong(RawAmqp.EXPIRATION_MS));

  ReefAmqp(BenchSettings settings, String runId, ReefBackends.Layout layout) {
    this.settings = settings;
    this.channel = "bench-" + runId + "-" + layout.name().toLowerCase(java.util.Locale.ROOT);
    ReefOptions options = ReefOptions.custom().defaultChannel(channel).build();
    this.rx = Reef.create(backend(settings, layout, "reef-bench-rx"), options);
    this.tx = Reef.create(backend(settings, layout, "reef-bench-tx"), options);
    this.txChannel = tx.channel(channel);
    ReefChannel rxChannel = rx.channel(channel);
    rxChannel.subscribe("rx", spore -> onSpore.accept(spore));
    rxChannel.subscribe(
        "svc",
        request -> {
          rxChannel.reply(request, "svc", Map.of("answer", request.knowledge().get("n")));
        });
    // Two askers: "cli" is a subscribed agent (its mailbox is consumed anyway, as for any agent
    // with handlers); "cli-bare" has no handlers and no mailbox (a CLI, a web request): its asks
    // take their replies by direct reply-to on the backend's long-lived reply consumer.
    txChannel.subscribe("cli", spore -> {});
  }

  private static dev.reef.spi.ReefBackend backend(
      BenchSettings s, ReefBackends.Layout layout, String name) {
    return ReefBackends.amqp(s.uri(), layout, s.prefetch(), s.confirmWindow(), name);
  }

  List<String> queues() {
    return List.of(
        "reef." + channel + ".rx",
        "reef." + channel + ".svc",
        "reef." + channel + ".cli",
        "reef." + channel + ".cli-bare",
        "reef." + channel + ".tx");
  }

  String exchange() {
    return "reef." + channel;
  }

  /**
   * The benchmark's spore: what {@code send("tx", "rx", knowledge)} builds, plus the raw side's
   * priority and expiry.
   */
  static Spore spore(Map<String, ?> knowledge) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("tx")
        .toAgent("rx")
        .knowledge(knowledge)
        .priority(PRIORITY)
        .expiresIn(EXPIRY)
        .build();
  }

  /** Publishes one benchmark spore and waits for its acceptance (for the wire-shape test). */
  Spore publishOne() throws Exception {
    return txChannel.publish(spore(Payload.KNOWLEDGE)).get(30, TimeUnit.SECONDS);
  }

  /** One throughput round: n sends, first send to last handler call (all accepted). */
  double throughput(int n) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    onSpore =
        s -> {
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    int w = settings.confirmWindow();
    Semaphore window = new Semaphore(w);
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      acquire(window, 1);
      txChannel
          .publish(spore(Payload.KNOWLEDGE))
          .whenComplete(
              (s, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
                window.release();
              });
    }
    acquire(window, w);
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("reef handler got " + received.get() + " of " + n);
    }
    long t1 = System.nanoTime();
    if (failed.get() > 0) {
      throw new IllegalStateException("reef: " + failed.get() + " sends failed");
    }
    return n / ((t1 - t0) / 1e9);
  }

  private static void acquire(Semaphore s, int permits) throws Exception {
    if (!s.tryAcquire(permits, 60, TimeUnit.SECONDS)) {
      throw new TimeoutException("sends not accepted within 60 s");
    }
  }

  /** End-to-end latency at a fixed rate: send call to handler call. */
  Latency latency(int rate, int seconds) throws Exception {
    int n = rate * seconds;
    AtomicLongArray sentAt = new AtomicLongArray(n);
    Histogram h = Latency.newHistogram();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    onSpore =
        s -> {
          long now = System.nanoTime();
          int seq = ((Number) s.knowledge().get("seq")).intValue();
          Latency.record(h, now - sentAt.get(seq));
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    int w = settings.confirmWindow();
    Semaphore window = new Semaphore(w);
    Pacer pacer = new Pacer(rate);
    for (int i = 0; i < n; i++) {
      pacer.awaitSlot(i);
      acquire(window, 1);
      Map<String, Object> k = Payload.withSeq(i);
      sentAt.set(i, System.nanoTime());
      txChannel.publish(spore(k)).whenComplete((s, e) -> window.release());
    }
    acquire(window, w);
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("reef handler got " + received.get() + " of " + n);
    }
    return Latency.of(h, rate);
  }

  /**
   * Sequential {@code ask} round trips.
   *
   * @param subscribedAsker true: ask as an agent with a handler; false: as one without handlers
   */
  Latency ask(int calls, int warmup, boolean subscribedAsker) throws Exception {
    String asker = subscribedAsker ? "cli" : "cli-bare";
    Histogram h = Latency.newHistogram();
    Duration timeout = Duration.ofSeconds(10);
    long t0 = 0;
    for (int i = -warmup; i < calls; i++) {
      if (i == 0) {
        t0 = System.nanoTime();
      }
      long start = System.nanoTime();
      txChannel
          .ask(asker, "svc", Map.of("question", "ping", "n", i), timeout)
          .get(15, TimeUnit.SECONDS);
      if (i >= 0) {
        Latency.record(h, System.nanoTime() - start);
      }
    }
    return Latency.of(h, calls / ((System.nanoTime() - t0) / 1e9));
  }

  @Override
  public void close() {
    try {
      tx.close(Duration.ofSeconds(5));
    } finally {
      rx.close(Duration.ofSeconds(5));
    }
  }
}
