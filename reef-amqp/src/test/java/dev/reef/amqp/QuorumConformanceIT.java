package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.conformance.Inbox;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite again, with every mailbox a quorum queue ({@link MailboxType#QUORUM}) on
 * the same single broker: every rule holds except priority. RabbitMQ before 4.0 has no priorities
 * on quorum queues, so the suite's priority test is replaced by {@link
 * #backlogIsDeliveredInArrivalOrderBecauseQuorumQueuesHaveNoPriorityBeforeRabbitMq4()}, which
 * states what a quorum mailbox does instead (and fails if that changes, for example on a broker
 * that starts honouring priorities).
 */
class QuorumConformanceIT extends AmqpConformanceIT {
  @Override
  protected AmqpBackend.Builder configure(AmqpBackend.Builder builder) {
    return builder.quorumMailboxes(true);
  }

  /**
   * Not applicable to quorum mailboxes (not a test here: JUnit does not inherit {@code @Test} on an
   * override); replaced by {@link
   * #backlogIsDeliveredInArrivalOrderBecauseQuorumQueuesHaveNoPriorityBeforeRabbitMq4()}.
   */
  @Override
  protected void backlogIsDeliveredByPriorityThenInPublishOrder() {
    throw new UnsupportedOperationException(
        "quorum mailboxes have no priority before RabbitMQ 4.0: see"
            + " backlogIsDeliveredInArrivalOrderBecauseQuorumQueuesHaveNoPriorityBeforeRabbitMq4");
  }

  @Test
  void backlogIsDeliveredInArrivalOrderBecauseQuorumQueuesHaveNoPriorityBeforeRabbitMq4()
      throws Exception {
    Reef reef = newReef();
    reef.declareMailbox("bob");
    int[] priorities = {1, 1, 1, 10, 10, 10, 5, 5, 5};
    for (int i = 0; i < priorities.length; i++) {
      reef.publish(
              Spore.builder()
                  .type(SporeType.KNOWLEDGE)
                  .fromAgent("alice")
                  .toAgent("bob")
                  .priority(priorities[i])
                  .knowledge(Map.of("n", i))
                  .build())
          .get(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    Inbox b = new Inbox();
    reef.subscribe("bob", b);

    await().atMost(awaitTimeout()).until(() -> b.size() >= priorities.length);
    assertThat(b.values("n")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    // The priority still travels with the spore, for handlers that want it.
    assertThat(b.spores())
        .extracting(Spore::priority)
        .containsExactly(1, 1, 1, 10, 10, 10, 5, 5, 5);
  }
}
