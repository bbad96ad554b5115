package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.PublishException;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.SporeEvent;
import dev.reef.UnauthorizedException;
import dev.reef.amqp.test.LocalRabbitNode;
import dev.reef.observe.ConnectionState;
import dev.reef.observe.ReefListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker flow control and access refusals, on an extra local RabbitMQ node (never the machine's
 * broker on 5672): a memory alarm set and cleared by the test, and a temporary user with restricted
 * permissions.
 */
class BrokerNoticesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final LocalRabbitNode NODE = LocalRabbitNode.named("reefnotice");

  /** Records the broker listener's calls. */
  private static final class Recorder implements BrokerListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void onBlocked(String reason) {
      calls.add("blocked:" + reason);
    }

    @Override
    public void onUnblocked() {
      calls.add("unblocked");
    }

    @Override
    public void onMailboxDeleted(String channel, String agent) {
      calls.add("deleted:" + channel + "/" + agent);
    }
  }

  /** Records what the public listener heard, as {@code STATE connection detail} or events. */
  private static final class Heard implements ReefListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void onConnectionStateChanged(ConnectionState state, String connection, String detail) {
      calls.add(state + " " + connection + " " + detail);
    }

    @Override
    public void onMailboxDeleted(String channel, String agent) {
      calls.add("deleted:" + channel + "/" + agent);
    }
  }

  private static ReefOptions listening(ReefListener listener) {
    return ReefOptions.custom().listener(listener).build();
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aMemoryAlarmIsAnEventACounterAndFastTypedFailuresAndTimedOutConfirmsKeepTheirPlace()
      throws Exception {
    Recorder rec = new Recorder();
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(NODE.amqpUri())
            .connectionName("reef-notices-it")
            .confirmTimeout(Duration.ofSeconds(1))
            .brokerListener(rec)
            .build();
    Heard heard = new Heard();
    try (Reef reef = Reef.create(backend, listening(heard))) {
      ReefChannel ch = reef.channel("flow");
      List<Object> got = new CopyOnWriteArrayList<>();
      ch.subscribe("bob", s -> got.add(s.knowledge().get("n")));
      ch.send("alice", "bob", Map.of("n", 0)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> got.size() == 1);
      try {
        NODE.ctl("set_vm_memory_high_watermark", "0.0000001");
        CompletableFuture<?> first = ch.send("alice", "bob", Map.of("n", 1));
        await("blocked notice").atMost(WAIT).until(() -> !rec.calls.isEmpty());
        assertThat(rec.calls.get(0)).startsWith("blocked:");
        assertThat(reef.stats().total(SporeEvent.BROKER_BLOCKED)).isEqualTo(1);
        String reason = rec.calls.get(0).substring("blocked:".length());
        await("blocked state")
            .atMost(WAIT)
            .until(() -> heard.calls.contains("BLOCKED reef-notices-it " + reason));

        long start = System.nanoTime();
        Throwable fast = failure(ch.send("alice", "bob", Map.of("n", 2)));
        assertThat(fast)
            .isInstanceOf(BrokerBlockedException.class)
            .hasMessageContaining("the broker blocks publishes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        // The first one waits for its confirm in vain; its future fails, but it keeps its place.
        assertThat(failure(first))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("no publisher confirm")
            .hasMessageContaining("the broker blocks publishes");
        assertThat(backend.backlog()).as("the timed-out publish is still in flight").isPositive();
      } finally {
        NODE.ctl("set_vm_memory_high_watermark", "0.4");
      }
      await("unblocked notice").atMost(WAIT).until(() -> rec.calls.contains("unblocked"));
      await("unblocked state")
          .atMost(WAIT)
          .until(() -> heard.calls.contains("UNBLOCKED reef-notices-it null"));
      assertThat(heard.calls.get(0)).isEqualTo("CONNECTED null null");
      // The broker held the timed-out one: it arrives now, and the window is free again.
      await().atMost(WAIT).until(() -> got.contains(1));
      assertThat(got).doesNotContain(2);
      await().atMost(WAIT).until(() -> backend.backlog() == 0);
      ch.send("alice", "bob", Map.of("n", 3)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> got.contains(3));
    }
  }

  @Test
  void accessRefusedIsUnauthorizedWithTheBrokersReasonOnPublishSubscribeAndDeclare()
      throws Exception {
    String user = "reefperm";
    NODE.ctl("add_user", user, "perm-pw-1");
    try {
      // Everything except: configure carol's mailbox, write the channel's exchange, read bob's.
      NODE.ctl(
          "set_permissions",
          "-p",
          "/",
          user,
          "^(?!reef\\.perm\\.carol$).*",
          "^(?!reef\\.perm$).*",
          "^(?!reef\\.perm\\.bob$).*");
      AmqpBackend backend =
          AmqpBackend.builder()
              .uri("amqp://" + user + ":perm-pw-1@127.0.0.1:" + NODE.port() + "/%2F")
              .build();
      try (Reef reef = Reef.create(backend)) {
        ReefChannel ch = reef.channel("perm");

        Throwable publish = failure(ch.send("alice", "dave", Map.of("n", 1)));
        assertThat(publish)
            .isInstanceOf(UnauthorizedException.class)
            .hasMessageContaining("ACCESS_REFUSED")
            .hasMessageContaining("exchange 'reef.perm'")
            .hasMessageContaining("not delivered");

        assertThatThrownBy(() -> ch.subscribe("bob", s -> {}))
            .isInstanceOf(UnauthorizedException.class)
            .hasMessageContaining("ACCESS_REFUSED")
            .hasMessageContaining("queue 'reef.perm.bob'");

        assertThatThrownBy(() -> ch.declareMailbox("carol"))
            .isInstanceOf(UnauthorizedException.class)
            .hasMessageContaining("cannot declare the mailbox queue 'reef.perm.carol'")
            .hasMessageContaining("ACCESS_REFUSED")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("perm-pw-1"));
      }
    } finally {
      NODE.ctl("delete_user", user);
    }
  }

  @Test
  void aMailboxDeletedUnderItsConsumerIsAnEventAndCounted() throws Exception {
    Recorder rec = new Recorder();
    AmqpBackend backend = AmqpBackend.builder().uri(NODE.amqpUri()).brokerListener(rec).build();
    Heard heard = new Heard();
    try (Reef reef = Reef.create(backend, listening(heard))) {
      ReefChannel ch = reef.channel("gone");
      List<Object> got = new CopyOnWriteArrayList<>();
      ch.subscribe("erin", s -> got.add(s.knowledge().get("n")));
      NODE.ctl("delete_queue", backend.mailboxQueueFor("gone", "erin"));

      await().atMost(WAIT).until(() -> rec.calls.contains("deleted:gone/erin"));
      assertThat(reef.stats().agent("gone", "erin", SporeEvent.MAILBOX_DELETED)).isEqualTo(1);
      await().atMost(WAIT).until(() -> heard.calls.contains("deleted:gone/erin"));
      // Consumed again.
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () -> {
                ch.send("alice", "erin", Map.of("n", 1)).get(5, TimeUnit.SECONDS);
                return true;
              });
      await().atMost(WAIT).until(() -> got.contains(1));
    }
  }

  @Test
  void aLostConnectionIsReportedLostRecoveringAndRecoveredAndTheReefWorksAfterwards()
      throws Exception {
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(NODE.amqpUri())
            .connectionName("reef-lost-it")
            .recoveryInterval(Duration.ofMillis(200))
            .build();
    Heard heard = new Heard();
    try (Reef reef = Reef.create(backend, listening(heard))) {
      ReefChannel ch = reef.channel("lost");
      List<Object> got = new CopyOnWriteArrayList<>();
      ch.subscribe("bob", s -> got.add(s.knowledge().get("n")));

      NODE.ctl("close_all_connections", "test closes every connection");

      await("lost, recovering, recovered")
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(heard.calls)
                      .anyMatch(c -> c.startsWith("LOST reef-lost-it "))
                      .contains(
                          "RECOVERING reef-lost-it null",
                          "RECOVERED reef-lost-it null",
                          "RECOVERED reef-lost-it-consumers null"));
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () -> {
                ch.send("alice", "bob", Map.of("n", 1)).get(5, TimeUnit.SECONDS);
                return true;
              });
      await().atMost(WAIT).until(() -> got.contains(1));
    }
    assertThat(heard.calls).last().isEqualTo("CLOSED null null");
  }
}
