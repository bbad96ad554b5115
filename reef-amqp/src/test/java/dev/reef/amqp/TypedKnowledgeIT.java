package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.KnowledgeMappingException;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.typed.OrderFixture;
import dev.reef.typed.OrderFixture.Order;
import dev.reef.typed.OrderFixture.Receipt;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typed knowledge across a real broker: a record with nested records, lists, {@code Optional},
 * {@code Instant}, {@code BigDecimal} and enums goes out as Praval JSON and reads back equal; a
 * typed ask returns the reply as a record; a reply that does not map fails the ask with the path.
 * Two reefs with their own connections, as two processes would have.
 */
@ExtendWith(RabbitMqBroker.class)
class TypedKnowledgeIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private TestBroker broker;
  private String channel;
  private Reef sender;
  private Reef receiver;

  @BeforeEach
  void reefs(TestBroker broker) {
    this.broker = broker;
    channel = TestBroker.unique("typed");
    broker.deleteExchangeAfter("reef." + channel);
    for (String agent : new String[] {"shop", "billing", "echo", "client"}) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    sender = Reef.create(AmqpBackend.builder().uri(broker.uri()).build());
    receiver = Reef.create(AmqpBackend.builder().uri(broker.uri()).build());
  }

  @AfterEach
  void close() {
    sender.close(Duration.ofSeconds(2));
    receiver.close(Duration.ofSeconds(2));
  }

  @Test
  void aRecordRoundTripsThroughTheBroker() throws Exception {
    ReefChannel in = receiver.channel(channel);
    CompletableFuture<Order> got = new CompletableFuture<>();
    in.subscribe("shop", spore -> got.complete(spore.knowledgeAs(Order.class)));

    sender
        .channel(channel)
        .sendTyped("client", "shop", OrderFixture.sample())
        .get(15, TimeUnit.SECONDS);

    OrderFixture.assertSameOrder(got.get(15, TimeUnit.SECONDS), OrderFixture.sample());
  }

  @Test
  void aTypedAskReturnsTheReplyAsARecord() throws Exception {
    ReefChannel in = receiver.channel(channel);
    in.subscribe(
        "billing",
        spore -> {
          Order o = spore.knowledgeAs(Order.class);
          in.replyTyped(spore, "billing", new Receipt(o.id(), o.status(), o.placedAt())).join();
        });

    Receipt receipt =
        sender
            .channel(channel)
            .askTyped("client", "billing", OrderFixture.sample(), Receipt.class, WAIT)
            .get(15, TimeUnit.SECONDS);

    Order sample = OrderFixture.sample();
    assertThat(receipt).isEqualTo(new Receipt(sample.id(), sample.status(), sample.placedAt()));
  }

  record Price(BigDecimal amount) {}

  @Test
  void aReplyThatDoesNotMapNamesThePath() {
    ReefChannel in = receiver.channel(channel);
    in.subscribe("echo", spore -> in.reply(spore, "echo", Map.of("amount", "lots")).join());

    CompletableFuture<Price> reply =
        sender.channel(channel).askTyped("client", "echo", Map.of("q", 1), Price.class, WAIT);

    assertThatThrownBy(() -> reply.get(15, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(KnowledgeMappingException.class)
        .hasMessage("knowledge.amount: cannot read \"lots\" as BigDecimal");
  }
}
