package dev.reef.spring.oracle;

import dev.reef.spring.ReefHandler;
import dev.reef.spring.ReefHeader;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/** A small application for the tests: an {@code oracle} agent answering typed questions. */
@SpringBootApplication
public class OracleApp {

  /** A question. */
  public record Question(String text, int n) {}

  /** Its answer. */
  public record Answer(String text, String askedBy) {}

  /** The oracle agent. */
  @Component
  public static class Oracle {
    @ReefHandler(agent = "oracle")
    Answer answer(Question q, @ReefHeader("from_agent") String from) {
      return new Answer(q.text().toUpperCase() + "!".repeat(q.n()), from);
    }
  }

  /**
   * Runs the oracle.
   *
   * @param args Spring Boot arguments
   */
  public static void main(String[] args) {
    SpringApplication.run(OracleApp.class, args);
  }
}
