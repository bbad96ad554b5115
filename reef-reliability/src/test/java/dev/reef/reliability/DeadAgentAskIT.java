package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefClosedException;
import dev.reef.ReefOptions;
import dev.reef.RequestTimeoutException;
import dev.reef.Spore;
import dev.reef.UnknownAgentException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests to a dead agent (its durable mailbox exists, nobody consumes it): {@code ask} fails with
 * {@link RequestTimeoutException} at its deadline, not before and not much after, and the request
 * does not linger in the dead agent's mailbox; asks pending when the reef closes fail at once with
 * {@link ReefClosedException}; an ask to an agent with no mailbox fails at once with {@link
 * UnknownAgentException}. Nothing hangs.
 */
@ExtendWith(RabbitMqBroker.class)
class DeadAgentAskIT {
  private static final Duration ASK_TIMEOUT = Duration.ofMillis(1500);
  private static final SporeLedger LEDGER = new SporeLedger("Requests to a dead agent (ask)");
  private static final AtomicLong LATEST_TIMEOUT_MS = new AtomicLong();
  private static final AtomicLong CLOSE_MS = new AtomicLong();

  @BeforeAll
  static void reset() {
    LATEST_TIMEOUT_MS.set(0);
  }

  @AfterAll
  static void report() {
    LEDGER.report(
        LEDGER.sentCount()
            + " asks (ask exposes only the answer, so Confirmed is not observable), each failed"
            + " with its typed error: asks to a dead agent (mailbox, no consumer) failed with"
            + " RequestTimeoutException at their "
            + ASK_TIMEOUT.toMillis()
            + " ms deadline (latest after "
            + LATEST_TIMEOUT_MS.get()
            + " ms) and their requests expired into the dead-letter queue; pending asks failed"
            + " with ReefClosedException "
            + CLOSE_MS.get()
            + " ms after close began; unknown agent failed at once");
  }

  @Test
  void askToADeadAgentFailsWithRequestTimeoutAtItsDeadline() {
    try (Topology topo = Topology.create("deadask");
        Reef reef = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      ReefChannel channel = reef.channel(topo.channel());
      String ghostQueue = topo.mailbox("ghost");
      topo.mailbox("caller");
      channel.declareMailbox("ghost");

      List<CompletableFuture<Spore>> asks = new ArrayList<>();
      List<AtomicLong> failedAfterMs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        AtomicLong elapsed = new AtomicLong(-1);
        CompletableFuture<Spore> f =
            channel.ask("caller", "ghost", Map.of("question", i), ASK_TIMEOUT);
        f.whenComplete((r, e) -> elapsed.set((System.nanoTime() - start) / 1_000_000));
        LEDGER.sent();
        asks.add(f);
        failedAfterMs.add(elapsed);
      }
      await()
          .atMost(ASK_TIMEOUT.plusSeconds(5))
          .until(() -> asks.stream().allMatch(CompletableFuture::isDone));
      for (int i = 0; i < asks.size(); i++) {
        assertThat(asks.get(i))
            .failsWithin(Duration.ZERO)
            .withThrowableThat()
            .havingCause()
            .isInstanceOf(RequestTimeoutException.class);
        assertThat(failedAfterMs.get(i).get())
            .as("ask %d must not fail before its deadline", i)
            .isGreaterThanOrEqualTo(ASK_TIMEOUT.toMillis());
        LATEST_TIMEOUT_MS.accumulateAndGet(failedAfterMs.get(i).get(), Math::max);
      }
      assertThat(reef.stats().pendingAsks()).isZero();
      // The requests expired with their asks: they do not wait in the dead agent's mailbox; the
      // broker dead-letters them (reason "expired" in x-death).
      await().atMost(Duration.ofSeconds(15)).until(() -> raw.messageCount(ghostQueue) == 0);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> raw.messageCount(topo.deadLetterQueue()) == asks.size());
      for (GetResponse d : raw.drain(topo.deadLetterQueue())) {
        assertThat(d.getProps().getType()).isEqualTo("request");
        assertThat(String.valueOf(d.getProps().getHeaders().get("x-death"))).contains("expired");
        LEDGER.deadLettered(d.getProps().getMessageId());
      }
    }
  }

  @Test
  void pendingAsksFailPromptlyWhenTheReefCloses() {
    try (Topology topo = Topology.create("closeask")) {
      topo.mailbox("ghost");
      topo.mailbox("caller");
      Reef reef = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
      ReefChannel channel = reef.channel(topo.channel());
      channel.declareMailbox("ghost");
      List<CompletableFuture<Spore>> asks = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        asks.add(channel.ask("caller", "ghost", Map.of("question", i), Duration.ofMinutes(2)));
        LEDGER.sent();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> reef.stats().pendingAsks() == 10);

      long start = System.nanoTime();
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> reef.close());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> asks.stream().allMatch(CompletableFuture::isDone));
      CLOSE_MS.set((System.nanoTime() - start) / 1_000_000);
      for (CompletableFuture<Spore> f : asks) {
        assertThat(f)
            .failsWithin(Duration.ZERO)
            .withThrowableThat()
            .havingCause()
            .isInstanceOf(ReefClosedException.class);
      }
      // A closed reef refuses new asks with the same typed error (thrown or as the future's
      // failure) instead of hanging.
      CompletableFuture<Spore> late;
      try {
        late = channel.ask("caller", "ghost", Map.of("question", "late"), Duration.ofMinutes(2));
      } catch (ReefClosedException e) {
        late = CompletableFuture.failedFuture(e);
      }
      assertThat(late)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(ReefClosedException.class);
    }
  }

  @Test
  void askToAnAgentWithoutAMailboxFailsAtOnce() {
    try (Topology topo = Topology.create("noagent");
        Reef reef = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults())) {
      topo.mailbox("caller");
      ReefChannel channel = reef.channel(topo.channel());
      CompletableFuture<Spore> f =
          channel.ask("caller", "nobody-home", Map.of("question", 1), Duration.ofMinutes(2));
      LEDGER.sent();
      assertThat(f)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(UnknownAgentException.class);
    }
  }
}
