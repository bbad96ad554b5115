package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.BackendListener;
import dev.reef.spi.MailboxSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backend's parts under concurrent use on a real broker: mailbox claims, declarations on pooled
 * channels, the ask channel opened once for concurrent first asks.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpBackendConcurrencyIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int THREADS = 8;

  private final List<AmqpBackend> backends = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private TestBroker broker;
  private String channel;

  @AfterEach
  void close() {
    pool.shutdownNow();
    for (AmqpBackend b : backends) {
      b.close(Duration.ofSeconds(2));
    }
  }

  private AmqpBackend backend(TestBroker broker) {
    this.broker = broker;
    channel = TestBroker.unique("conc");
    broker.deleteExchangeAfter("reef." + channel);
    AmqpBackend b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("reef.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("reef.dead")))
            .build();
    b.start(BackendListener.NONE);
    backends.add(b);
    return b;
  }

  private String mailbox(String agent) {
    return broker.deleteQueueAfter("reef." + channel + "." + agent);
  }

  /** Declares the agent's queue with arguments the backend's declaration conflicts with. */
  private void conflictingQueue(String agent) throws Exception {
    try (Channel raw = broker.connection().createChannel()) {
      raw.queueDeclare(mailbox(agent), true, false, false, Map.of("x-max-priority", 3));
    }
  }

  @Test
  void aMailboxIsConsumedOnceAndFreeAgainWhenItsSubscriptionCloses(TestBroker broker) {
    AmqpBackend b = backend(broker);
    mailbox("bob");
    MailboxSubscription first = b.consume(channel, "bob", (s, a) -> null);

    assertThatThrownBy(() -> b.consume(channel, "bob", (s, a) -> null))
        .isInstanceOf(IllegalStateException.class);
    first.close();
    MailboxSubscription again = b.consume(channel, "bob", (s, a) -> null);

    assertThat(again.agent()).isEqualTo("bob");
    again.close();
  }

  @Test
  void aConsumeTheBrokerRefusesLeavesTheMailboxFree(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    conflictingQueue("carol");

    assertThatThrownBy(() -> b.consume(channel, "carol", (s, a) -> null))
        .isInstanceOf(ReefException.class);
    try (Channel raw = broker.connection().createChannel()) {
      raw.queueDelete("reef." + channel + ".carol");
    }
    MailboxSubscription s = b.consume(channel, "carol", (sp, a) -> null);

    assertThat(s.agent()).isEqualTo("carol");
    s.close();
  }

  @Test
  void aDeclarationTheBrokerRefusesDoesNotFailConcurrentOnes(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    conflictingQueue("bad");
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 4 * THREADS; i++) {
      String agent = i % 2 == 0 ? "bad" : mailbox("good" + i);
      String name = i % 2 == 0 ? agent : "good" + i;
      results.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  b.declareMailbox(channel, name);
                  return name + " ok";
                } catch (ReefException e) {
                  return name + " refused";
                }
              }));
    }
    go.countDown();

    for (int i = 0; i < results.size(); i++) {
      String outcome = results.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(outcome).endsWith(i % 2 == 0 ? "refused" : "ok");
    }
    assertThat(b.knownAgents(channel)).doesNotContain("bad").hasSize(2 * THREADS);
  }

  @Test
  void concurrentFirstAsksAllGoOut(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    mailbox("bob");
    b.declareMailbox(channel, "bob");
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CompletableFuture<Spore>>> asks = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Spore request =
          Spore.builder()
              .type(SporeType.REQUEST)
              .fromAgent("alice")
              .toAgent("bob")
              .knowledge(Map.of("n", i))
              .build();
      asks.add(
          pool.submit(
              () -> {
                go.await();
                return b.publishRequest(channel, request);
              }));
    }
    go.countDown();

    for (Future<CompletableFuture<Spore>> ask : asks) {
      assertThat(ask.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .succeedsWithin(WAIT)
          .extracting(Spore::fromAgent)
          .isEqualTo("alice");
    }
    assertThat(broker.messageCount("reef." + channel + ".bob")).isEqualTo(THREADS);
  }
}
