package dev.reef.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What creating a mailbox costs the broker, with the raw client next to Reef's own subscribe, in
 * the same run (issue 13, item 7; the tables in docs/performance.md "Many agents in one process").
 * Not a test: run by hand with the test class path,
 *
 * <pre>
 * java -cp reef-amqp/target/test-classes:reef-amqp/target/classes:$(deps) \
 *     dev.reef.amqp.MailboxDeclareCost [amqp-uri] [N] [beam.smp pid] [regex of "variant mode"]
 * </pre>
 *
 * <p>Queue variants: durable classic with {@code x-max-priority} 10 as Reef declares it ({@code
 * prio10}), the same as CQv2 ({@code prio10-v2}), non-durable, with 5 or 2 priority levels, without
 * priority (v1 and v2), and quorum. Modes: {@code tK} declares all N from K threads each on its own
 * channel, then binds each twice, then consumes each (32 consumers per channel), then deletes;
 * {@code nowaitK} the same with no-wait calls and one round trip per thread at the end; {@code
 * mbox-syncK} / {@code mbox-pipeK} declare and bind one mailbox after the other as Reef did before
 * (three round trips) and does now (one); {@code mbox-full16} adds the consume per mailbox on the
 * first shared channel with room, as Reef does; {@code reefK} subscribes through {@link
 * AmqpBackend#consume}. Each line gives per phase the wall time, the broker's CPU time (from /proc
 * of the beam.smp pid, if given; other clients' work included, their idle rate is printed per
 * round) and the MiB the broker wrote. Alternating rounds: every selected variant and mode runs
 * once per round, three rounds.
 */
public final class MailboxDeclareCost {
  private record Variant(String name, boolean durable, Map<String, Object> args) {}

  private static final int ROUNDS = 3;

  private final String uri;
  private final Connection connection;
  private final String exchange;
  private final long pid;

  private MailboxDeclareCost(String uri, Connection connection, String exchange, long pid) {
    this.uri = uri;
    this.connection = connection;
    this.exchange = exchange;
    this.pid = pid;
  }

  /**
   * Runs the measurement.
   *
   * @param args optional: URI, number of queues per run, beam.smp pid
   * @throws Exception if the broker fails
   */
  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "amqp://guest:guest@127.0.0.1:5672";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long pid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    String only = args.length > 3 ? args[3] : "";
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setAutomaticRecoveryEnabled(false);
    String ex = "cost-" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = f.newConnection("mailbox-declare-cost")) {
      try (Channel ch = c.createChannel()) {
        ch.exchangeDeclare(ex, BuiltinExchangeType.TOPIC, false, false, null);
        ch.exchangeDeclare(ex + ".dlx", BuiltinExchangeType.TOPIC, false, false, null);
      }
      MailboxDeclareCost m = new MailboxDeclareCost(uri, c, ex, pid);
      List<Variant> variants = variants(ex + ".dlx");
      String[] modes = {
        "t1",
        "t4",
        "t8",
        "t16",
        "nowait1",
        "nowait4",
        "mbox-sync1",
        "mbox-pipe1",
        "mbox-sync16",
        "mbox-pipe16",
        "mbox-full16",
        "reef1",
        "reef16"
      };
      System.out.printf(
          "N=%d, %d rounds; load %s%n",
          n, ROUNDS, Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.println(
          "round variant mode | declare ms (broker cpu ms, MiB written) | bind x2 ms | consume ms |"
              + " delete ms | total ms");
      for (int r = 1; r <= ROUNDS; r++) {
        long idle0 = m.brokerCpuMs();
        Thread.sleep(3_000);
        System.out.printf(
            "broker CPU while this program is idle (other clients): %d ms/s; load %s%n",
            (m.brokerCpuMs() - idle0) / 3, Files.readString(Path.of("/proc/loadavg")).trim());
        for (Variant v : variants) {
          for (String mode : modes) {
            if (!only.isEmpty() && !(v.name() + " " + mode).matches(only)) {
              continue;
            }
            m.run(r, v, mode, n);
          }
        }
      }
      try (Channel ch = c.createChannel()) {
        ch.exchangeDelete(ex);
        ch.exchangeDelete(ex + ".dlx");
      }
    }
  }

  private static List<Variant> variants(String dlx) {
    Map<String, Object> prio = new HashMap<>();
    prio.put("x-dead-letter-exchange", dlx);
    prio.put("x-max-priority", 10);
    Map<String, Object> prioV2 = new HashMap<>(prio);
    prioV2.put("x-queue-version", 2);
    Map<String, Object> plain = new HashMap<>();
    plain.put("x-dead-letter-exchange", dlx);
    Map<String, Object> plainV2 = new HashMap<>(plain);
    plainV2.put("x-queue-version", 2);
    Map<String, Object> prio5 = new HashMap<>(plain);
    prio5.put("x-max-priority", 5);
    Map<String, Object> prio2 = new HashMap<>(plain);
    prio2.put("x-max-priority", 2);
    Map<String, Object> quorum = new HashMap<>(plain);
    quorum.put("x-queue-type", "quorum");
    return List.of(
        new Variant("prio10", true, prio),
        new Variant("prio10-v2", true, prioV2),
        new Variant("no-prio", true, plain),
        new Variant("no-prio-v2", true, plainV2),
        new Variant("prio10-transient", false, prio),
        new Variant("prio5", true, prio5),
        new Variant("prio2", true, prio2),
        new Variant("quorum", true, quorum));
  }

  private interface Step {
    void on(Channel ch, String queue) throws IOException;
  }

  private void run(int round, Variant v, String mode, int n) throws Exception {
    if (mode.startsWith("reef")) {
      if (v.name().equals("prio10")) {
        reef(round, mode, n);
      }
      return;
    }
    List<String> queues = new ArrayList<>();
    String prefix = "cost-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    for (int i = 0; i < n; i++) {
      queues.add(prefix + i);
    }
    boolean nowait = mode.startsWith("nowait");
    boolean perMailbox = mode.startsWith("mbox");
    int threads = Integer.parseInt(mode.replaceAll("[^0-9]", ""));
    List<Channel> shared = new ArrayList<>();
    if (mode.startsWith("mbox-full")) {
      // the consume on the first shared channel with room (32 consumers each), as Reef fills them
      for (int i = 0; i < n; i += 32) {
        Channel ch = connection.createChannel();
        ch.basicQos(10);
        shared.add(ch);
      }
    }
    long t0 = System.nanoTime();
    Phase declare = phase(queues, threads, nowait, declaration(v, mode, shared));
    Phase bind = perMailbox ? new Phase(0, 0, 0) : phase(queues, threads, nowait, bindings(nowait));
    Phase consume = shared.isEmpty() ? consume(queues, threads) : new Phase(0, 0, 0);
    Step delete = nowait ? (ch, q) -> ch.queueDeleteNoWait(q, false, false) : Channel::queueDelete;
    Phase deleted = phase(queues, threads, nowait, delete);
    for (Channel ch : shared) {
      ch.close();
    }
    System.out.printf(
        "%d %-16s %-8s | %s | %s | %s | %s | %d%n",
        round,
        v.name(),
        mode,
        declare,
        bind,
        consume,
        deleted,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * What the first phase does per queue: declare it (waiting for the reply, or not), or for the
   * {@code mbox} modes what Reef does per new mailbox: declare and bind twice on one channel,
   * waiting for each reply ({@code mbox-sync}, 3 round trips) or sending the declaration and the
   * first binding without waiting ({@code mbox-pipe}, {@code mbox-full}: 1 round trip), and for
   * {@code mbox-full} the consume on the shared channels after.
   */
  private Step declaration(Variant v, String mode, List<Channel> shared) {
    if (mode.startsWith("nowait")) {
      return (ch, q) -> ch.queueDeclareNoWait(q, v.durable(), false, false, v.args());
    }
    if (!mode.startsWith("mbox")) {
      return (ch, q) -> ch.queueDeclare(q, v.durable(), false, false, v.args());
    }
    boolean pipe = !mode.startsWith("mbox-sync");
    AtomicInteger next = new AtomicInteger();
    return (ch, q) -> {
      if (pipe) {
        ch.queueDeclareNoWait(q, v.durable(), false, false, v.args());
        ch.queueBindNoWait(q, exchange, "agent." + q + ".*", null);
      } else {
        ch.queueDeclare(q, v.durable(), false, false, v.args());
        ch.queueBind(q, exchange, "agent." + q + ".*");
      }
      ch.queueBind(q, exchange, "broadcast.*");
      if (!shared.isEmpty()) {
        Channel c = shared.get(next.getAndIncrement() / 32);
        c.basicConsume(q, false, new DefaultConsumer(c));
      }
    };
  }

  /** The two bindings of a mailbox, waiting for each reply or not. */
  private Step bindings(boolean nowait) {
    if (nowait) {
      return (ch, q) -> {
        ch.queueBindNoWait(q, exchange, "agent." + q + ".*", null);
        ch.queueBindNoWait(q, exchange, "broadcast.*", null);
      };
    }
    return (ch, q) -> {
      ch.queueBind(q, exchange, "agent." + q + ".*");
      ch.queueBind(q, exchange, "broadcast.*");
    };
  }

  /**
   * Subscribes N new mailboxes through Reef's backend ({@link AmqpBackend#consume}, what one
   * agent's subscription costs) from the given threads, and deletes them again.
   */
  private void reef(int round, String mode, int n) throws Exception {
    int threads = Integer.parseInt(mode.replaceAll("[^0-9]", ""));
    String channel = "cost-" + UUID.randomUUID().toString().substring(0, 6);
    AmqpBackend b = AmqpBackend.builder().uri(uri).build();
    b.start((e, c, a, s, err) -> {});
    List<String> queues = new ArrayList<>();
    Meter meter = new Meter();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String agent = "agent-" + i;
        queues.add(b.mailboxQueueFor(channel, agent));
        done.add(
            pool.submit(
                () ->
                    b.consume(channel, agent, (s, a) -> CompletableFuture.completedFuture(null))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Phase subscribe = meter.phase();
    b.close(Duration.ofSeconds(10));
    Phase delete = phase(queues, Math.min(threads, 16), false, (ch, q) -> ch.queueDelete(q));
    try (Channel ch = connection.createChannel()) {
      ch.exchangeDelete(b.exchangeFor(channel));
      ch.exchangeDelete(b.deadLetterExchangeFor(channel));
      ch.queueDelete(b.deadLetterQueueFor(channel));
    }
    System.out.printf(
        "%d %-16s %-8s | %s | declare, bind and consume through AmqpBackend.consume | %s%n",
        round, "prio10", mode, subscribe, delete);
  }

  /** The wall time, broker CPU and bytes written since it was made. */
  private final class Meter {
    private final long cpu0 = brokerCpuMs();
    private final long written0 = brokerWritten();
    private final long t0 = System.nanoTime();

    Meter() throws IOException {}

    Phase phase() throws IOException {
      return new Phase(
          (System.nanoTime() - t0) / 1_000_000,
          brokerCpuMs() - cpu0,
          (brokerWritten() - written0) / 1048576.0);
    }
  }

  private record Phase(long ms, long cpuMs, double mibWritten) {
    @Override
    public String toString() {
      return String.format("%6d (%5d, %5.1f)", ms, cpuMs, mibWritten);
    }
  }

  private Phase phase(List<String> queues, int threads, boolean nowait, Step step)
      throws Exception {
    Meter meter = new Meter();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      int per = (queues.size() + threads - 1) / threads;
      for (int i = 0; i < queues.size(); i += per) {
        List<String> part = queues.subList(i, Math.min(queues.size(), i + per));
        done.add(
            pool.submit(
                () -> {
                  try (Channel ch = connection.createChannel()) {
                    for (String q : part) {
                      step.on(ch, q);
                    }
                    if (nowait) {
                      ch.basicQos(0); // one round trip: everything before it is done
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return meter.phase();
  }

  /** Consumes every queue, 32 consumers per channel as Reef does, from the given threads. */
  private Phase consume(List<String> queues, int threads) throws Exception {
    Meter meter = new Meter();
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < queues.size(); i += 32) {
      Channel ch = connection.createChannel();
      ch.basicQos(10);
      channels.add(ch);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < queues.size(); i++) {
        String q = queues.get(i);
        Channel ch = channels.get(i / 32);
        done.add(pool.submit(() -> ch.basicConsume(q, false, new DefaultConsumer(ch))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Phase p = meter.phase();
    for (Channel ch : channels) {
      ch.close();
    }
    return p;
  }

  /** The broker's user + system CPU time in ms, or 0 without a pid. */
  private long brokerCpuMs() throws IOException {
    if (pid < 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // 100 ticks a second
  }

  /** The bytes the broker wrote to storage so far, or 0 without a pid (or access to it). */
  private long brokerWritten() {
    if (pid < 0) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("write_bytes:")) {
          return Long.parseLong(line.substring(12).trim());
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }
}
