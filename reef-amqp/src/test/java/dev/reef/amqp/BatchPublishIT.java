package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.BatchResult;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.UnknownAgentException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AMQP batch path: a batch larger than the confirm window goes out in window-sized slices, a
 * directed spore the broker returns fails only its own outcome, and every permit of the window is
 * given back (a later batch and a single publish still get through).
 */
@ExtendWith(RabbitMqBroker.class)
class BatchPublishIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int WINDOW = 8;

  private static Spore spore(String to, int n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent(to)
        .knowledge(Map.of("n", n))
        .build();
  }

  @Test
  void aBatchLargerThanTheConfirmWindowIsPublishedInOrderWithPerSporeOutcomes(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("batch");
    String dlx = TestBroker.unique("batch-dlx");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .confirmWindow(WINDOW)
            .deadLetterExchange(dlx)
            .deadLetterQueue(broker.deleteQueueAfter(dlx + ".q"))
            .build();
    broker.deleteExchangeAfter(dlx);
    try (Reef reef = Reef.create(backend)) {
      broker.deleteExchangeAfter(backend.exchangeFor(channel));
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      ReefChannel ch = reef.channel(channel);
      List<Integer> got = new CopyOnWriteArrayList<>();
      ch.subscribe("bob", s -> got.add(((Number) s.knowledge().get("n")).intValue()));

      int n = 5 * WINDOW + 3;
      int unknownAt = 2 * WINDOW + 1;
      List<Spore> batch = new ArrayList<>();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(spore(i == unknownAt ? "nobody" : "bob", i));
        if (i != unknownAt) {
          expected.add(i);
        }
      }

      BatchResult result = ch.publishAll(batch).get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(result.size()).isEqualTo(n);
      assertThat(result.failures()).containsOnlyKeys(unknownAt);
      assertThat(result.failures().get(unknownAt)).isInstanceOf(UnknownAgentException.class);
      await().atMost(WAIT).until(() -> got.size() == expected.size());
      assertThat(got).containsExactlyElementsOf(expected);

      // Every permit came back: a second full batch and a single publish still go out.
      BatchResult again =
          ch.publishAll(batch.subList(0, unknownAt)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(again.allSucceeded()).isTrue();
      ch.publish(spore("bob", -1)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> got.size() == expected.size() + unknownAt + 1);
      assertThat(reef.awaitIdle(WAIT)).isTrue();
    }
  }
}
