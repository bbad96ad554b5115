package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import java.util.Map;

/**
 * A sending process for {@link AmqpSenderIT}, launched as a separate JVM: connects with {@code
 * REEF_AMQP_URI} (whose user is the broker user the receiver sees), sends one spore as the given
 * agent to {@code bob}, prints {@code SENT <id>} once the broker confirmed it, and exits.
 *
 * <p>Usage: {@code SenderAgent <channel> <from-agent> <n>}.
 */
public final class SenderAgent {
  private SenderAgent() {}

  /**
   * Sends one spore.
   *
   * @param args channel, sending agent, a number for the knowledge
   */
  public static void main(String[] args) {
    ReefOptions options = ReefOptions.custom().defaultChannel(args[0]).build();
    try (Reef reef = Reef.fromEnvironment(options)) {
      Spore sent = reef.send(args[1], "bob", Map.of("n", Integer.parseInt(args[2]))).join();
      System.out.println("SENT " + sent.id());
      System.out.flush();
    }
  }
}
