package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.spring.oracle.OracleApp;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link SpringHandlerCrossJvmIT}: a plain (non-Spring) reef that asks the Spring
 * application's {@code oracle} agent a typed question and prints {@code ANSWER <text> <askedBy>}.
 */
public final class SpringAskerAgent {
  private SpringAskerAgent() {}

  /**
   * Asks once.
   *
   * @param args the channel
   * @throws Exception if the ask fails (the parent sees no answer line)
   */
  public static void main(String[] args) throws Exception {
    ReefOptions options = ReefOptions.custom().defaultChannel(args[0]).build();
    try (Reef reef = Reef.create(AmqpBackend.fromEnvironment(), options)) {
      OracleApp.Answer answer =
          reef.askTyped(
                  "asker",
                  "oracle",
                  new OracleApp.Question("from afar", 3),
                  OracleApp.Answer.class,
                  Duration.ofSeconds(30))
              .get(30, TimeUnit.SECONDS);
      System.out.println("ANSWER " + answer.text() + " " + answer.askedBy());
    }
  }
}
