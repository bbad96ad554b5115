package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.AmqpTaskLogStore;
import dev.reef.task.TaskEvent;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskRequest;
import dev.reef.task.TaskWatch;
import dev.reef.task.Tasks;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The task benchmark (issue 15), on one broker, two reefs (two connections: requester and worker):
 *
 * <ul>
 *   <li><b>submit→result overhead</b>: sequential tasks to a worker that returns at once, against
 *       sequential {@code ask}s to an agent that replies at once, same reefs, same broker; the
 *       ratio of the p50s;
 *   <li><b>events per second one task streams</b>: a worker reports {@code n} progress events as
 *       fast as it can; from submit to the terminal event at a watcher in the requester;
 *   <li><b>catch-up of a late watcher</b>: after that task (10,000 events) ended, a third reef (a
 *       new connection, as a new process would) watches it: from {@code watch} to its terminal
 *       event, history read from the task log's stream.
 * </ul>
 *
 * <pre>
 * java -cp reef-benchmarks/target/reef-benchmarks.jar dev.reef.bench.TaskBench [--quick]
 * </pre>
 *
 * or {@code java -jar reef-benchmarks.jar --only tasks}. The broker is {@code REEF_AMQP_URI} or
 * {@value BenchSettings#DEFAULT_URI}.
 */
public final class TaskBench implements AutoCloseable {
  /** Events of the streamed task, and of the task the late watcher catches up on. */
  static final int STREAM_EVENTS = 10_000;

  private static final Duration WAIT = Duration.ofSeconds(120);

  private final URI uri;
  private final String channel;
  private final Reef requester;
  private final Reef worker;
  private final ReefChannel requesterChannel;
  private final Tasks tasks;

  TaskBench(URI uri, String runId) {
    this.uri = uri;
    this.channel = "bench-" + runId + "-tasks";
    ReefOptions options = ReefOptions.custom().defaultChannel(channel).build();
    this.worker = Reef.create(backend(uri, "reef-bench-task-worker"), options);
    this.requester = Reef.create(backend(uri, "reef-bench-task-requester"), options);
    ReefChannel workerChannel = worker.channel(channel);
    workerChannel.subscribe(
        "svc",
        request -> {
          workerChannel.reply(request, "svc", Map.of("answer", request.knowledge().get("n")));
        });
    Tasks served = workerChannel.tasks();
    served.serve("task-svc", ctx -> Map.of("answer", ctx.input().getOrDefault("n", 0)));
    served.serve(
        "streamer",
        ctx -> {
          int n = ((Number) ctx.input().get("events")).intValue();
          for (int i = 1; i <= n; i++) {
            ctx.progress("stream", i / (double) n, null);
          }
          return Map.of("events", n);
        });
    this.requesterChannel = requester.channel(channel);
    requesterChannel.subscribe("cli", spore -> {});
    this.tasks = requesterChannel.tasks();
  }

  private static AmqpBackend backend(URI uri, String name) {
    return AmqpBackend.builder().uri(uri).connectionName(name).build();
  }

  /** Sequential asks: p50 and p99 in ms. */
  Latency asks(int calls, int warmup) throws Exception {
    Histogram h = Latency.newHistogram();
    long t0 = 0;
    for (int i = -warmup; i < calls; i++) {
      if (i == 0) {
        t0 = System.nanoTime();
      }
      long start = System.nanoTime();
      requesterChannel
          .ask("cli", "svc", Map.of("n", i), Duration.ofSeconds(10))
          .get(15, TimeUnit.SECONDS);
      if (i >= 0) {
        Latency.record(h, System.nanoTime() - start);
      }
    }
    return Latency.of(h, calls / ((System.nanoTime() - t0) / 1e9));
  }

  /** Sequential tasks, submit to result: p50 and p99 in ms. */
  Latency submits(int calls, int warmup) throws Exception {
    Histogram h = Latency.newHistogram();
    long t0 = 0;
    for (int i = -warmup; i < calls; i++) {
      if (i == 0) {
        t0 = System.nanoTime();
      }
      long start = System.nanoTime();
      tasks
          .submit(TaskRequest.toAgent("cli", "task-svc").input(Map.of("n", i)).build())
          .result()
          .get(15, TimeUnit.SECONDS);
      if (i >= 0) {
        Latency.record(h, System.nanoTime() - start);
      }
    }
    return Latency.of(h, calls / ((System.nanoTime() - t0) / 1e9));
  }

  /** One task of {@code events} progress events, watched by the requester. */
  record Streamed(String taskId, double eventsPerSecond, int eventsSeen) {}

  Streamed stream(int events) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    long t0 = System.nanoTime();
    TaskHandle task =
        tasks.submit(
            TaskRequest.toAgent("cli", "streamer")
                .input(Map.of("events", events))
                .timeout(WAIT)
                .build());
    TaskWatch watch = task.watch(e -> count(e, seen, done));
    try {
      if (!done.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new TimeoutException("the streamed task did not end; events seen " + seen.get());
      }
    } finally {
      watch.close();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    task.result().get(10, TimeUnit.SECONDS);
    return new Streamed(task.id(), seen.get() / seconds, seen.get());
  }

  private static void count(TaskEvent e, AtomicInteger seen, CountDownLatch done) {
    seen.incrementAndGet();
    if (e.status() != null && e.status().state().isTerminal()) {
      done.countDown();
    }
  }

  /** A new reef (connection) watches a finished task: ms from watch to its terminal event. */
  double catchUp(String taskId, int expectedEvents) throws Exception {
    try (Reef late =
        Reef.create(
            backend(uri, "reef-bench-task-late"),
            ReefOptions.custom().defaultChannel(channel).build())) {
      CountDownLatch done = new CountDownLatch(1);
      AtomicInteger seen = new AtomicInteger();
      long t0 = System.nanoTime();
      TaskWatch watch = late.channel(channel).tasks().watch(taskId, e -> count(e, seen, done));
      try {
        if (!done.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
          throw new TimeoutException("the late watcher saw " + seen.get() + " events");
        }
      } finally {
        watch.close();
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      if (seen.get() < expectedEvents) {
        throw new IllegalStateException(
            "the late watcher saw " + seen.get() + " events, the live one " + expectedEvents);
      }
      return ms;
    }
  }

  List<String> queues() {
    List<String> q = new ArrayList<>();
    for (String agent : List.of("svc", "cli", "task-svc", "streamer")) {
      q.add("reef." + channel + "." + agent);
    }
    q.add(AmqpTaskLogStore.streamFor(channel));
    q.add("reef-dlq." + channel);
    q.add("reef-directory." + channel + ".records");
    q.add("reef-directory." + channel + ".leases");
    return q;
  }

  List<String> exchanges() {
    return List.of("reef." + channel, "reef-dlx." + channel);
  }

  @Override
  public void close() {
    try {
      requester.close(Duration.ofSeconds(5));
    } finally {
      worker.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Runs the task section: rounds of (asks, submits), then one streamed task and its late watcher.
   *
   * @param s the run's settings
   * @param runId the run id (names)
   * @param table where the rows go
   * @throws Exception if the section cannot run
   */
  static void run(BenchSettings s, String runId, ResultTable table) throws Exception {
    int calls = s.quick() ? 200 : 1_000;
    int warm = s.quick() ? 50 : 200;
    int rounds = Math.min(3, s.rounds());
    System.out.printf(
        Locale.ROOT,
        "%n== tasks: %d sequential asks vs %d sequential tasks per round, %d rounds;"
            + " one task streaming %,d events; a late watcher%n",
        calls,
        calls,
        rounds,
        STREAM_EVENTS);
    Series askP50 = new Series(false);
    Series taskP50 = new Series(false);
    Series askP99 = new Series(false);
    Series taskP99 = new Series(false);
    Series rate = new Series(true);
    Series catchUp = new Series(false);
    TaskBench bench = new TaskBench(s.uri(), runId);
    try {
      for (int r = 1; r <= rounds; r++) {
        System.out.println(" round " + r);
        Latency a = bench.asks(calls, r == 1 ? warm : 20);
        Latency t = bench.submits(calls, r == 1 ? warm : 20);
        askP50.add(a.p50Ms());
        askP99.add(a.p99Ms());
        taskP50.add(t.p50Ms());
        taskP99.add(t.p99Ms());
        System.out.printf(
            Locale.ROOT,
            "  ask  p50 %.3f ms p99 %.3f ms | task p50 %.3f ms p99 %.3f ms | ratio %.2f%n",
            a.p50Ms(),
            a.p99Ms(),
            t.p50Ms(),
            t.p99Ms(),
            t.p50Ms() / a.p50Ms());
      }
      for (int r = 1; r <= Math.min(2, rounds); r++) {
        Streamed streamed = bench.stream(STREAM_EVENTS);
        rate.add(streamed.eventsPerSecond());
        double ms = bench.catchUp(streamed.taskId(), streamed.eventsSeen());
        catchUp.add(ms);
        System.out.printf(
            Locale.ROOT,
            "  streamed %,d events at %,.0f events/s; late watcher caught up in %.0f ms%n",
            streamed.eventsSeen(),
            streamed.eventsPerSecond(),
            ms);
      }
    } finally {
      List<String> queues = bench.queues();
      List<String> exchanges = bench.exchanges();
      bench.close();
      Amqp.deleteQuietly(s.uri(), queues, exchanges);
    }
    table.add(
        new ResultTable.Row(
            "tasks",
            "submit -> result p50 vs ask p50",
            "ms",
            "reef ask",
            askP50,
            "reef task",
            taskP50,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "tasks",
            "submit -> result p99 vs ask p99",
            "ms",
            "reef ask",
            askP99,
            "reef task",
            taskP99,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "tasks",
            "progress events one task streams (to a watcher)",
            "events/s",
            "-",
            null,
            "reef task",
            rate,
            "",
            Double.NaN,
            Double.NaN));
    table.add(
        new ResultTable.Row(
            "tasks",
            "late watcher catch-up, " + STREAM_EVENTS + "-event task",
            "ms",
            "-",
            null,
            "reef task (new connection)",
            catchUp,
            "",
            Double.NaN,
            Double.NaN));
  }

  /**
   * Runs the task section alone and prints its rows.
   *
   * @param args {@code --quick} for fewer calls
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    boolean quick = List.of(args).contains("--quick");
    String env = System.getenv("REEF_AMQP_URI");
    URI uri = URI.create(env == null || env.isBlank() ? BenchSettings.DEFAULT_URI : env.trim());
    BenchSettings s = BenchSettings.of(quick, uri, java.nio.file.Paths.get("target"), null);
    ResultTable table = new ResultTable();
    run(s, Long.toString(System.currentTimeMillis(), 36), table);
    System.out.print(table.console());
  }
}
