package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.test.LocalRabbitNode;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryQuery;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: the directory's state lives in the broker, not in the memory of live processes. On an
 * extra local node (never the machine's own broker), an agent is registered and another terminated;
 * the node is stopped and started again; a process that starts afterwards discovers the card by
 * kind and capability and sees the termination.
 */
class AmqpDirectoryBrokerRestartIT {
  @RegisterExtension static final LocalRabbitNode NODE = LocalRabbitNode.named("reefdir");

  @Test
  void aProcessStartedAfterABrokerRestartDiscoversTheDirectory() throws Exception {
    String channel = "restart" + Long.toHexString(System.nanoTime());
    try (AgentDirectory before =
        AgentDirectory.create(AmqpDirectoryStore.builder().uri(NODE.amqpUri()).build())) {
      before.register(
          channel, AgentCard.builder("analyst").kind("llm.analyst").capabilities("risk").build());
      before.register(channel, AgentCard.builder("retired").kind("tool").build());
      before.terminate(channel, "retired");
      assertThat(names(before.discover(channel, DirectoryQuery.kind("llm"))))
          .containsExactly("analyst");
    }

    NODE.stop();
    NODE.start();

    // Streams come back a few seconds after their node (until then a declaration is refused with
    // 404 "home node ... is down"): the later process keeps trying, as a process starting while
    // the broker boots would.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              try (AgentDirectory probe =
                  AgentDirectory.create(AmqpDirectoryStore.builder().uri(NODE.amqpUri()).build())) {
                return !probe.discover(channel, DirectoryQuery.all()).isEmpty();
              }
            });
    try (AgentDirectory after =
        AgentDirectory.create(AmqpDirectoryStore.builder().uri(NODE.amqpUri()).build())) {
      assertThat(names(after.discover(channel, DirectoryQuery.kind("llm"))))
          .containsExactly("analyst");
      assertThat(names(after.discover(channel, DirectoryQuery.capability("risk"))))
          .containsExactly("analyst");
      assertThat(after.lookup(channel, "analyst").orElseThrow().card().kind())
          .isEqualTo("llm.analyst");
      assertThat(after.isTerminated(channel, "retired")).isTrue();
    }
  }

  private static List<String> names(List<DirectoryEntry> entries) {
    return entries.stream().map(DirectoryEntry::name).collect(Collectors.toList());
  }
}
