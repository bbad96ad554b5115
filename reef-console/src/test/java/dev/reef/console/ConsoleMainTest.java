package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ConsoleMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws InterruptedException {
    return ConsoleMain.run(
        args,
        Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new CountDownLatch(0));
  }

  @Test
  void badOptionsExitWithTwoAndSayWhy() throws InterruptedException {
    assertThat(run("--bogus", "x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");
    assertThat(run("--port", "70000")).isEqualTo(2);
    assertThat(run("--channel", "bad channel!")).isEqualTo(2);
    assertThat(run("--token", "short")).isEqualTo(2);
  }

  @Test
  void anUnreachableBrokerExitsWithThreeWithoutItsPassword() throws InterruptedException {
    assertThat(run("--uri", "amqp://ops:s3cret-pw@127.0.0.1:1/%2F", "--port", "0")).isEqualTo(3);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("reef-console: ")
        .doesNotContain("s3cret-pw");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("s3cret-pw");
  }
}
