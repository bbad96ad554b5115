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

  /**
   * Not applicable to quorum mailboxes: RabbitMQ answers a conditional {@code queue.delete}
   * (if-unused, if-empty) of a quorum queue with a connection-level 540 NOT_IMPLEMENTED, so Reef
   * leaves a quorum mailbox in place; replaced by {@link
   * #withoutADirectReplyPathAHandlerlessAskersQuorumMailboxStaysBecauseQuorumQueuesRefuseConditionalDeletes()}.
   */
  @Override
  protected void withoutADirectReplyPathAHandlerlessAskersMailboxDoesNotStayBehind() {
    throw new UnsupportedOperationException(
        "quorum queues refuse conditional deletes: see"
            + " withoutADirectReplyPathAHandlerlessAskersQuorumMailboxStaysBecauseQuorumQueuesRefuseConditionalDeletes");
  }

  @Test
  void
      withoutADirectReplyPathAHandlerlessAskersQuorumMailboxStaysBecauseQuorumQueuesRefuseConditionalDeletes() {
    Reef responder = newReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("ok", true)));
    dev.reef.spi.ReefBackend plain =
        new dev.reef.spi.ForwardingBackend(newBackend()) {
          @Override
          public boolean directReplies(String channel) {
            return false;
          }

          @Override
          public java.util.concurrent.CompletableFuture<Spore> publishRequest(
              String channel, Spore request) {
            return delegate.publish(channel, request);
          }
        };
    try (Reef asker = Reef.create(plain, options().defaultChannel(responder.name()).build())) {
      for (int n = 1; n <= 2; n++) {
        // The second ask proves the connection survived the end of the first (no 540 from a
        // conditional delete of the quorum mailbox).
        Spore answer = asker.ask("cli", "bob", Map.of("n", n), awaitTimeout()).join();
        assertThat(answer.knowledge()).containsEntry("ok", true);
      }
      assertThat(asker.agents())
          .as("the quorum mailbox declared for the asks stays")
          .contains("cli");
    }
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
