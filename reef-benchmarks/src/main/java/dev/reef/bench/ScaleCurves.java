package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.MailboxType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cost curves of the AMQP backend, with the raw amqp-client doing the same shape alongside (a
 * benchmark, not a test): throughput and CPU per spore as the number of agents on one channel
 * grows, as the number of channels grows, the cost of a broadcast to N mailboxes, classic against
 * quorum mailboxes, and what 1,000 subscribed agents cost one JVM (AMQP channels, threads, heap,
 * subscribe time, measured as {@code ManyAgentsIT} measures its budget). Each shape is set up once
 * for both sides ({@link RawShape} for the raw client), then measured in {@code --rounds} rounds
 * alternating Reef and raw (Reef first in even rounds, raw first in odd ones) after a warm-up round
 * of each; the table gives the median and the spread. Writes {@code scale-curves.md} and {@code
 * scale-curves.svg} to {@code --out}.
 *
 * <p>Usage: {@code java -cp reef-benchmarks.jar dev.reef.bench.ScaleCurves [--uri U] [--addresses
 * h:p,h:p] [--spores N] [--rounds R] [--label L] [--types-only] [--out DIR]} ({@code --types-only}:
 * only classic against quorum, e.g. on a cluster). Every queue and exchange it declares ({@code
 * reef.scale-<run>-*}, {@code scale-<run>-raw-*}) is deleted at the end.
 *
 * <p>Why this file is long (~490 lines): one benchmark program that drives every shape of the
 * curves in order (agents, channels, fan-out, footprint, classic vs quorum) with its setup and
 * clean-up; the raw side, the table and the chart are their own classes ({@code RawShape}, {@code
 * CurveTable}, {@code CostChart}).
 */
public final class ScaleCurves {
  private static final long ROUND_TIMEOUT_MS = 120_000;
  private static final String POOL_THREAD = "scale-pool";

  /** Threads subscribing or declaring at once, as {@code ManyAgentsIT} subscribes. */
  static final int SUBSCRIBERS = 16;

  private static final Pattern CONNECTION_NAME =
      Pattern.compile("\"connection_name\",(?:longstr,)?\"([^\"]*)\"");

  private final URI uri;
  private final String[] addresses;
  private final int spores;
  private final int rounds;
  private final String run = Amqp.newId().substring(0, 8);
  private final List<String> queues = Collections.synchronizedList(new ArrayList<>());
  private final List<String> exchanges = Collections.synchronizedList(new ArrayList<>());
  private final StringBuilder md = new StringBuilder();
  private final CurveTable table = new CurveTable();
  private int shapes;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(SUBSCRIBERS, r -> new Thread(r, POOL_THREAD));

  private ScaleCurves(URI uri, String[] addresses, int spores, int rounds) {
    this.uri = uri;
    this.addresses = addresses;
    this.spores = spores;
    this.rounds = rounds;
  }

  /**
   * Runs the curves.
   *
   * @param args see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    String u =
        System.getenv().getOrDefault("REEF_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2F");
    String[] addresses = new String[0];
    int spores = 5000;
    int rounds = 3;
    String label = "single broker";
    boolean typesOnly = false;
    Path out = Path.of("reef-benchmarks", "target");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--uri" -> u = args[++i];
        case "--addresses" -> addresses = args[++i].split(",");
        case "--spores" -> spores = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--label" -> label = args[++i];
        case "--types-only" -> typesOnly = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (spores < 100 || rounds < 1) {
      throw new IllegalArgumentException("--spores ≥ 100 and --rounds ≥ 1");
    }
    ScaleCurves c = new ScaleCurves(URI.create(u), addresses, spores, rounds);
    // Killed (SIGTERM, Ctrl-C) half-way: the run's queues and exchanges are deleted all the same.
    Thread cleanup = new Thread(c::deleteDeclared, "scale-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      c.runAll(label, typesOnly);
    } finally {
      c.pool.shutdownNow();
      c.deleteDeclared();
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("scale-curves.md"), c.md.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("scale-curves.svg"),
        CostChart.svg(c.table.curves(false), c.table.curves(true)),
        StandardCharsets.UTF_8);
    System.out.print(c.md);
    System.out.println("wrote " + out.resolve("scale-curves.md") + " and scale-curves.svg");
  }

  private void deleteDeclared() {
    List<String> q;
    List<String> x;
    synchronized (queues) {
      q = new ArrayList<>(queues);
      queues.clear();
    }
    synchronized (exchanges) {
      x = new ArrayList<>(exchanges);
      exchanges.clear();
    }
    Amqp.deleteQuietly(uri, q, x);
  }

  private void runAll(String label, boolean typesOnly) throws Exception {
    md.append(
        String.format(
            Locale.ROOT,
            "Broker: %s. %,d spores per round and side, %d rounds alternating Reef and raw after a"
                + " warm-up round each; %s, %d cores, Java %s, load average before: %s.%n%n",
            label,
            spores,
            rounds,
            Instant.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            loadAverage()));
    // JIT, connections, the broker's first queues: one shape measured and thrown away
    directed(new CurveTable.Row("warm-up", 1), 1, 1, MailboxType.CLASSIC);
    if (!typesOnly) {
      for (int n : new int[] {1, 10, 100, 1000}) {
        directed("agents on one channel", n, 1, n, MailboxType.CLASSIC);
      }
      for (int n : new int[] {1, 10, 100}) {
        directed("channels (one agent each)", n, n, 1, MailboxType.CLASSIC);
      }
      for (int n : new int[] {1, 10, 100}) {
        broadcast(n);
      }
    }
    directed("classic mailbox, 1 agent", 1, 1, 1, MailboxType.CLASSIC);
    directed("quorum mailbox, 1 agent", 1, 1, 1, MailboxType.QUORUM);
    md.append(table.markdown()).append('\n');
    if (!typesOnly) {
      footprint(1000);
    }
    md.append("Load average after: ").append(loadAverage()).append(".\n");
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

  /** One side of a measurement: sends the i-th spore, then waits for every confirm. */
  private interface Side {
    void send(int i) throws Exception;

    void awaitConfirms() throws Exception;

    AtomicLong handled();
  }

  /** Reef's side: futures of a round's sends, completed when confirmed. */
  private static final class ReefSide implements Side {
    private final AtomicLong handled = new AtomicLong();
    private final List<CompletableFuture<?>> sent = new ArrayList<>();
    private final SendOne sender;

    ReefSide(SendOne sender) {
      this.sender = sender;
    }

    @Override
    public void send(int i) {
      sent.add(sender.send(i));
    }

    @Override
    public void awaitConfirms() throws Exception {
      CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      sent.clear();
    }

    @Override
    public AtomicLong handled() {
      return handled;
    }
  }

  private interface SendOne {
    CompletableFuture<?> send(int i);
  }

  private static Side raw(RawShape shape, boolean broadcast) {
    return new Side() {
      @Override
      public void send(int i) throws Exception {
        if (broadcast) {
          shape.broadcast(i);
        } else {
          shape.send(i);
        }
      }

      @Override
      public void awaitConfirms() throws Exception {
        shape.awaitConfirms();
      }

      @Override
      public AtomicLong handled() {
        return shape.handled;
      }
    };
  }

  /** {@code spores} directed spores, round-robin over the channels, then their agents. */
  private void directed(String what, int n, int channels, int agents, MailboxType type)
      throws Exception {
    directed(table.row(what, n), channels, agents, type);
  }

  private void directed(CurveTable.Row row, int channels, int agents, MailboxType type)
      throws Exception {
    String kind = type.name().toLowerCase(Locale.ROOT) + channels + "x" + agents + "-" + shapes++;
    String base = channel(kind);
    List<String> names = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      names.add(channels == 1 ? base : base + "c" + c);
      if (channels > 1) {
        exchanges.add(AmqpBackend.NAME_PREFIX + names.get(c));
      }
    }
    try (Reef receiver = newReef("scale-receiver", base, type);
        Reef sender = newReef("scale-sender", base, type);
        RawShape rawShape =
            new RawShape(
                uri,
                "scale-" + run + "-raw-" + kind,
                channels,
                agents,
                type == MailboxType.QUORUM,
                queues,
                exchanges,
                pool)) {
      ReefSide reef =
          new ReefSide(
              i ->
                  sender
                      .channel(names.get(i % names.size()))
                      .send("src", "a" + (i / names.size()) % agents, Map.of("i", i)));
      subscribe(receiver, names, agents, reef.handled());
      measure(row, reef, raw(rawShape, false), spores, 1);
    }
  }

  /** Broadcasts to {@code n} subscribed mailboxes; rates and CPU per delivered spore. */
  private void broadcast(int n) throws Exception {
    String ch = channel("bc" + n);
    try (Reef receiver = newReef("scale-receiver", ch, MailboxType.CLASSIC);
        Reef sender = newReef("scale-sender", ch, MailboxType.CLASSIC);
        RawShape rawShape =
            new RawShape(
                uri, "scale-" + run + "-raw-bc" + n, 1, n, false, queues, exchanges, pool)) {
      ReefSide reef = new ReefSide(i -> sender.broadcast("src", Map.of("i", i)));
      subscribe(receiver, List.of(ch), n, reef.handled());
      measure(
          table.row("broadcast fan-out to N mailboxes (per delivery)", n),
          reef,
          raw(rawShape, true),
          Math.max(1, spores / n),
          n);
    }
  }

  /** Subscribes agents a0..a(n-1) on each channel, from the pool's threads. */
  private void subscribe(Reef receiver, List<String> channels, int agents, AtomicLong handled)
      throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (String ch : channels) {
      exchanges.add("reef-dlx." + ch); // the channel's dead letters (docs/design.md#topology)
      queues.add("reef-dlq." + ch);
      for (int a = 0; a < agents; a++) {
        String agent = "a" + a;
        queues.add(AmqpBackend.NAME_PREFIX + ch + "." + agent);
        done.add(
            pool.submit(
                () -> receiver.channel(ch).subscribe(agent, s -> handled.incrementAndGet())));
      }
    }
    for (Future<?> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
  }

  /** A warm-up round of each side, then the rounds, alternating which side goes first. */
  private void measure(CurveTable.Row row, Side reef, Side raw, int count, int fanOut)
      throws Exception {
    int warmup = Math.max(1, count / 5);
    timed(reef, warmup, fanOut);
    timed(raw, warmup, fanOut);
    for (int r = 0; r < rounds; r++) {
      boolean rawFirst = r % 2 == 1;
      row.add(rawFirst, timed(rawFirst ? raw : reef, count, fanOut));
      row.add(!rawFirst, timed(rawFirst ? reef : raw, count, fanOut));
    }
    System.out.printf(
        Locale.ROOT,
        "%s N=%d: Reef %s, raw %s spores/s%n",
        row.what,
        row.n,
        CurveTable.rate(row.reefRate),
        CurveTable.rate(row.rawRate));
  }

  /**
   * Sends {@code count} (the side's confirm window bounds what is unconfirmed), waits for every
   * confirm and for count × fanOut handled; [spores/s, client CPU µs, broker CPU µs] per spore.
   */
  private double[] timed(Side side, int count, int fanOut) throws Exception {
    long expected = (long) count * fanOut;
    side.handled().set(0);
    CpuMeter.Reading cpu0 = CpuMeter.read();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      side.send(i);
    }
    side.awaitConfirms();
    long deadline = System.currentTimeMillis() + ROUND_TIMEOUT_MS;
    while (side.handled().get() < expected) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "only " + side.handled().get() + " of " + expected + " handled");
      }
      Thread.sleep(2); // a benchmark loop: the end of a round is the last handled spore
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] per = CpuMeter.read().perOp(cpu0, expected);
    // with --addresses, several local beam.smp processes: the broker CPU is not one process's
    return new double[] {expected / seconds, per[0], addresses.length > 0 ? Double.NaN : per[1]};
  }

  /**
   * One backend subscribing {@code n} new agents from {@value #SUBSCRIBERS} threads, measured as
   * {@code ManyAgentsIT.oneThousandAgentsStayWithinTheChannelAndThreadBudget} measures its budget:
   * threads added (without the subscribing threads), heap added after GC, and the AMQP channels of
   * the backend's connections as the broker lists them.
   */
  private void footprint(int n) throws Exception {
    String ch = channel("footprint");
    String conn = "scale-footprint-" + run;
    int threads0 = threads();
    long heap0 = usedHeapAfterGc();
    long t0 = System.nanoTime();
    try (Reef reef = newReef(conn, ch, MailboxType.CLASSIC)) {
      reef.channel(ch); // opens the backend's connections and declares the channel
      int threadsStarted = threads();
      long t1 = System.nanoTime();
      subscribe(reef, List.of(ch), n, new AtomicLong());
      long t2 = System.nanoTime();
      int threads = threads();
      long heap = usedHeapAfterGc() - heap0;
      Map<String, Integer> channels = amqpChannels(conn);
      int total = channels.values().stream().mapToInt(Integer::intValue).sum();
      md.append(
          String.format(
              Locale.ROOT,
              "One JVM subscribing %,d new agents on one channel (%d subscribing threads):%n%n",
              n,
              SUBSCRIBERS));
      md.append(
          "| subscribe all (start + subscribe) | threads added (while subscribing) | heap added"
              + " (after GC) | AMQP channels (by connection) |\n");
      md.append("|---:|---:|---:|---|\n");
      md.append(
          String.format(
              Locale.ROOT,
              "| %,.1f s (%,.1f + %,.1f s) | %d (%d) | %.1f MiB | %s |%n%n",
              (t2 - t0) / 1e9,
              (t1 - t0) / 1e9,
              (t2 - t1) / 1e9,
              threads - threads0,
              threads - threadsStarted,
              heap / 1048576.0,
              channels.isEmpty() ? "n/a" : total + " " + channels));
    }
  }

  /** Live threads but the pool's (the subscribing threads are the caller's, not the backend's). */
  private static int threads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !t.getName().equals(POOL_THREAD))
            .count();
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  /**
   * The channels of each connection whose name starts with {@code prefix} (a backend's publishing
   * connection and its {@code -consumers} one), as the local broker's rabbitmqctl lists them; empty
   * if rabbitmqctl cannot tell.
   */
  private static Map<String, Integer> amqpChannels(String prefix) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    try {
      Process p =
          new ProcessBuilder(
                  "rabbitmqctl", "-q", "list_connections", "channels", "client_properties")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return byName;
      }
      byName.putAll(parseChannels(out, prefix));
    } catch (IOException e) {
      return byName;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return byName;
  }

  /** Parses {@code rabbitmqctl list_connections channels client_properties} output. */
  static Map<String, Integer> parseChannels(String listing, String prefix) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (String line : listing.split("\n")) {
      Matcher m = CONNECTION_NAME.matcher(line);
      String[] words = line.trim().split("\\s+");
      if (m.find() && m.group(1).startsWith(prefix) && words[0].matches("\\d+")) {
        byName.merge(m.group(1), Integer.parseInt(words[0]), Integer::sum);
      }
    }
    return byName;
  }
}
