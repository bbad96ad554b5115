package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spring.autoconfigure.ReefAutoConfiguration;
import dev.reef.spring.handler.ReefHandlerLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Closing the application context while a {@code @ReefHandler} runs: the context waits for it, it
 * finishes and its spore is acknowledged, and the spore queued behind it stays in the mailbox for
 * the next instance; nothing is lost or dead-lettered.
 */
@ExtendWith(RabbitMqBroker.class)
class GracefulShutdownIT {

  /** A handler that blocks until released. */
  static class Slow {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Object> done = new CopyOnWriteArrayList<>();

    @ReefHandler(agent = "slow")
    void handle(Map<String, Object> knowledge) throws InterruptedException {
      started.countDown();
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      done.add(knowledge.get("n"));
    }
  }

  @Test
  void anInFlightHandlerFinishesAndNoSporeIsLost(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("graceful");
    broker.deleteExchangeAfter("reef." + channel);
    String mailbox = broker.deleteQueueAfter("reef." + channel + ".slow");
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("dlx"));
    String dlq = broker.deleteQueueAfter(TestBroker.unique("dead"));
    Slow slow = new Slow();

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReefAutoConfiguration.class))
        .withPropertyValues(
            "reef.amqp.uri=" + RabbitMqBroker.uri(),
            "reef.default-channel=" + channel,
            "reef.close-timeout=30s",
            "reef.amqp.dead-letter-exchange=" + dlx,
            "reef.amqp.dead-letter-queue=" + dlq)
        .withBean(Slow.class, () -> slow)
        .run(
            context -> {
              try (Reef sender = Reef.create(AmqpBackend.builder().uri(broker.uri()).build())) {
                sender.channel(channel).send("client", "slow", Map.of("n", 1)).join();
                sender.channel(channel).send("client", "slow", Map.of("n", 2)).join();
              }
              assertThat(slow.started.await(15, TimeUnit.SECONDS)).isTrue();
              ReefHandlerLifecycle lifecycle = context.getBean(ReefHandlerLifecycle.class);

              Thread closer = new Thread(context::close, "context-close");
              closer.start();
              await().atMost(Duration.ofSeconds(15)).until(() -> !lifecycle.isRunning());
              // the handler still runs: the context waits for it
              assertThat(closer.isAlive()).isTrue();
              assertThat(slow.done).isEmpty();

              slow.release.countDown();
              closer.join(TimeUnit.SECONDS.toMillis(30));

              assertThat(closer.isAlive()).isFalse();
              assertThat(slow.done).containsExactly(1);
            });

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(broker.messageCount(mailbox)).isEqualTo(1));
    assertThat(broker.messageCount(dlq)).isZero();
  }
}
