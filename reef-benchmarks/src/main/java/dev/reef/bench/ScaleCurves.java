package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.MailboxType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost curves of the AMQP backend (a benchmark, not a test): throughput and CPU per spore as the
 * number of agents on one channel grows, as the number of channels grows, the cost of a broadcast
 * to N mailboxes, what 1,000 subscribed agents cost one JVM (threads, heap, start-up time, AMQP
 * channels), and classic against quorum mailboxes on the broker given (or a cluster, with {@code
 * --addresses}). Writes {@code scale-curves.md} and {@code scale-curves.svg} to {@code --out}.
 *
 * <p>Usage: {@code java -cp reef-benchmarks.jar dev.reef.bench.ScaleCurves [--uri U] [--addresses
 * h:p,h:p] [--spores N] [--label L] [--types-only] [--out DIR]} ({@code --types-only}: only classic
 * against quorum, e.g. on a cluster). Every mailbox and exchange it declares ({@code
 * reef.scale-<run>-*}) is deleted at the end.
 */
public final class ScaleCurves {
  private static final long ROUND_TIMEOUT_MS = 120_000;

  private final URI uri;
  private final String[] addresses;
  private final int spores;
  private final String run = Amqp.newId().substring(0, 8);
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();
  private final Map<String, Map<Integer, Double>> curves = new LinkedHashMap<>();

  private ScaleCurves(URI uri, String[] addresses, int spores) {
    this.uri = uri;
    this.addresses = addresses;
    this.spores = spores;
  }

  /**
   * Runs the curves.
   *
   * @param args see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String u =
        System.getenv().getOrDefault("REEF_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2F");
    String[] addresses = new String[0];
    int spores = 5000;
    String label = "single broker";
    boolean typesOnly = false;
    Path out = Path.of("reef-benchmarks", "target");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--uri" -> u = args[++i];
        case "--addresses" -> addresses = args[++i].split(",");
        case "--spores" -> spores = Integer.parseInt(args[++i]);
        case "--label" -> label = args[++i];
        case "--types-only" -> typesOnly = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ScaleCurves c = new ScaleCurves(URI.create(u), addresses, spores);
    try {
      c.runAll(label, typesOnly);
    } finally {
      Amqp.deleteQuietly(c.uri, c.queues, c.exchanges);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("scale-curves.md"), c.md.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("scale-curves.svg"), CostChart.svg(c.curves), StandardCharsets.UTF_8);
    System.out.print(c.md);
    System.out.println("wrote " + out.resolve("scale-curves.md") + " and scale-curves.svg");
  }

  private void runAll(String label, boolean typesOnly) throws Exception {
    md.append("Broker: ").append(label).append(", ").append(spores).append(" spores per row.\n\n");
    md.append("| what | N | spores/s | client CPU µs/spore | broker CPU µs/spore |\n");
    md.append("|---|---|---|---|---|\n");
    directed(1, 1, MailboxType.CLASSIC); // warm-up (JIT, connections), not recorded
    if (typesOnly) {
      row("classic mailbox, 1 agent", 1, directed(1, 1, MailboxType.CLASSIC));
      row("quorum mailbox, 1 agent", 1, directed(1, 1, MailboxType.QUORUM));
      return;
    }
    for (int n : new int[] {1, 10, 100, 1000}) {
      row("agents on one channel", n, directed(1, n, MailboxType.CLASSIC));
    }
    for (int n : new int[] {1, 10, 100}) {
      row("channels (one agent each)", n, directed(n, 1, MailboxType.CLASSIC));
    }
    for (int n : new int[] {1, 10, 100}) {
      row("broadcast fan-out to N mailboxes (per delivery)", n, broadcast(n));
    }
    row("classic mailbox, 1 agent", 1, directed(1, 1, MailboxType.CLASSIC));
    row("quorum mailbox, 1 agent", 1, directed(1, 1, MailboxType.QUORUM));
    md.append('\n');
    footprint(1000);
  }

  private void row(String what, int n, double[] r) {
    if (addresses.length > 0) {
      r[2] = Double.NaN; // several local beam.smp processes: the broker CPU is not one process's
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d | %,.0f | %.1f | %s |%n",
            what,
            n,
            r[0],
            r[1],
            Double.isNaN(r[2]) ? "n/a" : String.format(Locale.ROOT, "%.1f", r[2])));
    curves.computeIfAbsent(what, k -> new LinkedHashMap<>()).put(n, r[0]);
    System.out.printf(Locale.ROOT, "%s N=%d: %.0f spores/s%n", what, n, r[0]);
  }

  private Reef newReef(String name, String channel, MailboxType type) {
    AmqpBackend.Builder b =
        AmqpBackend.builder().uri(uri).connectionName(name).mailboxType(channel, type);
    if (addresses.length > 0) {
      b.addresses(addresses);
    }
    return Reef.create(b.build(), ReefOptions.custom().defaultChannel(channel).build());
  }

  private String channel(String what) {
    String c = "scale-" + run + "-" + what;
    exchanges.add(AmqpBackend.NAME_PREFIX + c);
    return c;
  }

  /** {@code spores} directed spores, round-robin over {@code agents} agents on each channel. */
  private double[] directed(int channels, int agents, MailboxType type) throws Exception {
    String base = channel(type.name().toLowerCase(Locale.ROOT) + channels + "x" + agents);
    AtomicLong handled = new AtomicLong();
    List<String> names = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      names.add(channels == 1 ? base : base + "c" + c);
    }
    try (Reef receiver = newReef("scale-receiver", base, type);
        Reef sender = newReef("scale-sender", base, type)) {
      for (String ch : names) {
        if (!ch.equals(base)) {
          exchanges.add(AmqpBackend.NAME_PREFIX + ch);
        }
        for (int a = 0; a < agents; a++) {
          queues.add(AmqpBackend.NAME_PREFIX + ch + ".a" + a);
          receiver.channel(ch).subscribe("a" + a, s -> handled.incrementAndGet());
        }
      }
      return timed(
          spores,
          handled,
          i ->
              sender
                  .channel(names.get(i % names.size()))
                  .send("src", "a" + (i / names.size()) % agents, Map.of("i", i)));
    }
  }

  /** Broadcasts to {@code n} subscribed mailboxes; per delivered spore. */
  private double[] broadcast(int n) throws Exception {
    String ch = channel("bc" + n);
    AtomicLong handled = new AtomicLong();
    int broadcasts = Math.max(1, spores / n);
    try (Reef receiver = newReef("scale-receiver", ch, MailboxType.CLASSIC);
        Reef sender = newReef("scale-sender", ch, MailboxType.CLASSIC)) {
      for (int a = 0; a < n; a++) {
        queues.add(AmqpBackend.NAME_PREFIX + ch + ".a" + a);
        receiver.subscribe("a" + a, s -> handled.incrementAndGet());
      }
      double[] r = timed(broadcasts, handled, i -> sender.broadcast("src", Map.of("i", i)), n);
      return r;
    }
  }

  private interface Send {
    CompletableFuture<?> send(int i);
  }

  private static double[] timed(int count, AtomicLong handled, Send send) throws Exception {
    return timed(count, handled, send, 1);
  }

  /** Sends {@code count} (at most 1,000 unconfirmed), waits for count × fanOut handled. */
  private static double[] timed(int count, AtomicLong handled, Send send, int fanOut)
      throws Exception {
    long expected = (long) count * fanOut;
    CpuMeter.Reading cpu0 = CpuMeter.read();
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> window = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      window.add(send.send(i));
      if (window.size() >= 1000) {
        CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
            .get(60, TimeUnit.SECONDS);
        window.clear();
      }
    }
    CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + ROUND_TIMEOUT_MS;
    while (handled.get() < expected) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + handled.get() + " of " + expected + " handled");
      }
      Thread.sleep(5); // a benchmark loop: the end of a round is the last handled spore
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] per = CpuMeter.read().perOp(cpu0, expected);
    return new double[] {expected / seconds, per[0], per[1]};
  }

  /** Threads, heap, start-up time and AMQP channels of one JVM subscribing {@code n} agents. */
  private void footprint(int n) throws Exception {
    String ch = channel("footprint");
    int threads0 = ManagementFactory.getThreadMXBean().getThreadCount();
    long heap0 = usedHeapAfterGc();
    long t0 = System.nanoTime();
    try (Reef reef = newReef("scale-footprint", ch, MailboxType.CLASSIC)) {
      for (int a = 0; a < n; a++) {
        queues.add(AmqpBackend.NAME_PREFIX + ch + ".a" + a);
        reef.subscribe("a" + a, s -> {});
      }
      double startMs = (System.nanoTime() - t0) / 1e6;
      int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threads0;
      long heap = usedHeapAfterGc() - heap0;
      md.append(
          String.format(Locale.ROOT, "One JVM subscribing %,d agents on one channel:%n%n", n));
      md.append(
          "| start-up (subscribe all) | threads added | heap added (after GC) | AMQP channels |\n");
      md.append("|---|---|---|---|\n");
      md.append(
          String.format(
              Locale.ROOT,
              "| %,.0f ms | %d | %.1f MiB | %s |%n%n",
              startMs,
              threads,
              heap / 1048576.0,
              amqpChannels("scale-footprint")));
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** The connection's channels as the local broker's rabbitmqctl lists them, else "n/a". */
  private static String amqpChannels(String connectionName) {
    try {
      Process p =
          new ProcessBuilder(
                  "rabbitmqctl", "-q", "list_connections", "channels", "client_properties")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "n/a";
      }
      for (String line : out.split("\n")) {
        if (line.contains("\"" + connectionName + "\"")) {
          return line.trim().split("\\s+")[0];
        }
      }
      return "n/a";
    } catch (IOException e) {
      return "n/a";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "n/a";
    }
  }
}
