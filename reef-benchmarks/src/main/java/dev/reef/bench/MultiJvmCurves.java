package dev.reef.bench;

import dev.reef.amqp.MailboxType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Aggregate throughput with 1–4 producer and 1–4 consumer JVMs (real child JVMs, {@link
 * SporeWorker}, launched with this JVM's class path), on the single broker and on a three-node
 * cluster of extra local nodes that this benchmark starts ({@link BenchCluster}, through {@code
 * .ci/rabbit-node.sh}; the 5672 node is never touched) and stops in a {@code finally}, with classic
 * and with quorum mailboxes. Each consumer JVM subscribes its own agent (one mailbox each; on the
 * cluster it connects to node i mod 3 first, so that the quorum leaders spread); each producer JVM
 * sends its share of a round's spores round-robin to all the agents, confirmed. A round is timed
 * from the coordinator's GO to the last consumer's last handled spore; a warm-up round per point is
 * not recorded. Writes {@code multi-jvm.md} to {@code --out}.
 *
 * <p>Usage: {@code java -cp reef-benchmarks.jar dev.reef.bench.MultiJvmCurves [--uri U] [--spores
 * N] [--rounds R] [--points 1x1,2x2,...] [--types classic,quorum] [--targets single,cluster]
 * [--node-script .ci/rabbit-node.sh] [--out DIR]}. {@code PxC}: P producer and C consumer JVMs.
 */
public final class MultiJvmCurves {
  private static final Duration STEP = Duration.ofMinutes(3);

  private final int spores;
  private final int rounds;
  private final String run = Amqp.newId().substring(0, 8);
  private final Path logs;
  private final List<Point> results = new ArrayList<>();

  /** One measured point: where, which mailboxes, how many JVMs, the rounds' rates. */
  record Point(String target, MailboxType type, int producers, int consumers, Series rate) {}

  private MultiJvmCurves(int spores, int rounds, Path logs) {
    this.spores = spores;
    this.rounds = rounds;
    this.logs = logs;
  }

  /**
   * Runs the points.
   *
   * @param args see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    String u =
        System.getenv().getOrDefault("REEF_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2F");
    int spores = 2000;
    int rounds = 3;
    String points = "1x1,2x2,4x4,1x4,4x1";
    List<String> types = List.of("classic", "quorum");
    List<String> targets = List.of("single", "cluster");
    Path script = Paths.get(".ci", "rabbit-node.sh");
    Path out = Path.of("reef-benchmarks", "target");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--uri" -> u = args[++i];
        case "--spores" -> spores = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--points" -> points = args[++i];
        case "--types" -> types = List.of(args[++i].split(","));
        case "--targets" -> targets = List.of(args[++i].split(","));
        case "--node-script" -> script = Paths.get(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    MultiJvmCurves m = new MultiJvmCurves(spores, rounds, out);
    String header =
        String.format(
            Locale.ROOT,
            "%,d spores per round (all producers together), %d rounds per point after a warm-up"
                + " round; child JVMs %s; %s, %d cores, load average before: %s.%n",
            spores,
            rounds,
            String.join(" ", ChildJvm.JVM_OPTIONS),
            Instant.now(),
            Runtime.getRuntime().availableProcessors(),
            loadAverage());
    List<int[]> pxc = parsePoints(points);
    if (targets.contains("single")) {
      for (String t : types) {
        for (int[] p : pxc) {
          m.point("single broker", URI.create(u), null, MailboxType.valueOf(up(t)), p[0], p[1]);
        }
      }
    }
    if (targets.contains("cluster")) {
      BenchCluster cluster = BenchCluster.start(script, "rb" + m.run, 3);
      // Killed (SIGTERM, Ctrl-C) half-way: the nodes are stopped all the same.
      Thread stop = new Thread(cluster::close, "cluster-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      try {
        for (String t : types) {
          for (int[] p : pxc) {
            m.point(
                "3-node cluster",
                URI.create(cluster.uri(0)),
                cluster,
                MailboxType.valueOf(up(t)),
                p[0],
                p[1]);
          }
        }
      } finally {
        cluster.close();
        Runtime.getRuntime().removeShutdownHook(stop);
      }
    }
    String md = header + "\n" + table(m.results) + "\nLoad average after: " + loadAverage() + ".\n";
    Files.writeString(out.resolve("multi-jvm.md"), md, StandardCharsets.UTF_8);
    System.out.print(md);
  }

  private static String up(String t) {
    return t.trim().toUpperCase(Locale.ROOT);
  }

  /** Parses {@code 1x1,2x4}: producers × consumers, each 1 to 4. */
  static List<int[]> parsePoints(String points) {
    List<int[]> l = new ArrayList<>();
    for (String p : points.split(",")) {
      String[] pc = p.trim().split("x");
      if (pc.length != 2) {
        throw new IllegalArgumentException("a point is PxC, e.g. 2x4, not " + p);
      }
      int prod = Integer.parseInt(pc[0]);
      int cons = Integer.parseInt(pc[1]);
      if (prod < 1 || prod > 4 || cons < 1 || cons > 4) {
        throw new IllegalArgumentException("1 to 4 producers and consumers, not " + p);
      }
      l.add(new int[] {prod, cons});
    }
    return l;
  }

  /** The Markdown table of the points: median and spread over the rounds. */
  static String table(List<Point> points) {
    StringBuilder s = new StringBuilder();
    s.append("| broker | mailboxes | producer JVMs | consumer JVMs |")
        .append(" spores/s: median (min–max) | rounds |\n");
    s.append("|---|---|---:|---:|---:|---|\n");
    for (Point p : points) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %s | %s |%n",
              p.target(),
              p.type().name().toLowerCase(Locale.ROOT),
              p.producers(),
              p.consumers(),
              CurveTable.rate(p.rate()),
              p.rate().rounds("%,.0f")));
    }
    return s.toString();
  }

  private void point(
      String target, URI uri, BenchCluster cluster, MailboxType type, int producers, int consumers)
      throws Exception {
    String kind = type.name().toLowerCase(Locale.ROOT);
    String channel =
        "mj-" + run + "-" + (cluster == null ? "s" : "c") + kind + producers + "x" + consumers;
    int perProducer = Math.max(consumers, spores / producers / consumers * consumers);
    int warmup = Math.max(consumers, perProducer / 2 / consumers * consumers);
    List<String> agents = new ArrayList<>();
    for (int c = 0; c < consumers; c++) {
      agents.add("c" + c);
    }
    List<ChildJvm> cons = new ArrayList<>();
    List<ChildJvm> prods = new ArrayList<>();
    Series rate = new Series(true);
    try {
      for (int c = 0; c < consumers; c++) {
        cons.add(worker("consumer", uri, cluster, c, channel, type, agents.get(c)));
      }
      for (ChildJvm c : cons) {
        c.await("READY", STEP);
      }
      for (int p = 0; p < producers; p++) {
        prods.add(worker("producer", uri, cluster, p + 1, channel, type, String.join(",", agents)));
      }
      for (ChildJvm p : prods) {
        p.await("READY", STEP);
      }
      long perConsumer = 0;
      for (int r = -1; r < rounds; r++) {
        int each = r < 0 ? warmup : perProducer;
        perConsumer += (long) each / consumers * producers;
        for (ChildJvm c : cons) {
          c.tell("EXPECT " + perConsumer);
        }
        long t0 = System.currentTimeMillis();
        for (ChildJvm p : prods) {
          p.tell("GO " + each);
        }
        for (ChildJvm p : prods) {
          p.await("SENT", STEP);
        }
        long t1 = t0;
        for (ChildJvm c : cons) {
          t1 = Math.max(t1, Long.parseLong(c.await("DONE", STEP).substring(5).trim()));
        }
        if (r >= 0) {
          rate.add((double) each * producers / Math.max(1, t1 - t0) * 1000);
        }
      }
      for (ChildJvm w : prods) {
        w.tell("STOP");
        w.await("BYE", STEP);
      }
      for (ChildJvm w : cons) {
        w.tell("STOP");
        w.await("BYE", STEP);
      }
    } finally {
      Stream.concat(prods.stream(), cons.stream()).forEach(ChildJvm::close);
      List<String> queues = new ArrayList<>(List.of("reef-dlq." + channel));
      agents.forEach(a -> queues.add("reef." + channel + "." + a));
      Amqp.deleteQuietly(uri, queues, List.of("reef." + channel, "reef-dlx." + channel));
    }
    results.add(new Point(target, type, producers, consumers, rate));
    System.out.printf(
        Locale.ROOT,
        "%s, %s, %d producer × %d consumer JVMs: %s spores/s (%s)%n",
        target,
        kind,
        producers,
        consumers,
        CurveTable.rate(rate),
        rate.rounds("%,.0f"));
  }

  private ChildJvm worker(
      String role,
      URI uri,
      BenchCluster cluster,
      int index,
      String channel,
      MailboxType type,
      String agents)
      throws IOException {
    String conn = "mj-" + run + "-" + role + index;
    String u = cluster == null ? uri.toString() : cluster.uri(index % cluster.size());
    String addresses = cluster == null ? "-" : cluster.addresses(index % cluster.size());
    return ChildJvm.launch(
        SporeWorker.class,
        List.of(role, u, addresses, channel, type.name(), conn, agents),
        logs.resolve(conn + ".log"));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }
}
