package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

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
