package dev.reef.bench;

import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.DirectoryOptions;
import dev.reef.directory.DirectoryQuery;
import dev.reef.memory.InMemoryDirectoryStore;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.DirectoryStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The directory benchmark (issue 14): registers N cards (1,000 by default), then measures, in a
 * second directory that reads them, the latency of discovery calls (served from the local view),
 * the heap each card costs in that view, and the records and bytes the live instances write per
 * agent per minute (leases).
 *
 * <pre>
 * java -cp reef-benchmarks/target/reef-benchmarks.jar dev.reef.bench.DirectoryBench [memory|amqp]
 *     [--cards N] [--window-seconds S]
 * </pre>
 *
 * The broker is {@code REEF_AMQP_URI} or {@code amqp://guest:guest@127.0.0.1:5672/%2F}.
 */
public final class DirectoryBench {
  private DirectoryBench() {}

  /** Counts what is appended. */
  private static final class Counting implements DirectoryStore {
    final DirectoryStore delegate;
    final AtomicLong records = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    Counting(DirectoryStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
      records.incrementAndGet();
      bytes.addAndGet(record.length);
      return delegate.append(channel, log, record);
    }

    @Override
    public AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink) {
      return delegate.follow(channel, log, sink);
    }

    @Override
    public MailboxInfo mailbox(String channel, String agent) {
      return delegate.mailbox(channel, agent);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 && !args[0].startsWith("--") ? args[0] : "memory";
    int cards = 1000;
    int windowSeconds = 30;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--cards")) {
        cards = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--window-seconds")) {
        windowSeconds = Integer.parseInt(args[++i]);
      }
    }
    Supplier<DirectoryStore> stores;
    if (backend.equals("amqp")) {
      String uri = System.getenv().getOrDefault("REEF_AMQP_URI", BenchSettings.DEFAULT_URI);
      stores = () -> AmqpDirectoryStore.builder().uri(uri).build();
    } else {
      InMemoryHub hub = InMemoryHub.create();
      stores = () -> InMemoryDirectoryStore.forHub(hub);
    }
    String channel = "dirbench" + Long.toString(System.nanoTime() & 0xffffff, 36);
    Counting writes = new Counting(stores.get());
    try (AgentDirectory writer = AgentDirectory.create(writes, DirectoryOptions.ofDefaults())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < cards; i++) {
        writer.register(
            channel,
            AgentCard.builder("agent-" + i)
                .kind("llm.k" + (i % 10))
                .capabilities("cap-" + (i % 50), "common")
                .version("1.0." + i)
                .description("benchmark agent number " + i + " of the directory")
                .metadata(Map.of("i", i, "model", "m-" + (i % 7)))
                .build());
      }
      double registerMs = (System.nanoTime() - t0) / 1e6 / cards;
      System.out.printf(
          "%s: %d cards registered, %.2f ms per registration%n", backend, cards, registerMs);

      long before = usedHeap();
      AgentDirectory reader = AgentDirectory.create(stores.get(), DirectoryOptions.ofDefaults());
      int found = reader.discover(channel, DirectoryQuery.all()).size();
      long after = usedHeap();
      System.out.printf(
          "reader view: %d cards, %.0f bytes of heap per card (card, one live instance)%n",
          found, (after - before) / (double) found);

      List<DirectoryQuery> queries =
          List.of(
              DirectoryQuery.kind("llm"),
              DirectoryQuery.capability("cap-7"),
              DirectoryQuery.exactKind("llm.k3"),
              DirectoryQuery.kind("llm").withCapability("cap-7").liveOnly());
      int warm = 20_000;
      int calls = 200_000;
      long[] nanos = new long[calls];
      long sink = 0;
      for (int i = 0; i < warm + calls; i++) {
        long s = System.nanoTime();
        sink += reader.discover(channel, queries.get(i & 3)).size();
        long e = System.nanoTime() - s;
        if (i >= warm) {
          nanos[i - warm] = e;
        }
      }
      Arrays.sort(nanos);
      System.out.printf(
          "discover over %d cards (%d calls, 4 queries, leases renewing meanwhile): p50 %.1f us,"
              + " p99 %.1f us, p99.9 %.1f us, max %.1f us (sink %d)%n",
          found,
          calls,
          nanos[calls / 2] / 1e3,
          nanos[calls * 99 / 100] / 1e3,
          nanos[calls * 999 / 1000] / 1e3,
          nanos[calls - 1] / 1e3,
          sink);

      long r0 = writes.records.get();
      long b0 = writes.bytes.get();
      Thread.sleep(Duration.ofSeconds(windowSeconds).toMillis());
      double perMinute = 60.0 / windowSeconds / cards;
      System.out.printf(
          "lease traffic per agent per minute: %.1f records, %.0f bytes (window %d s)%n",
          (writes.records.get() - r0) * perMinute,
          (writes.bytes.get() - b0) * perMinute,
          windowSeconds);
      reader.close();
    } finally {
      if (backend.equals("amqp")) {
        deleteStreams(channel);
      }
    }
  }

  private static void deleteStreams(String channel) throws Exception {
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    f.setUri(System.getenv().getOrDefault("REEF_AMQP_URI", BenchSettings.DEFAULT_URI));
    try (com.rabbitmq.client.Connection c = f.newConnection("reef-directory-bench");
        com.rabbitmq.client.Channel ch = c.createChannel()) {
      for (DirectoryStore.Log log : DirectoryStore.Log.values()) {
        ch.queueDelete(AmqpDirectoryStore.streamFor(channel, log));
      }
    }
  }

  private static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
