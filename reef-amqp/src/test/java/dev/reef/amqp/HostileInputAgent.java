package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.SporeEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A consumer process for {@link HostileInputIT}, launched as a separate JVM with a small heap. It
 * subscribes agent {@code bob} on the channel (dead letters to the given exchange and queue),
 * prints {@code READY} once subscribed and {@code HANDLED <text>} per spore, answers {@code stats}
 * with {@code MALFORMED <count>} and exits on {@code quit} or when its standard input closes.
 *
 * <p>Usage: {@code HostileInputAgent <channel> <dead-letter-exchange> <dead-letter-queue>}, the
 * broker from {@code REEF_AMQP_URI}.
 */
public final class HostileInputAgent {
  private HostileInputAgent() {}

  /**
   * Runs the consumer.
   *
   * @param args channel, dead-letter exchange and queue
   * @throws Exception on failure (the process exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    String channel = args[0];
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(System.getenv("REEF_AMQP_URI"))
            .deadLetterExchange(args[1])
            .deadLetterQueue(args[2])
            .build();
    try (Reef reef = Reef.create(backend, ReefOptions.custom().defaultChannel(channel).build())) {
      reef.subscribe("bob", s -> print("HANDLED " + s.knowledge().get("text")));
      print("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("stats")) {
          print("MALFORMED " + reef.stats().total(SporeEvent.MALFORMED));
        }
      }
      reef.awaitIdle(Duration.ofSeconds(5));
    }
    print("BYE");
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
