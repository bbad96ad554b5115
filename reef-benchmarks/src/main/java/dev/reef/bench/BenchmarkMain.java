package dev.reef.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The side-by-side benchmark: Reef against the raw RabbitMQ client and Spring AMQP ({@link
 * SpringAmqp}) on the same broker in the same run, rounds alternating between the sides, plus the
 * in-memory backend. Exits with status 1 when a section, round or side failed.
 *
 * <pre>
 * java -jar reef-benchmarks/target/reef-benchmarks.jar [--quick] [--rounds N]
 *     [--only throughput,batch,latency,ask,memory,tasks,observe] [--out DIR]
 * java -jar reef-benchmarks/target/reef-benchmarks.jar jmh [JMH options]
 * </pre>
 *
 * The broker is {@code REEF_AMQP_URI} or {@value BenchSettings#DEFAULT_URI}.
 *
 * <p>Over 450 lines because it is the benchmark's script: each section (throughput, latency, ask,
 * in-memory) alternates the sides' rounds with the same setup, in the order the report prints them;
 * the measuring parts live in their own classes.
 */
public final class BenchmarkMain {
  private static final List<String> SECTIONS =
      List.of("throughput", "batch", "latency", "ask", "memory", "tasks", "observe");

  /** Sections, rounds and sides that failed in this run (each is printed where it happens). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  private BenchmarkMain() {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception if a section cannot run at all
   */
  public static void main(String[] args) throws Exception {
    quietLogging();
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    boolean quick = false;
    Integer rounds = null;
    Path out = null;
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--out" -> out = Paths.get(args[++i]);
        case "--only" -> {
          only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          if (!SECTIONS.containsAll(only)) {
            throw new IllegalArgumentException("--only takes some of " + SECTIONS);
          }
        }
        case "-h", "--help" -> {
          System.out.println(
              "usage: java -jar reef-benchmarks.jar [--quick] [--rounds N]"
                  + " [--only throughput,batch,latency,ask,memory,tasks,observe] [--out DIR] | jmh [JMH options]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    String env = System.getenv("REEF_AMQP_URI");
    URI uri = URI.create(env == null || env.isBlank() ? BenchSettings.DEFAULT_URI : env.trim());
    BenchSettings s = BenchSettings.of(quick, uri, out != null ? out : defaultOutput(), rounds);
    new BenchmarkMain().run(s, only);
    int failures = FAILURES.get();
    if (failures > 0) {
      System.out.println(failures + " section(s), round(s) or side(s) failed: see above");
    }
    // Spring AMQP's CachingConnectionFactory closes confirm channels on a cached pool of
    // non-daemon threads that outlive destroy() by their 60 s keep-alive: end the JVM now that
    // every side is closed and the table is written. The status is 1 when anything failed, so
    // that the CI smoke run (no thresholds) catches a benchmark that no longer runs.
    System.exit(failures > 0 ? 1 : 0);
  }

  /** Keeps the clients' INFO lines (connections opened and closed) out of the figures. */
  static void quietLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }

  private static Path defaultOutput() {
    String cp = System.getProperty("java.class.path");
    if (cp != null && cp.endsWith(".jar") && !cp.contains(File.pathSeparator)) {
      Path parent = Paths.get(cp).toAbsolutePath().getParent();
      if (parent != null) {
        return parent;
      }
    }
    return Paths.get("target");
  }

  private static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "n/a";
    }
  }

  private static String safeUri(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }

  private void run(BenchSettings s, Set<String> only) throws Exception {
    String runId =
        Long.toString(System.currentTimeMillis(), 36)
            + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    long started = System.nanoTime();
    String loadBefore = loadAverage();
    System.out.printf(
        Locale.ROOT,
        "Reef benchmark %s (%s mode), broker %s, %d cores, load %s%n",
        runId,
        s.quick() ? "quick" : "full",
        safeUri(s.uri()),
        Runtime.getRuntime().availableProcessors(),
        loadBefore);
    ResultTable table = new ResultTable();
    // The in-memory backend first: it needs no broker, and after the AMQP sections the broker
    // (on the same machine) is still busy for a while with the messages it wrote and deletes.
    if (only.contains("memory")) {
      section("memory", () -> memory(s, table));
    }
    if (only.contains("observe")) {
      section("observe", () -> ObserveBench.section(s, runId, table));
    }
    if (only.contains("throughput")) {
      section("throughput", () -> throughput(s, runId, table));
    }
    if (only.contains("batch")) {
      section("batch", () -> BatchBench.run(s, runId, table));
    }
    if (only.contains("latency")) {
      section("latency", () -> latency(s, runId, table));
    }
    if (only.contains("ask")) {
      section("ask", () -> ask(s, runId, table));
    }
    if (only.contains("tasks")) {
      section("tasks", () -> TaskBench.run(s, runId, table));
    }
    table.note("run", runId + ", " + (s.quick() ? "quick" : "full") + " mode, " + Instant.now());
    table.note(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.version")
            + ", broker "
            + safeUri(s.uri())
            + " (same machine when 127.0.0.1)");
    table.note("load average before / after", loadBefore + " / " + loadAverage());
    table.note(
        "AMQP message",
        Payload.KNOWLEDGE_JSON.length
            + " B JSON knowledge, persistent, priority 5, expiry 60 s, mandatory, async confirms"
            + " (window "
            + s.confirmWindow()
            + "), manual ack, prefetch "
            + s.prefetch());
    table.note(
        "sizes",
        "throughput "
            + s.throughputMessages()
            + " msgs/round, latency "
            + s.latencyRate()
            + " msg/s for "
            + s.latencySeconds()
            + " s, ask "
            + s.askCalls()
            + " calls/round, in-memory "
            + s.memoryMessages()
            + " spores/round; "
            + s.rounds()
            + " rounds (each section rotates its sides' order from round to round)");
    table.note("duration", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
    System.out.println();
    System.out.print(table.console());
    table.write(
        s.outputDir(),
        "# Reef benchmark results\n\nCommand: `java -jar reef-benchmarks/target/reef-benchmarks.jar"
            + (s.quick() ? " --quick" : "")
            + "`\n");
    System.out.println(
        "written: "
            + s.outputDir().resolve("benchmark-results.md")
            + " and "
            + s.outputDir().resolve("benchmark-results.csv"));
  }

  private interface Section {
    void run() throws Exception;
  }

  private static void section(String name, Section section) {
    try {
      section.run();
    } catch (Exception | LinkageError e) {
      FAILURES.incrementAndGet();
      System.out.println("  section " + name + " failed: " + e);
    }
  }

  private interface Side {
    double measure() throws Exception;
  }

  /** Runs one measurement of one side, printing it; a failure is printed and leaves a gap. */
  private static void measure(String label, Series into, Side side, String unit) {
    try {
      double v = side.measure();
      into.add(v);
      System.out.printf(Locale.ROOT, "  %-34s %,14.3f %s%n", label, v, unit);
    } catch (Exception e) {
      FAILURES.incrementAndGet();
      System.out.printf(Locale.ROOT, "  %-34s FAILED: %s%n", label, e);
    }
  }

  /** Throughput and CPU per message of one side over the rounds. */
  private static final class Sided {
    final Series rate = new Series(true);
    final Series clientCpu = new Series(false);
    final Series brokerCpu = new Series(false);
    final Series switches = new Series(false);
  }

  /** One throughput round of n messages, with the CPU it took in this JVM and in the broker. */
  private static void throughputRound(String label, Sided into, Side side, int n) {
    try {
      CpuMeter.Reading before = CpuMeter.read();
      double v = side.measure();
      double[] cpu = CpuMeter.read().perOp(before, n);
      into.rate.add(v);
      into.clientCpu.add(cpu[0]);
      if (!Double.isNaN(cpu[1])) {
        into.brokerCpu.add(cpu[1]);
      }
      if (!Double.isNaN(cpu[2])) {
        into.switches.add(cpu[2]);
      }
      System.out.printf(
          Locale.ROOT,
          "  %-34s %,10.0f msg/s   per msg: client CPU %6.1f us, broker CPU %6.1f us,"
              + " %.2f context switches%n",
          label,
          v,
          cpu[0],
          cpu[1],
          cpu[2]);
    } catch (Exception e) {
      FAILURES.incrementAndGet();
      System.out.printf(Locale.ROOT, "  %-34s FAILED: %s%n", label, e);
    }
  }

  /** A named side of a throughput round. */
  private record Contender(String label, Sided into, Side side) {}

  private void throughput(BenchSettings s, String runId, ResultTable table) throws Exception {
    System.out.println("\n== AMQP throughput: " + s.throughputMessages() + " messages per round");
    Sided raw = new Sided();
    Sided rawNoHeaders = new Sided();
    Sided rawMin = new Sided();
    Sided spring = new Sided();
    Map<ReefBackends.Layout, Sided> reef = new HashMap<>();
    List<ReefAmqp> reefs = new ArrayList<>();
    Map<ReefBackends.Layout, ReefAmqp> sides = new HashMap<>();
    RawAmqp rawSide = new RawAmqp(s, runId);
    SpringAmqp springSide = null;
    int n = s.throughputMessages();
    int warm = s.warmupMessages();
    try {
      for (ReefBackends.Layout layout : ReefBackends.Layout.values()) {
        if (ReefBackends.supports(layout)) {
          try {
            ReefAmqp r = new ReefAmqp(s, runId, layout);
            reefs.add(r);
            sides.put(layout, r);
            reef.put(layout, new Sided());
          } catch (RuntimeException e) {
            System.out.println("  " + layout.label + " unavailable: " + e);
          }
        }
      }
      try {
        springSide = new SpringAmqp(s, runId);
      } catch (Exception e) {
        System.out.println("  spring unavailable: " + e);
      }
      List<Contender> contenders = new ArrayList<>();
      contenders.add(new Contender("raw", raw, () -> rawSide.throughput(n, RawAmqp.Shape.SAME)));
      for (ReefBackends.Layout layout : ReefBackends.Layout.values()) {
        ReefAmqp side = sides.get(layout);
        if (side != null) {
          contenders.add(new Contender(layout.label, reef.get(layout), () -> side.throughput(n)));
        }
      }
      if (springSide != null) {
        SpringAmqp sp = springSide;
        contenders.add(new Contender(SPRING_LABEL, spring, () -> sp.throughput(n)));
      }
      contenders.add(
          new Contender(
              "raw without headers",
              rawNoHeaders,
              () -> rawSide.throughput(n, RawAmqp.Shape.NO_HEADERS)));
      contenders.add(
          new Contender("raw minimal", rawMin, () -> rawSide.throughput(n, RawAmqp.Shape.MINIMAL)));
      // Warm-up, not counted.
      throughputRound(
          "warm-up raw", new Sided(), () -> rawSide.throughput(warm, RawAmqp.Shape.SAME), warm);
      throughputRound(
          "warm-up raw minimal",
          new Sided(),
          () -> rawSide.throughput(warm, RawAmqp.Shape.MINIMAL),
          warm);
      for (Map.Entry<ReefBackends.Layout, ReefAmqp> e : sides.entrySet()) {
        throughputRound(
            "warm-up " + e.getKey().label, new Sided(), () -> e.getValue().throughput(warm), warm);
      }
      if (springSide != null) {
        SpringAmqp sp = springSide;
        throughputRound("warm-up spring", new Sided(), () -> sp.throughput(warm), warm);
      }
      // Each round starts one side later than the one before, so no side always follows another.
      for (int r = 1; r <= s.rounds(); r++) {
        System.out.println(" round " + r);
        for (int i = 0; i < contenders.size(); i++) {
          Contender c = contenders.get((i + r - 1) % contenders.size());
          throughputRound(c.label(), c.into(), c.side(), n);
        }
      }
    } finally {
      if (springSide != null) {
        closeQuietly(springSide);
        Amqp.deleteQuietly(s.uri(), springSide.queues(), List.of(springSide.exchange));
      }
      cleanup(s, rawSide, reefs);
    }
    throughputRows(table, raw, rawNoHeaders, rawMin, spring, reef);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      System.out.println("  closing: " + e);
    }
  }

  private static final String SPRING_LABEL =
      "spring (RabbitTemplate, confirms every " + SpringAmqp.CONFIRM_BATCH + ")";

  private static void throughputRows(
      ResultTable table,
      Sided raw,
      Sided rawNoHeaders,
      Sided rawMin,
      Sided spring,
      Map<ReefBackends.Layout, Sided> reef) {
    Sided none = new Sided();
    for (ReefBackends.Layout layout : ReefBackends.Layout.values()) {
      table.add(
          new ResultTable.Row(
              "AMQP throughput",
              "1 KB spores, confirms on",
              "msg/s",
              "raw (same shape)",
              raw.rate,
              layout.label,
              reef.getOrDefault(layout, none).rate,
              "ratio >= 0.90",
              0.90,
              Double.NaN));
    }
    Sided lean = reef.getOrDefault(ReefBackends.Layout.LEAN, none);
    table.add(
        new ResultTable.Row(
            "AMQP throughput",
            "context: raw without headers/expiry/priority",
            "msg/s",
            "raw (minimal)",
            rawMin.rate,
            ReefBackends.Layout.LEAN.label,
            lean.rate,
            "",
            Double.NaN,
            Double.NaN));
    for (ReefBackends.Layout layout : ReefBackends.Layout.values()) {
      Sided side = reef.getOrDefault(layout, none);
      table.add(
          new ResultTable.Row(
              "AMQP CPU per message",
              "this JVM (publisher + consumer)",
              "us",
              "raw (same shape)",
              raw.clientCpu,
              layout.label,
              side.clientCpu,
              "",
              Double.NaN,
              Double.NaN));
      table.add(
          new ResultTable.Row(
              "AMQP CPU per message",
              "context switches in this JVM",
              "count",
              "raw (same shape)",
              raw.switches,
              layout.label,
              side.switches,
              "",
              Double.NaN,
              Double.NaN));
      if (CpuMeter.brokerKnown()) {
        table.add(
            new ResultTable.Row(
                "AMQP CPU per message",
                "broker (beam.smp)",
                "us",
                "raw (same shape)",
                raw.brokerCpu,
                layout.label,
                side.brokerCpu,
                "",
                Double.NaN,
                Double.NaN));
      }
    }
    table.add(
        new ResultTable.Row(
            "AMQP CPU per message",
            "context: raw minimal, this JVM / broker",
            "us",
            "raw minimal (JVM)",
            rawMin.clientCpu,
            "raw minimal (broker)",
            rawMin.brokerCpu,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP throughput",
            "1 KB spores, confirms on, vs Spring AMQP",
            "msg/s",
            SPRING_LABEL,
            spring.rate,
            ReefBackends.Layout.LEAN.label,
            lean.rate,
            "ratio >= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP throughput",
            "context: Spring AMQP vs raw",
            "msg/s",
            "raw (same shape)",
            raw.rate,
            SPRING_LABEL,
            spring.rate,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP CPU per message",
            "this JVM, vs Spring AMQP",
            "us",
            SPRING_LABEL,
            spring.clientCpu,
            ReefBackends.Layout.LEAN.label,
            lean.clientCpu,
            "",
            Double.NaN,
            Double.NaN));
    if (CpuMeter.brokerKnown()) {
      table.add(
          new ResultTable.Row(
              "AMQP CPU per message",
              "broker (beam.smp), vs Spring AMQP",
              "us",
              SPRING_LABEL,
              spring.brokerCpu,
              ReefBackends.Layout.LEAN.label,
              lean.brokerCpu,
              "",
              Double.NaN,
              Double.NaN));
      table.add(
          new ResultTable.Row(
              "broker header cost",
              "broker CPU per message: raw's 9 headers vs none",
              "us",
              "raw without headers",
              rawNoHeaders.brokerCpu,
              "raw (same shape, 9 headers)",
              raw.brokerCpu,
              "",
              Double.NaN,
              Double.NaN));
      table.add(
          new ResultTable.Row(
              "broker header cost",
              "broker CPU per message: lean layout (6 headers) vs none",
              "us",
              "raw without headers",
              rawNoHeaders.brokerCpu,
              ReefBackends.Layout.LEAN.label,
              lean.brokerCpu,
              "",
              Double.NaN,
              Double.NaN));
      if (!raw.brokerCpu.isEmpty() && !rawNoHeaders.brokerCpu.isEmpty()) {
        table.note(
            "broker cost per header",
            String.format(
                Locale.ROOT,
                "(raw 9 headers - raw none) / 9 = %.1f us per header per message (medians;"
                    + " CPU ticks of 10 ms over a round)",
                (raw.brokerCpu.median() - rawNoHeaders.brokerCpu.median()) / 9));
      }
    }
    table.add(
        new ResultTable.Row(
            "broker header cost",
            "throughput: raw's 9 headers vs none",
            "msg/s",
            "raw without headers",
            rawNoHeaders.rate,
            "raw (same shape, 9 headers)",
            raw.rate,
            "",
            Double.NaN,
            Double.NaN));
  }

  private static void cleanup(BenchSettings s, RawAmqp rawSide, List<ReefAmqp> reefs) {
    List<String> queues = new ArrayList<>(rawSide.queues());
    List<String> exchanges = new ArrayList<>(List.of(rawSide.exchange));
    rawSide.close();
    for (ReefAmqp r : reefs) {
      try {
        r.close();
      } catch (RuntimeException e) {
        System.out.println("  closing reef: " + e);
      }
      queues.addAll(r.queues());
      exchanges.add(r.exchange());
    }
    Amqp.deleteQuietly(s.uri(), queues, exchanges);
  }

  private void latency(BenchSettings s, String runId, ResultTable table) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== AMQP latency at %d msg/s for %d s per round%n",
        s.latencyRate(),
        s.latencySeconds());
    Series rawP50 = new Series(false);
    Series rawP99 = new Series(false);
    Series reefP50 = new Series(false);
    Series reefP99 = new Series(false);
    RawAmqp rawSide = new RawAmqp(s, runId + "l");
    List<ReefAmqp> reefs = new ArrayList<>();
    try {
      ReefAmqp reefSide = new ReefAmqp(s, runId + "l", ReefBackends.Layout.LEAN);
      reefs.add(reefSide);
      measure(
          "warm-up raw",
          new Series(true),
          () -> rawSide.throughput(s.warmupMessages(), RawAmqp.Shape.SAME),
          "msg/s");
      measure(
          "warm-up reef", new Series(true), () -> reefSide.throughput(s.warmupMessages()), "msg/s");
      // A paced warm-up of each side, not counted: the first paced seconds carry JIT and
      // connection warm-up in their tail.
      latencyRound(
          "warm-up raw",
          new Series(false),
          new Series(false),
          () -> rawSide.latency(s.latencyRate(), 2));
      latencyRound(
          "warm-up reef",
          new Series(false),
          new Series(false),
          () -> reefSide.latency(s.latencyRate(), 2));
      // Every round of the run (a p99 is the 1 % tail of a few seconds: one noisy moment moves it),
      // and the order flips each round so neither side always follows the other.
      for (int r = 1; r <= s.rounds(); r++) {
        System.out.println(" round " + r);
        LatencySide raw = () -> rawSide.latency(s.latencyRate(), s.latencySeconds());
        LatencySide reef = () -> reefSide.latency(s.latencyRate(), s.latencySeconds());
        if (r % 2 == 1) {
          latencyRound("raw", rawP50, rawP99, raw);
          latencyRound("reef", reefP50, reefP99, reef);
        } else {
          latencyRound("reef", reefP50, reefP99, reef);
          latencyRound("raw", rawP50, rawP99, raw);
        }
      }
    } finally {
      cleanup(s, rawSide, reefs);
    }
    String metric = "end to end at " + s.latencyRate() + " msg/s";
    table.add(
        new ResultTable.Row(
            "AMQP latency",
            "p50 " + metric,
            "ms",
            "raw",
            rawP50,
            "reef",
            reefP50,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "AMQP latency",
            "p99 " + metric,
            "ms",
            "raw",
            rawP99,
            "reef",
            reefP99,
            "ratio <= 1.25",
            1.25,
            Double.NaN));
  }

  private interface LatencySide {
    Latency measure() throws Exception;
  }

  private static void latencyRound(String label, Series p50, Series p99, LatencySide side) {
    try {
      Latency l = side.measure();
      p50.add(l.p50Ms());
      p99.add(l.p99Ms());
      System.out.printf(
          Locale.ROOT,
          "  %-12s p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%d samples, %,.0f/s)%n",
          label,
          l.p50Ms(),
          l.p99Ms(),
          l.maxMs(),
          l.count(),
          l.callsPerSecond());
    } catch (Exception e) {
      FAILURES.incrementAndGet();
      System.out.printf(Locale.ROOT, "  %-6s FAILED: %s%n", label, e);
    }
  }

  private void ask(BenchSettings s, String runId, ResultTable table) throws Exception {
    System.out.println(
        "\n== ask vs raw direct reply-to: " + s.askCalls() + " sequential calls per round");
    Series rawRate = new Series(true);
    Series rawP50 = new Series(false);
    Series rawP99 = new Series(false);
    Series mbRate = new Series(true);
    Series mbP50 = new Series(false);
    Series mbP99 = new Series(false);
    Series reefRate = new Series(true);
    Series reefP50 = new Series(false);
    Series reefP99 = new Series(false);
    Series bareRate = new Series(true);
    Series bareP50 = new Series(false);
    Series bareP99 = new Series(false);
    Series springRate = new Series(true);
    Series springP50 = new Series(false);
    Series springP99 = new Series(false);
    RawAmqp rawSide = new RawAmqp(s, runId + "a");
    List<ReefAmqp> reefs = new ArrayList<>();
    SpringAmqp springSide = null;
    try {
      ReefAmqp reefSide = new ReefAmqp(s, runId + "a", ReefBackends.Layout.LEAN);
      reefs.add(reefSide);
      try {
        springSide = new SpringAmqp(s, runId + "a");
      } catch (Exception e) {
        System.out.println("  spring unavailable: " + e);
      }
      SpringAmqp sp = springSide;
      int rounds = s.rounds();
      for (int r = 1; r <= rounds; r++) {
        System.out.println(" round " + r);
        int warm = r == 1 ? s.askWarmup() : 50;
        List<Runnable> order = new ArrayList<>();
        order.add(
            () ->
                askRound(
                    "raw", rawRate, rawP50, rawP99, () -> rawSide.rpc(s.askCalls(), warm, false)));
        order.add(
            () ->
                askRound(
                    "reef",
                    reefRate,
                    reefP50,
                    reefP99,
                    () -> reefSide.ask(s.askCalls(), warm, true)));
        order.add(
            () ->
                askRound(
                    "reef, bare asker",
                    bareRate,
                    bareP50,
                    bareP99,
                    () -> reefSide.ask(s.askCalls(), warm, false)));
        if (sp != null) {
          order.add(
              () ->
                  askRound(
                      "spring",
                      springRate,
                      springP50,
                      springP99,
                      () -> sp.ask(s.askCalls(), warm)));
        }
        order.add(
            () ->
                askRound(
                    "raw via mailbox",
                    mbRate,
                    mbP50,
                    mbP99,
                    () -> rawSide.rpc(s.askCalls(), warm, true)));
        // Each round starts one side later than the one before.
        for (int i = 0; i < order.size(); i++) {
          order.get((i + r - 1) % order.size()).run();
        }
      }
    } finally {
      if (springSide != null) {
        closeQuietly(springSide);
        Amqp.deleteQuietly(s.uri(), springSide.queues(), List.of(springSide.exchange));
      }
      cleanup(s, rawSide, reefs);
    }
    String springAsk = "spring sendAndReceive (direct reply-to)";
    table.add(
        new ResultTable.Row(
            "ask vs Spring AMQP",
            "sequential calls",
            "calls/s",
            springAsk,
            springRate,
            "reef ask (subscribed asker)",
            reefRate,
            "ratio >= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask vs Spring AMQP",
            "p50",
            "ms",
            springAsk,
            springP50,
            "reef ask (subscribed asker)",
            reefP50,
            "ratio <= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask vs Spring AMQP",
            "sequential calls",
            "calls/s",
            springAsk,
            springRate,
            "reef ask, asker without handlers",
            bareRate,
            "ratio >= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask vs Spring AMQP",
            "p50",
            "ms",
            springAsk,
            springP50,
            "reef ask, asker without handlers",
            bareP50,
            "ratio <= 1.0",
            1.0,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask vs Spring AMQP",
            "context: Spring vs raw, p50",
            "ms",
            "raw direct reply-to",
            rawP50,
            springAsk,
            springP50,
            "",
            Double.NaN,
            Double.NaN));
    String direct = "raw direct reply-to";
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "sequential calls",
            "calls/s",
            direct,
            rawRate,
            "reef ask (subscribed asker)",
            reefRate,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "p50",
            "ms",
            direct,
            rawP50,
            "reef ask (subscribed asker)",
            reefP50,
            "ratio <= 1.25",
            1.25,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "p99",
            "ms",
            direct,
            rawP99,
            "reef ask (subscribed asker)",
            reefP99,
            "",
            Double.NaN,
            Double.NaN));
    String bare = "reef ask, asker without handlers";
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "context: calls/s",
            "calls/s",
            direct,
            rawRate,
            bare,
            bareRate,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "context: p50",
            "ms",
            direct,
            rawP50,
            bare,
            bareP50,
            "",
            Double.NaN,
            Double.NaN));
    String viaMailbox = "raw reply via mailbox queue";
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "context: calls/s",
            "calls/s",
            viaMailbox,
            mbRate,
            "reef ask (subscribed asker)",
            reefRate,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "ask round trip",
            "context: p50",
            "ms",
            viaMailbox,
            mbP50,
            "reef ask (subscribed asker)",
            reefP50,
            "",
            Double.NaN,
            Double.NaN));
  }

  private static void askRound(
      String label, Series rate, Series p50, Series p99, LatencySide side) {
    try {
      Latency l = side.measure();
      rate.add(l.callsPerSecond());
      p50.add(l.p50Ms());
      p99.add(l.p99Ms());
      System.out.printf(
          Locale.ROOT,
          "  %-16s %,8.0f calls/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms%n",
          label,
          l.callsPerSecond(),
          l.p50Ms(),
          l.p99Ms(),
          l.maxMs());
    } catch (Exception e) {
      FAILURES.incrementAndGet();
      System.out.printf(Locale.ROOT, "  %-6s FAILED: %s%n", label, e);
    }
  }

  private void memory(BenchSettings s, ResultTable table) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== in-memory backend (child JVM, -Xmx256m): %,d spores per round%n",
        s.memoryMessages());
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-Xmx256m",
            // A working MDC, as an application with a logging backend has (the reef's MDC keys are
            // on by default); slf4j-simple's own does nothing.
            "-Dslf4j.provider=" + BenchMdcProvider.class.getName(),
            "-cp",
            System.getProperty("java.class.path"),
            InMemoryBench.class.getName(),
            Integer.toString(s.memoryMessages()),
            Integer.toString(s.memoryRounds()),
            Integer.toString(s.memoryLatencyRate()),
            Integer.toString(s.memoryLatencySeconds()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, Series> results = new HashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          String[] parts = line.split(" ");
          String key = parts[1];
          double v = Double.parseDouble(parts[2]);
          boolean higher =
              key.equals("directed") || key.equals("directed_untraced") || key.equals("broadcast");
          results.computeIfAbsent(key, k -> new Series(higher)).add(v);
          System.out.printf(Locale.ROOT, "  %-34s %,14.3f%n", key, v);
        } else {
          System.out.println("  | " + line);
        }
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    if (p.exitValue() != 0) {
      FAILURES.incrementAndGet();
      System.out.println("  in-memory child exited with " + p.exitValue());
    }
    Series none = new Series(true);
    table.add(
        new ResultTable.Row(
            "in-memory",
            "directed, 1 sender -> 1 agent",
            "spores/s",
            "-",
            null,
            "reef in-memory",
            results.getOrDefault("directed", none),
            ">= 2,000,000/s",
            Double.NaN,
            2_000_000));
    table.add(
        new ResultTable.Row(
            "in-memory",
            "directed, traceContext(false)",
            "spores/s",
            "-",
            null,
            "reef in-memory",
            results.getOrDefault("directed_untraced", none),
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "in-memory",
            "broadcast, 1 sender -> 1 agent",
            "spores/s",
            "-",
            null,
            "reef in-memory",
            results.getOrDefault("broadcast", none),
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "in-memory",
            "CPU per directed spore (both threads)",
            "us",
            "-",
            null,
            "reef in-memory",
            results.getOrDefault("directed_cpu_us", new Series(false)),
            "",
            Double.NaN,
            Double.NaN));
    for (int x : new int[] {1, 10}) {
      String suffix = x == 1 ? "" : "_x10";
      String at = String.format(Locale.ROOT, "at %,d/s", s.memoryLatencyRate() * x);
      for (String pct : new String[] {"p50", "p99"}) {
        boolean tail = pct.equals("p99");
        double bound = x == 1 ? 1.0 : 2.0;
        table.add(
            new ResultTable.Row(
                "in-memory",
                "latency " + pct + " " + at,
                "ms",
                "JDK executor hand-off",
                results.getOrDefault("handoff" + suffix + "_" + pct + "_ms", new Series(false)),
                "reef in-memory",
                results.getOrDefault("latency" + suffix + "_" + pct + "_ms", new Series(false)),
                tail ? String.format(Locale.ROOT, "<= %.0f ms", bound) : "",
                Double.NaN,
                tail ? bound : Double.NaN));
      }
    }
    table.add(
        new ResultTable.Row(
            "in-memory",
            "peak heap used (-Xmx256m)",
            "MB",
            "-",
            null,
            "reef in-memory",
            results.getOrDefault("heap_peak_mb", new Series(false)),
            "<= 256 MB, no OOM",
            Double.NaN,
            256));
    Series rejected = results.get("latency_rejected");
    Series rejectedX10 = results.get("latency_x10_rejected");
    if (rejected != null && rejectedX10 != null) {
      table.note(
          "in-memory latency",
          String.format(
              Locale.ROOT,
              "sends rejected by a full mailbox (a stalled consumer; not in the latencies), median"
                  + " per round: %.0f at the base rate, %.0f at ten times it",
              rejected.median(),
              rejectedX10.median()));
    }
    Series gc = results.get("gc_count");
    if (gc != null) {
      table.note(
          "in-memory GC",
          String.format(
              Locale.ROOT,
              "%.0f collections, %.0f ms total",
              gc.median(),
              results.get("gc_ms").median()));
    }
  }
}
