package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.PublishException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metadata too large for the AMQP header frame (for example Praval content parts with an inline
 * image, kept in metadata and written as the {@code x-reef-metadata} header) fails that one send
 * with a typed error, and the publishing channel keeps working: later spores are confirmed and
 * delivered (the client would otherwise have numbered the refused publish and shifted every later
 * confirm).
 */
@ExtendWith(RabbitMqBroker.class)
class PublishHeaderLimitIT {
  @Test
  void oversizedHeadersFailTheSendAndLaterSendsStillWork(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("hdrlimit");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .publisherChannels(1)
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("hdrlimit.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("hdrlimit.dead")))
            .build();
    broker.deleteExchangeAfter(backend.exchangeFor(channel));
    List<Spore> received = new CopyOnWriteArrayList<>();
    try {
      backend.start((event, ch, agent, spore, error) -> {});
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      backend.consume(
          channel,
          "bob",
          (spore, attempt) -> {
            received.add(spore);
            return CompletableFuture.completedFuture(null);
          });
      Spore big =
          directed(1).toBuilder()
              .metadata(Map.of("praval.content_parts", List.of("x".repeat(200_000))))
              .build();

      assertThatThrownBy(() -> backend.publish(channel, big).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PublishException.class)
          .hasMessageContaining("frame size");

      for (int n = 2; n <= 4; n++) {
        Spore s = directed(n);
        assertThat(backend.publish(channel, s).get(10, TimeUnit.SECONDS)).isEqualTo(s);
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
      assertThat(received).extracting(s -> s.knowledge().get("n")).containsExactly(2, 3, 4);
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }

  private static Spore directed(int n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent("bob")
        .knowledge(Map.of("n", n))
        .build();
  }
}
