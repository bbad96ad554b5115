package dev.reef.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentTerminatedException;
import dev.reef.spi.DirectoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator tool's {@code agents} and {@code terminate} against the real broker. */
@ExtendWith(RabbitMqBroker.class)
class ReefCliDirectoryIT {

  @Test
  void agentsListsTheDirectoryAndTerminateAnswersTheWaitingRequest(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("cli-dir");
    broker.deleteExchangeAfter("reef." + channel);
    for (DirectoryStore.Log log : DirectoryStore.Log.values()) {
      broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, log));
    }
    broker.deleteQueueAfter("reef." + channel + ".analyst");
    broker.deleteQueueAfter("reef." + channel + ".asker");
    try (AgentDirectory directory =
            AgentDirectory.create(AmqpDirectoryStore.builder().uri(broker.uri()).build());
        // The default dead-letter settings, as the CLI's: a mailbox is declared with them. Nothing
        // is dead-lettered here.
        Reef reef = Reef.create(AmqpBackend.builder().uri(broker.uri()).build())) {
      directory.register(
          channel,
          AgentCard.builder("analyst")
              .kind("llm.analyst")
              .capabilities("risk")
              .version("3")
              .build());
      directory.register(
          channel, AgentCard.builder("writer").kind("tool").capabilities("text").build());
      reef.channel(channel).declareMailbox("analyst");
      CompletableFuture<Spore> ask =
          reef.channel(channel).ask("asker", "analyst", Map.of("q", 1), Duration.ofSeconds(60));

      Captured out = new Captured();
      assertThat(cli(out, broker, "agents", "--channel", channel, "--capability", "risk"))
          .as(out.text())
          .isZero();
      assertThat(out.text())
          .contains("analyst", "llm.analyst", "ACTIVE", "[risk]")
          .doesNotContain("writer");
      assertThat(cli(new Captured(), broker, "agents", "--channel", channel, "--kind", "none"))
          .isEqualTo(1);

      Captured term = new Captured();
      long start = System.nanoTime();
      assertThat(
              cli(
                  term,
                  broker,
                  "terminate",
                  "--channel",
                  channel,
                  "--agent",
                  "analyst",
                  "--quiet",
                  "500ms"))
          .as(term.text())
          .isZero();
      assertThat(term.text()).contains("1 request(s) answered, 0 spore(s) dead-lettered");
      // The asker fails at once, not at its 60 s timeout.
      Throwable failure = ask.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(AgentTerminatedException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

      Captured after = new Captured();
      cli(after, broker, "agents", "--channel", channel);
      assertThat(after.text()).contains("TERMINATED");
      Captured revive = new Captured();
      assertThat(
              cli(
                  revive,
                  broker,
                  "terminate",
                  "--channel",
                  channel,
                  "--agent",
                  "analyst",
                  "--revive"))
          .isZero();
      assertThat(revive.text()).contains("Revived 'analyst'");
    }
  }

  private static int cli(Captured out, TestBroker broker, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--uri");
    all.add(broker.uri());
    try {
      return ReefCli.run(all, Map.of(), out.stream(), out.stream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
