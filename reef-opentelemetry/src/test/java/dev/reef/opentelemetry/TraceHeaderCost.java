package dev.reef.opentelemetry;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the trace context's headers cost the broker, with the raw client only (no Reef code): the
 * lean layout's headers of a plain directed spore ({@code off}), plus {@code traceparent} ({@code
 * one}, today's layout), plus {@code traceparent} and {@code trace_id} ({@code two}, the layout
 * before); persistent, confirmed, at most 1,000 in flight, a manual-ack consumer with prefetch 250,
 * alternating rounds in one run (docs/performance.md#tracing-overhead-issue-16).
 *
 * <p>Usage: {@code TraceHeaderCost [messages per round] [rounds]}, system property {@code
 * broker.pid} for the broker's CPU per message; uses {@code REEF_AMQP_URI} and deletes its queue.
 */
public final class TraceHeaderCost {
  private TraceHeaderCost() {}

  /**
   * Runs the rounds and prints one line per variant.
   *
   * @param args messages per round, rounds
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(System.getenv().getOrDefault("REEF_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672"));
    String queue =
        "trace-header-cost-"
            + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    String[] names = {"off", "one", "two"};
    List<List<double[]>> results = new ArrayList<>();
    try (Connection pub = f.newConnection("thc-pub");
        Connection sub = f.newConnection("thc-sub")) {
      Channel p = pub.createChannel();
      p.confirmSelect();
      p.queueDeclare(queue, true, false, false, null);
      Channel c = sub.createChannel();
      c.basicQos(250);
      for (int v = 0; v < names.length; v++) {
        results.add(new ArrayList<>());
        round(p, c, queue, v, Math.min(n, 5_000)); // warm-up
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.length; k++) {
          int v = (k + r) % names.length;
          results.get(v).add(round(p, c, queue, v, n));
        }
      }
      p.queueDelete(queue);
    }
    double off = median(results.get(0), 0);
    for (int v = 0; v < names.length; v++) {
      System.out.printf(
          Locale.ROOT,
          "%-4s median %,8.0f msg/s  ratio to off %.3f  broker CPU per message (median) %.1f us%n",
          names[v],
          median(results.get(v), 0),
          median(results.get(v), 0) / off,
          median(results.get(v), 1));
    }
  }

  private static double[] round(Channel p, Channel c, String queue, int variant, int n)
      throws Exception {
    CountDownLatch done = new CountDownLatch(n);
    Semaphore window = new Semaphore(1_000);
    p.clearConfirmListeners();
    p.addConfirmListener(
        (tag, multiple) -> release(window, tag, multiple),
        (tag, multiple) -> release(window, tag, multiple));
    String tag =
        c.basicConsume(
            queue,
            false,
            new DefaultConsumer(c) {
              @Override
              public void handleDelivery(
                  String consumerTag, Envelope e, AMQP.BasicProperties props, byte[] body)
                  throws java.io.IOException {
                getChannel().basicAck(e.getDeliveryTag(), false);
                done.countDown();
              }
            });
    byte[] body = "{\"n\":1,\"text\":\"a small spore\"}".getBytes(StandardCharsets.UTF_8);
    long broker0 = brokerTicks();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      window.acquire();
      UNCONFIRMED.add(p.getNextPublishSeqNo());
      p.basicPublish("", queue, false, props(variant), body);
    }
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not all delivered");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long broker1 = brokerTicks();
    c.basicCancel(tag);
    return new double[] {
      n / seconds, broker0 < 0 || broker1 < 0 ? Double.NaN : (broker1 - broker0) * 1e4 / n
    };
  }

  /** Publish sequence numbers not yet confirmed. */
  private static final ConcurrentSkipListSet<Long> UNCONFIRMED = new ConcurrentSkipListSet<>();

  private static void release(Semaphore window, long tag, boolean multiple) {
    int n = 0;
    if (multiple) {
      NavigableSet<Long> upTo = UNCONFIRMED.headSet(tag, true);
      while (upTo.pollFirst() != null) {
        n++;
      }
    } else if (UNCONFIRMED.remove(tag)) {
      n = 1;
    }
    window.release(n);
  }

  private static AMQP.BasicProperties props(int variant) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Map<String, Object> h = new HashMap<>();
    h.put("spore_type", "knowledge");
    h.put("from_agent", "tx");
    h.put("to_agent", "rx");
    h.put("created_at", "2026-12-01T06:00:00.123456Z");
    h.put("version", "1.0");
    String trace = hex(r.nextLong()) + hex(r.nextLong());
    if (variant >= 1) {
      h.put("traceparent", "00-" + trace + "-" + hex(r.nextLong()) + "-01");
    }
    if (variant == 2) {
      h.put("trace_id", trace);
    }
    return new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(2)
        .messageId(java.util.UUID.randomUUID().toString())
        .timestamp(new java.util.Date())
        .priority(5)
        .type("knowledge")
        .headers(h)
        .build();
  }

  private static String hex(long v) {
    return String.format(Locale.ROOT, "%016x", v);
  }

  private static long brokerTicks() {
    String pid = System.getProperty("broker.pid");
    if (pid == null) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double median(List<double[]> xs, int i) {
    List<Double> s = new ArrayList<>();
    for (double[] x : xs) {
      s.add(x[i]);
    }
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
