package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A new mailbox is declared and bound in one round trip (the declaration and the first binding are
 * sent without waiting for their replies; issue 13, item 7): when the call returns, both bindings
 * exist, and a refusal is reported with the broker's reason for the mailbox that caused it, never
 * for another one declared at the same time.
 */
@ExtendWith(RabbitMqBroker.class)
class MailboxDeclarationIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aDeclaredMailboxIsBoundToItsNameAndToBroadcastsWhenTheCallReturns(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("decl");
    broker.deleteExchangeAfter("reef." + channel);
    AmqpBackend b = backend(broker, channel);
    try {
      String queue = broker.deleteQueueAfter(b.mailboxQueueFor(channel, "bob"));
      b.declareMailbox(channel, "bob");
      // No consumer: what the broker routed is in the queue, counted right after the publishes.
      b.publish(channel, spore("alice", "bob")).join();
      b.publish(channel, spore("alice", null)).join();
      Channel raw = broker.connection().createChannel();
      try {
        AMQP.Queue.DeclareOk ok = raw.queueDeclarePassive(queue);
        assertThat(ok.getMessageCount()).as("one direct spore and one broadcast").isEqualTo(2);
      } finally {
        raw.close();
      }
    } finally {
      b.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRefusedDeclarationFailsThatMailboxWithTheBrokersReasonAndNoOther(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("decl");
    broker.deleteExchangeAfter("reef." + channel);
    AmqpBackend b = backend(broker, channel);
    List<String> agents = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      agents.add("agent-" + i);
      broker.deleteQueueAfter(b.mailboxQueueFor(channel, "agent-" + i));
    }
    // Another process declared three of these mailboxes without the priority argument.
    Set<String> foreign = Set.of("agent-3", "agent-17", "agent-31");
    Channel raw = broker.connection().createChannel();
    Map<String, Object> args = Map.of("x-dead-letter-exchange", b.deadLetterExchangeFor(channel));
    for (String agent : foreign) {
      raw.queueDeclare(b.mailboxQueueFor(channel, agent), true, false, false, args);
    }
    raw.close();
    Map<String, Set<String>> got = new ConcurrentHashMap<>();
    Map<String, Throwable> failed = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String agent : agents) {
        done.add(
            pool.submit(
                () -> {
                  try {
                    b.consume(
                        channel,
                        agent,
                        (spore, attempt) -> {
                          got.computeIfAbsent(agent, k -> ConcurrentHashMap.newKeySet())
                              .add(spore.id());
                          return CompletableFuture.completedFuture(null);
                        });
                  } catch (ReefException e) {
                    failed.put(agent, e);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(failed).containsOnlyKeys(foreign);
      for (String agent : foreign) {
        assertThat(failed.get(agent))
            .hasMessageContaining(
                "cannot declare the mailbox queue '" + b.mailboxQueueFor(channel, agent) + "'")
            .hasMessageContaining("PRECONDITION_FAILED")
            .hasMessageContaining("inequivalent arg 'x-max-priority'");
      }
      // Every other mailbox was declared, bound and consumed: a spore to each arrives.
      for (String agent : agents) {
        if (!foreign.contains(agent)) {
          String id = b.publish(channel, spore("sender", agent)).join().id();
          await().atMost(WAIT).until(() -> got.getOrDefault(agent, Set.of()).contains(id));
        }
      }
      // The backend goes on declaring (the closed pooled channels were dropped).
      b.declareMailbox(channel, "agent-39");
      assertThatThrownBy(() -> b.declareMailbox(channel, "agent-3"))
          .hasMessageContaining("inequivalent arg 'x-max-priority'");
      // A connection recovery declares the mailboxes again, but not the refused ones (the
      // declaration sent without waiting was recorded before the broker refused it).
      assertThat(b.recoversQueue(b.mailboxQueueFor(channel, "agent-39"))).isTrue();
      for (String agent : foreign) {
        assertThat(b.recoversQueue(b.mailboxQueueFor(channel, agent))).as(agent).isFalse();
      }
    } finally {
      pool.shutdown();
      b.close(Duration.ofSeconds(5));
    }
  }

  /** A started backend; the channel's exchange and its dead letters are deleted after the test. */
  private static AmqpBackend backend(TestBroker broker, String channel) {
    AmqpBackend b = AmqpBackend.builder().uri(broker.uri()).build();
    broker.deleteExchangeAfter(b.deadLetterExchangeFor(channel));
    broker.deleteQueueAfter(b.deadLetterQueueFor(channel));
    b.start((e, c, a, s, err) -> {});
    return b;
  }

  private static Spore spore(String from, String to) {
    Spore.Builder s =
        Spore.builder().type(SporeType.KNOWLEDGE).fromAgent(from).knowledge(Map.of("n", 1));
    if (to != null) {
      s.toAgent(to);
    }
    return s.build();
  }
}
