package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.DirectoryStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The directory across real processes ({@link CrossJvmDirectoryAgent}): JVM A registers {@code
 * analyst} (kind {@code llm.analyst}, capability {@code risk}); JVM B, started afterwards,
 * discovers it by kind {@code llm} and by capability {@code risk}; A is killed with SIGKILL and B
 * sees the instance gone within the lease. The kill is repeated ({@code reef.xjvm.dir.runs}, 3 by
 * default, with a lease of {@code reef.xjvm.dir.leaseMs}, 3000 by default) and the detection times
 * are printed (p50, max).
 */
@ExtendWith(RabbitMqBroker.class)
class CrossJvmDirectoryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final List<Proc> procs = new ArrayList<>();

  /** One child JVM and the lines it printed, with the time each arrived. */
  private static final class Proc {
    final Process process;
    final Map<String, Long> arrived = new ConcurrentHashMap<>();
    final List<String> lines = new CopyOnWriteArrayList<>();

    Proc(Process process) {
      this.process = process;
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    arrived.putIfAbsent(line, System.nanoTime());
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // process ended
                }
              },
              "directory-agent-stdout");
      t.setDaemon(true);
      t.start();
    }

    String first(String prefix) {
      return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    void tell(String line) throws IOException {
      OutputStream out = process.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @AfterEach
  void stop() {
    procs.forEach(p -> p.process.destroyForcibly());
  }

  private Proc launch(String role, String channel, long leaseMs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    File log = new File("target/cross-jvm-directory-" + role + "-" + procs.size() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrossJvmDirectoryAgent.class.getName(),
                role,
                channel,
                Long.toString(leaseMs))
            .redirectError(log);
    pb.environment().put("REEF_AMQP_URI", RabbitMqBroker.uri());
    Proc p = new Proc(pb.start());
    procs.add(p);
    return p;
  }

  @Test
  void aLaterJvmDiscoversAnAnalystByKindAndCapabilityAndSeesItsKillWithinTheLease(TestBroker broker)
      throws Exception {
    int runs = Integer.getInteger("reef.xjvm.dir.runs", 3);
    long leaseMs = Long.getLong("reef.xjvm.dir.leaseMs", 3000);
    String channel = TestBroker.unique("xjvmdir");
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.RECORDS));
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.LEASES));

    Proc a = launch("analyst", channel, leaseMs);
    await().atMost(WAIT).until(() -> a.first("READY") != null);
    String instance = a.first("READY").substring("READY ".length());

    Proc b = launch("observer", channel, leaseMs);
    await().atMost(WAIT).until(() -> b.first("READY") != null);
    assertThat(b.first("KIND")).isEqualTo("KIND [analyst]");
    assertThat(b.first("CAP")).isEqualTo("CAP [analyst]");
    assertThat(b.first("CARD"))
        .isEqualTo("CARD llm.analyst [risk] ACTIVE instances=[" + instance + "]");

    List<Long> detectMs = new ArrayList<>();
    Proc victim = a;
    String victimId = instance;
    for (int run = 0; run < runs; run++) {
      if (run > 0) {
        victim = launch("analyst", channel, leaseMs);
        Proc v = victim;
        await().atMost(WAIT).until(() -> v.first("READY") != null);
        victimId = v.first("READY").substring("READY ".length());
        String joined = "JOINED " + victimId;
        await().atMost(WAIT).until(() -> b.lines.contains(joined));
      }
      // A live instance renews: it is not seen gone during a whole lease.
      String left = "LEFT " + victimId;
      await()
          .during(Duration.ofMillis(leaseMs))
          .atMost(Duration.ofMillis(leaseMs * 2))
          .until(() -> !b.lines.contains(left));
      long killedAt = System.nanoTime();
      victim.process.destroyForcibly(); // SIGKILL: no leave record
      assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofMillis(leaseMs + 5000)).until(() -> b.arrived.containsKey(left));
      long ms = TimeUnit.NANOSECONDS.toMillis(b.arrived.get(left) - killedAt);
      detectMs.add(ms);
      assertThat(ms)
          .as("seen gone within the lease (plus the sweep)")
          .isLessThanOrEqualTo(leaseMs + 1000);
    }
    List<Long> sorted = new ArrayList<>(detectMs);
    Collections.sort(sorted);
    System.out.printf(
        "directory kill -9 detection, lease %d ms, %d runs: %s; p50 %d ms, max %d ms%n",
        leaseMs,
        runs,
        detectMs,
        sorted.get((sorted.size() - 1) / 2),
        sorted.get(sorted.size() - 1));
    b.tell("quit");
    assertThat(b.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(b.process.exitValue()).isZero();
  }
}
