package dev.reef.cluster;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.MailboxType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process of {@link NodeLossClusterIT}, a separate JVM with one {@link AmqpBackend} (one
 * connection, several addresses) on a cluster: it subscribes {@code sink} (a quorum mailbox, whose
 * leader RabbitMQ places on the node of this connection) and {@code echo}, prints {@code READY},
 * and on {@code GO} sends {@code count} spores to {@code sink} evenly over 15 s with confirms (at
 * most 500 in flight; a publish that fails is resent, same spore id, after 300 ms) while an {@code
 * asker} asks {@code echo} (which answers after 200 ms) one ask after another. It prints {@code
 * THIRD} when a third is confirmed; the test then writes {@code KILLING <epoch ms>}, kills the node
 * and writes {@code KILLED <epoch ms>} once the node's beam is gone. The recovery time runs from
 * the first publish that failed after {@code KILLING} (the client noticed the loss; else from
 * {@code KILLED}) to the first spore sent after that which a handler saw. When every spore is
 * confirmed and handled (or after 120 s), it prints one {@code RESULT key=value ...} line and
 * exits.
 *
 * <p>Usage: {@code ClusterAgent <channel> <count> <connection name> <uri> <host:port>...}
 */
public final class ClusterAgent {
  private static final int IN_FLIGHT = 500;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(20);
  private static final long ECHO_DELAY_MILLIS = 200;
  private static final long STREAM_SECONDS = 15;

  private ClusterAgent() {}

  /**
   * Runs the agent.
   *
   * @param args see the class comment
   * @throws Exception on failure (the process exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    String channel = args[0];
    int count = Integer.parseInt(args[1]);
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(args[3])
            .addresses(Arrays.copyOfRange(args, 4, args.length))
            .connectionName(args[2])
            .mailboxType(channel, MailboxType.QUORUM)
            .deadLetterQueueType(MailboxType.QUORUM)
            .recoveryInterval(Duration.ofMillis(500))
            .confirmTimeout(Duration.ofSeconds(10))
            .build();
    ReefOptions options =
        ReefOptions.custom().defaultChannel(channel).deduplicationWindow(2 * count).build();
    long[] handledAt = new long[count];
    long[] sentAt = new long[count];
    AtomicInteger handled = new AtomicInteger();
    AtomicInteger handledTwice = new AtomicInteger();
    AtomicLong killingAt = new AtomicLong(Long.MAX_VALUE); // just before the kill
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE); // the beam is gone
    AtomicLong lossAt = new AtomicLong(Long.MAX_VALUE); // the first publish failure after KILLING
    try (Reef reef = Reef.create(backend, options)) {
      reef.subscribe(
          "sink",
          s -> {
            int seq = ((Number) s.knowledge().get("seq")).intValue();
            synchronized (handledAt) {
              if (handledAt[seq] == 0) {
                handledAt[seq] = System.currentTimeMillis();
                handled.incrementAndGet();
              } else {
                handledTwice.incrementAndGet();
              }
            }
          });
      // Answers after 200 ms, so that an ask is in flight when the node is killed.
      ScheduledExecutorService echoDelay = Executors.newSingleThreadScheduledExecutor();
      reef.subscribe(
          "echo",
          s -> {
            if (s.type() == SporeType.REQUEST) {
              echoDelay.schedule(
                  () -> reef.reply(s, "echo", Map.of("n", s.knowledge().get("n"))),
                  ECHO_DELAY_MILLIS,
                  TimeUnit.MILLISECONDS);
            }
          });
      reef.subscribe("asker", s -> {});
      print("READY");

      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (!"GO".equals(line)) {
        return;
      }
      Thread commands =
          new Thread(
              () -> {
                try {
                  String l;
                  while ((l = in.readLine()) != null) {
                    if (l.startsWith("KILLING ")) {
                      killingAt.set(Long.parseLong(l.substring(8).trim()));
                    } else if (l.startsWith("KILLED ")) {
                      killedAt.set(Long.parseLong(l.substring(7).trim()));
                    }
                  }
                } catch (Exception e) {
                  // standard input closed
                }
              },
              "commands");
      commands.setDaemon(true);
      commands.start();

      Asker asker = new Asker(reef, killingAt);
      Thread askThread = new Thread(asker, "asker");
      askThread.start();

      ScheduledExecutorService resend = Executors.newSingleThreadScheduledExecutor();
      Semaphore window = new Semaphore(IN_FLIGHT);
      AtomicInteger confirmed = new AtomicInteger();
      AtomicInteger failedAttempts = new AtomicInteger();
      CountDownLatch third = new CountDownLatch(1);
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        // Paced, so that the kill lands in the middle of the stream.
        long due = start + i * STREAM_SECONDS * 1_000_000_000L / count;
        long early = due - System.nanoTime();
        if (early > 0) {
          TimeUnit.NANOSECONDS.sleep(early);
        }
        window.acquire();
        Spore spore =
            Spore.builder()
                .type(SporeType.KNOWLEDGE)
                .fromAgent("source")
                .toAgent("sink")
                .knowledge(Map.of("seq", i))
                .build();
        sentAt[i] = System.currentTimeMillis();
        new Attempt(
                reef,
                spore,
                resend,
                window,
                confirmed,
                failedAttempts,
                killingAt,
                lossAt,
                () -> {
                  if (confirmed.get() >= count / 3 && third.getCount() > 0) {
                    third.countDown();
                    print("THIRD");
                  }
                })
            .run();
      }
      window.acquire(IN_FLIGHT);
      long deadline = System.currentTimeMillis() + 120_000;
      while (handled.get() < count && System.currentTimeMillis() < deadline) {
        Thread.sleep(50); // a test process: waits for the consumer to catch up
      }
      asker.stop();
      askThread.join(ASK_TIMEOUT.toMillis() + 10_000);
      resend.shutdownNow();
      echoDelay.shutdownNow();

      // The outage as the application sees it: from the first publish that failed after the kill
      // (the client noticed the loss) to the first spore sent after that which a handler saw.
      long kill = Math.min(lossAt.get(), killedAt.get());
      long recovery = -1;
      int lost = 0;
      synchronized (handledAt) {
        for (int i = 0; i < count; i++) {
          if (handledAt[i] == 0) {
            lost++;
          } else if (sentAt[i] > kill) {
            long r = handledAt[i] - kill;
            recovery = recovery < 0 ? r : Math.min(recovery, r);
          }
        }
      }
      print(
          "RESULT sent="
              + count
              + " confirmed="
              + confirmed.get()
              + " failedAttempts="
              + failedAttempts.get()
              + " delivered="
              + handled.get()
              + " handledTwice="
              + handledTwice.get()
              + " duplicates="
              + reef.stats().total(SporeEvent.DUPLICATE)
              + " lost="
              + lost
              + " recoveryMs="
              + recovery
              + " "
              + asker.summary());
    }
  }

  static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  /** One publish of a spore, resent (same id) after a failure until confirmed. */
  private record Attempt(
      Reef reef,
      Spore spore,
      ScheduledExecutorService resend,
      Semaphore window,
      AtomicInteger confirmed,
      AtomicInteger failedAttempts,
      AtomicLong killingAt,
      AtomicLong lossAt,
      Runnable onConfirm)
      implements Runnable {
    @Override
    public void run() {
      reef.publish(spore)
          .whenComplete(
              (ok, err) -> {
                if (err == null) {
                  confirmed.incrementAndGet();
                  window.release();
                  onConfirm.run();
                } else {
                  failedAttempts.incrementAndGet();
                  long now = System.currentTimeMillis();
                  if (now >= killingAt.get()) {
                    lossAt.compareAndSet(Long.MAX_VALUE, now);
                  }
                  resend.schedule(this, 300, TimeUnit.MILLISECONDS);
                }
              });
    }
  }

  /** Asks {@code echo} one ask after another; notes the ask in flight at the kill. */
  private static final class Asker implements Runnable {
    private final Reef reef;
    private final AtomicLong killedAt;
    private volatile boolean running = true;
    private int completed;
    private int failed;
    private int completedAfterKill;
    private String firstFailure = "none";
    private long maxMillis;
    private String atKill = "none";

    Asker(Reef reef, AtomicLong killedAt) {
      this.reef = reef;
      this.killedAt = killedAt;
    }

    void stop() {
      running = false;
    }

    @Override
    public void run() {
      int n = 0;
      while (running) {
        long t0 = System.currentTimeMillis();
        String outcome;
        try {
          reef.ask("asker", "echo", Map.of("n", n++), ASK_TIMEOUT)
              .get(ASK_TIMEOUT.toMillis() + 30_000, TimeUnit.MILLISECONDS);
          completed++;
          outcome = "completed";
          if (t0 > killedAt.get()) {
            completedAfterKill++;
          }
        } catch (ExecutionException e) {
          failed++;
          outcome = "failed:" + e.getCause().getClass().getSimpleName();
          if (firstFailure.equals("none")) {
            firstFailure = outcome;
            print("ASK_FAILED " + e.getCause());
          }
        } catch (Exception e) {
          failed++;
          outcome = "hung:" + e.getClass().getSimpleName();
        }
        long t1 = System.currentTimeMillis();
        if (!outcome.equals("completed")) {
          pause(); // a failed ask fails fast: do not spin while the connection recovers
        }
        maxMillis = Math.max(maxMillis, t1 - t0);
        long kill = killedAt.get();
        if (t0 <= kill && t1 >= kill && atKill.equals("none")) {
          atKill = outcome + "/" + (t1 - t0) + "ms";
        }
      }
    }

    private static void pause() {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String summary() {
      return "asksCompleted="
          + completed
          + " asksCompletedAfterKill="
          + completedAfterKill
          + " firstAskFailure="
          + firstFailure
          + " asksFailed="
          + failed
          + " askMaxMs="
          + maxMillis
          + " askAtKill="
          + atKill;
    }
  }
}
