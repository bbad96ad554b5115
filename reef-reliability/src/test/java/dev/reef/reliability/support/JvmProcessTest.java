package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessTest {
  /** A child main: echoes each input line as {@code ECHO <line>} until {@code STOP}. */
  public static final class Echo {
    private Echo() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException {
      System.out.println("READY " + String.join(",", args) + " " + System.getenv("REEF_AMQP_URI"));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("STOP")) {
        System.out.println("ECHO " + line);
      }
      System.exit(7);
    }
  }

  /** A child main: prints {@code args[0]} numbered lines, then creates the file {@code args[1]}. */
  public static final class Burst {
    private Burst() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException {
      int n = Integer.parseInt(args[0]);
      for (int i = 0; i < n; i++) {
        System.out.println("L" + i);
      }
      Files.createFile(Path.of(args[1]));
      while (true) {
        LockSupport.park();
      }
    }
  }

  @Test
  void linesWrittenBeforeAKillAreNotLost(@TempDir Path dir) {
    int lines = 2000;
    Path written = dir.resolve("written");
    CountDownLatch hold = new CountDownLatch(1);
    List<String> seen = new CopyOnWriteArrayList<>();
    try (JvmProcess p =
        JvmProcess.start(
            "burst-test",
            Burst.class,
            32,
            line -> {
              try {
                hold.await(); // nothing is read until the child is dead
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              seen.add(line);
            },
            Integer.toString(lines),
            written.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(written));
      // Reading resumes only once the child is dead: its lines then sit unread in the pipe.
      ProcessHandle.of(p.pid()).orElseThrow().onExit().thenRun(hold::countDown);
      p.kill();
      assertThat(p.isAlive()).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == lines);
      assertThat(seen.get(lines - 1)).isEqualTo("L" + (lines - 1));
    }
  }

  @Test
  void runsATestClasspathMainInASeparateJvmAndTalksLineByLine() {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (JvmProcess p = JvmProcess.start("echo-test", Echo.class, 32, lines::add, "a=1", "b=2")) {
      assertThat(p.pid()).isNotEqualTo(ProcessHandle.current().pid());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lines.contains("READY a=1,b=2 " + Brokers.uri()));
      p.send("hello");
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("ECHO hello"));
      p.send("STOP");
      assertThat(p.awaitExit(Duration.ofSeconds(10))).isEqualTo(7);
    }
  }

  @Test
  void killIsImmediateAndFinal() {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (JvmProcess p = JvmProcess.start("kill-test", Echo.class, 32, lines::add)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !lines.isEmpty());
      p.kill();
      assertThat(p.isAlive()).isFalse();
      assertThat(p.awaitExit(Duration.ofSeconds(5))).isNotZero();
    }
  }
}
