package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TcpProxy;
import dev.reef.amqp.test.TestBroker;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentState;
import dev.reef.directory.DirectoryEvent;
import dev.reef.directory.DirectoryEventType;
import dev.reef.directory.DirectoryOptions;
import dev.reef.directory.Registration;
import dev.reef.spi.DirectoryStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The RabbitMQ directory across a connection loss: the store's connection recovers, its stream
 * consumers read again from {@code first}, and records already read are not applied twice (no
 * second JOINED for a live instance); records written meanwhile arrive, and the process's own lease
 * renewals resume.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpDirectoryRecoveryIT {
  private static final Duration LEASE = Duration.ofMillis(1500);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aDirectoryFollowsOnAfterItsConnectionIsCutWithoutReplayingTwice(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("dir-recovery");
    for (DirectoryStore.Log log : DirectoryStore.Log.values()) {
      broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, log));
    }
    URI target = URI.create(broker.uri());
    try (TcpProxy proxy =
            new TcpProxy(target.getHost(), target.getPort() == -1 ? 5672 : target.getPort());
        AgentDirectory direct =
            AgentDirectory.create(
                AmqpDirectoryStore.builder().uri(broker.uri()).build(),
                DirectoryOptions.withLease(LEASE))) {
      String viaProxy =
          "amqp://"
              + (target.getRawUserInfo() == null ? "" : target.getRawUserInfo() + "@")
              + "127.0.0.1:"
              + proxy.port()
              + (target.getRawPath() == null ? "" : target.getRawPath());
      AmqpBackend settings =
          AmqpBackend.builder().uri(viaProxy).recoveryInterval(Duration.ofMillis(200)).build();
      try (AgentDirectory cut =
          AgentDirectory.create(
              AmqpDirectoryStore.builder().backend(settings).build(),
              DirectoryOptions.withLease(LEASE))) {
        Registration analyst = direct.register(channel, AgentCard.minimal("analyst"));
        Registration observer = cut.register(channel, AgentCard.minimal("observer"));
        List<DirectoryEvent> events = new CopyOnWriteArrayList<>();
        cut.watch(channel, events::add);
        Registration gone = direct.register(channel, AgentCard.minimal("gone"));
        gone.close();
        await().atMost(WAIT).until(() -> joined(events, analyst.instanceId()) == 1);
        // Its lease and its leave have both been read before the cut.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    events.stream()
                        .anyMatch(
                            e ->
                                e.type() == DirectoryEventType.LEFT
                                    && e.instance().id().equals(gone.instanceId())));

        proxy.cut();
        direct.register(channel, AgentCard.builder("late").kind("llm.late").build());

        await().atMost(WAIT).until(() -> cut.lookup(channel, "late").isPresent());
        // Renewals flow both ways again: neither side sees the other's instance expire.
        await()
            .during(LEASE.multipliedBy(2))
            .atMost(LEASE.multipliedBy(4))
            .until(
                () ->
                    cut.status(channel, "analyst").state() == AgentState.ACTIVE
                        && direct.status(channel, "observer").state() == AgentState.ACTIVE);
        assertThat(joined(events, analyst.instanceId()))
            .as("replayed records skipped")
            .isEqualTo(1);
        assertThat(cut.malformedRecords()).isZero();
        // Replaying the lease and the leave of an instance that left would join and leave it again.
        assertThat(joined(events, gone.instanceId())).as("replayed records skipped").isEqualTo(1);
        observer.close();
        await()
            .atMost(WAIT)
            .until(
                () -> direct.lookup(channel, "observer").orElseThrow().state() == AgentState.IDLE);
      }
    }
  }

  private static long joined(List<DirectoryEvent> events, String instance) {
    return events.stream()
        .filter(e -> e.type() == DirectoryEventType.JOINED && e.instance().id().equals(instance))
        .count();
  }
}
