package dev.reef.examples;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.time.Duration;
import java.util.Map;

/** The README's hello world: two agents, one question, one answer, in one JVM. */
public final class HelloReef {
  private HelloReef() {}

  /**
   * Runs the hello world.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    // README:hello:start
    try (Reef reef = Reef.inMemory()) {
      // bob answers every request he receives
      reef.subscribe(
          "bob",
          spore -> {
            if (spore.type() == SporeType.REQUEST) {
              reef.reply(spore, "bob", Map.of("answer", 42));
            }
          });
      // alice asks and waits for the reply
      Spore answer =
          reef.ask("alice", "bob", Map.of("question", "meaning of life?"), Duration.ofSeconds(5))
              .join();
      System.out.println("alice got " + answer.knowledge() + " from " + answer.fromAgent());
    }
    // README:hello:end
  }
}
