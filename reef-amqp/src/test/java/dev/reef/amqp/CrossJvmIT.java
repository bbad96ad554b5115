package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agents in separately launched JVM processes ({@link CrossJvmAgent}) exchange spores through the
 * broker: directed spores, broadcasts (never back to the sender), an ask/reply round trip, and two
 * processes sharing one agent's mailbox (each spore handled once).
 */
@ExtendWith(RabbitMqBroker.class)
class CrossJvmIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final List<ChildJvm> agents = new ArrayList<>();

  @AfterEach
  void stopAgents() {
    for (ChildJvm a : agents) {
      a.process.destroyForcibly();
    }
  }

  private ChildJvm launch(String role, String channel) throws IOException {
    File log = new File("target/cross-jvm-" + role + "-" + agents.size() + ".log");
    ChildJvm a =
        ChildJvm.launch(List.of("-Xmx96m"), CrossJvmAgent.class, List.of(role, channel), log);
    agents.add(a);
    return a;
  }

  private static void quit(ChildJvm... list) throws Exception {
    for (ChildJvm a : list) {
      a.tell("quit");
    }
    for (ChildJvm a : list) {
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).as("agent exits").isTrue();
      assertThat(a.process.exitValue()).as("exit code").isZero();
    }
  }

  @Test
  void agentsInSeparateJvmsExchangeDirectedSporesBroadcastsAndAnAsk(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("xjvm");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter("reef." + channel + ".alice");
    broker.deleteQueueAfter("reef." + channel + ".bob");
    ChildJvm bob = launch("bob", channel);
    ChildJvm alice = launch("alice", channel);
    await().atMost(WAIT).until(() -> bob.printed("READY") && alice.printed("READY"));

    alice.tell("go");

    await().atMost(WAIT).until(() -> alice.printed("ASKED"));
    assertThat(alice.starting("ASKED").get(0)).startsWith("ASKED 42 replyTo=");
    await()
        .atMost(WAIT)
        .until(
            () ->
                bob.starting("RECV knowledge alice").size() == 5
                    && bob.printed("RECV broadcast alice")
                    && alice.printed("RECV broadcast bob"));
    assertThat(bob.starting("RECV knowledge alice"))
        .containsExactly(
            "RECV knowledge alice {text=k0}",
            "RECV knowledge alice {text=k1}",
            "RECV knowledge alice {text=k2}",
            "RECV knowledge alice {text=k3}",
            "RECV knowledge alice {text=k4}");
    assertThat(bob.starting("RECV request alice")).containsExactly("RECV request alice {n=21}");
    quit(alice, bob);
    // The sender never received its own broadcast, nor bob his.
    assertThat(alice.lines).noneMatch(l -> l.startsWith("RECV broadcast alice"));
    assertThat(bob.lines).noneMatch(l -> l.startsWith("RECV broadcast bob"));
    // The ask's response went to the ask, not to alice's handlers.
    assertThat(alice.lines).noneMatch(l -> l.startsWith("RECV response"));
  }

  @Test
  void twoJvmsSubscribedAsOneAgentShareItsMailbox(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("xjvm");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter("reef." + channel + ".worker");
    ChildJvm w1 = launch("worker", channel);
    ChildJvm w2 = launch("worker", channel);
    await().atMost(WAIT).until(() -> w1.printed("READY") && w2.printed("READY"));

    int count = 40;
    AmqpBackend backend = AmqpBackend.builder().uri(RabbitMqBroker.uri()).build();
    try (Reef reef = Reef.create(backend, ReefOptions.custom().defaultChannel(channel).build())) {
      for (int i = 0; i < count; i++) {
        reef.send("boss", "worker", Map.of("n", i)).join();
      }
    }

    await()
        .atMost(WAIT)
        .until(() -> w1.starting("HANDLED").size() + w2.starting("HANDLED").size() >= count);
    quit(w1, w2);
    List<String> all = new ArrayList<>(w1.starting("HANDLED"));
    all.addAll(w2.starting("HANDLED"));
    Set<String> distinct = new HashSet<>(all);
    assertThat(all).hasSize(count);
    assertThat(distinct).hasSize(count);
    assertThat(w1.starting("HANDLED")).as("first replica got a share").isNotEmpty();
    assertThat(w2.starting("HANDLED")).as("second replica got a share").isNotEmpty();
  }
}
