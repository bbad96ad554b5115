package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A quorum mailbox's delivery limit: a spore the broker had to deliver more often than {@code
 * quorumDeliveryLimit} (each consumer channel that died holding it counts one, as a poison spore
 * that crashes its consumers would) is dead-lettered by the broker, while a classic mailbox keeps
 * redelivering it.
 */
@ExtendWith(RabbitMqBroker.class)
class QuorumDeliveryLimitIT {
  @Test
  void aSporeDeliveredBeyondTheLimitIsDeadLetteredFromAQuorumMailboxButNotFromAClassicOne(
      TestBroker broker) throws Exception {
    String quorum = TestBroker.unique("qlimit");
    String classic = TestBroker.unique("climit");
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx.qlimit"));
    String dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead.qlimit"));
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .mailboxType(quorum, MailboxType.QUORUM)
            .quorumDeliveryLimit(2)
            .build();
    String quorumQueue = broker.deleteQueueAfter(backend.mailboxQueueFor(quorum, "bob"));
    String classicQueue = broker.deleteQueueAfter(backend.mailboxQueueFor(classic, "bob"));
    broker.deleteExchangeAfter(backend.exchangeFor(quorum));
    broker.deleteExchangeAfter(backend.exchangeFor(classic));
    try (Reef reef = Reef.create(backend, ReefOptions.ofDefaults())) {
      for (String ch : new String[] {quorum, classic}) {
        reef.channel(ch).declareMailbox("bob");
        reef.channel(ch).send("alice", "bob", Map.of("poison", true)).get(10, TimeUnit.SECONDS);
      }
    }

    // Consumers "crash" holding the spore: their channels close without an ack, the broker
    // takes it back. A limit of 2 allows the first delivery and 2 more; the next return
    // dead-letters it.
    int quorumDeliveries = 0;
    int classicDeliveries = 0;
    for (int crash = 0; crash < 5; crash++) {
      quorumDeliveries += deliverAndCrash(broker, quorumQueue);
      classicDeliveries += deliverAndCrash(broker, classicQueue);
    }
    assertThat(quorumDeliveries).as("deliveries from the quorum mailbox").isEqualTo(3);
    assertThat(classicDeliveries).as("deliveries from the classic mailbox").isEqualTo(5);

    GetResponse dead = broker.get(dlq, Duration.ofSeconds(10));
    assertThat(dead).as("the poison spore in the dead-letter queue").isNotNull();
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason"))
        .hasToString("delivery_limit");
    assertThat(broker.messageCount(classicQueue)).isEqualTo(1);
  }

  private static int deliverAndCrash(TestBroker broker, String queue) throws Exception {
    Channel ch = broker.connection().createChannel();
    GetResponse r = ch.basicGet(queue, false);
    ch.close(); // unacknowledged: the broker takes it back
    return r == null ? 0 : 1;
  }
}
