package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnauthorizedException;
import dev.reef.amqp.test.LocalRabbitNode;
import dev.reef.observe.ConnectionState;
import dev.reef.spi.BackendListener;
import dev.reef.spi.MailboxSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A channel error on a shared consumer channel does not stop its neighbours (issue 13): the other
 * mailboxes on the channel the broker closed are re-attached on another channel at once and lose
 * nothing; the refused subscribe fails with its typed error. On an extra local RabbitMQ node (a
 * temporary user whose read permission on one queue is revoked while it runs; the machine's broker
 * is never touched).
 *
 * <p>The refused consume needs a mailbox queue this backend declared while it could still read it:
 * a user that may not read a queue cannot declare it either (RabbitMQ checks read permission on a
 * queue declared with a dead-letter exchange), so that subscribe fails on a pooled channel before
 * any consume. A revoked permission is how a consume is refused on the shared channel.
 */
class ConsumerChannelLossIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "loss-pw-1";
  private static final int NEIGHBOURS = 5;

  /** Spores per neighbour queued just before the channel error. */
  private static final int BACKLOG = 400;

  @RegisterExtension static final LocalRabbitNode NODE = LocalRabbitNode.named("reefchanloss");

  /** Records the consumer channel losses the backend reported. */
  private static final class Losses implements BrokerListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void onConsumerChannelLost(String reason, int mailboxes) {
      calls.add(mailboxes + " " + reason);
    }
  }

  /** The backend's connection states, as {@code STATE connection}. */
  private static final class States implements BackendListener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SporeEvent event, String channel, String agent, Spore spore, Throwable e) {}

    @Override
    public void onConnectionState(ConnectionState state, String connection, String detail) {
      seen.add(state + " " + connection);
    }
  }

  /** What each agent received: spore ids. */
  private final Map<String, Set<String>> got = new ConcurrentHashMap<>();

  private MailboxSubscription subscribe(AmqpBackend b, String channel, String agent) {
    return b.consume(
        channel,
        agent,
        (spore, attempt) -> {
          got.computeIfAbsent(agent, k -> ConcurrentHashMap.newKeySet()).add(spore.id());
          return CompletableFuture.completedFuture(null);
        });
  }

  private static CompletableFuture<Spore> send(AmqpBackend b, String channel, String agent) {
    return b.publish(channel, ManyAgentsIT.sporeTo(agent));
  }

  private static List<String> agents(int n) {
    List<String> agents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      agents.add("n" + i);
    }
    return agents;
  }

  /**
   * Sends {@code n} spores to each agent in one batch; their ids once confirmed, agent by agent.
   */
  private static List<List<String>> sendBacklogIds(
      AmqpBackend b, String channel, List<String> agents, int n) throws Exception {
    List<Spore> spores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (String agent : agents) {
        spores.add(ManyAgentsIT.sporeTo(agent));
      }
    }
    List<CompletableFuture<Spore>> sent = b.publishAll(channel, spores);
    List<List<String>> ids = new ArrayList<>();
    for (int i = 0; i < sent.size(); i += agents.size()) {
      List<String> round = new ArrayList<>();
      for (int j = 0; j < agents.size(); j++) {
        round.add(sent.get(i + j).get(WAIT.toSeconds(), TimeUnit.SECONDS).id());
      }
      ids.add(round);
    }
    return ids;
  }

  /** Sends one spore to each agent; their ids once confirmed. */
  private static List<String> sendToEach(AmqpBackend b, String channel, List<String> agents)
      throws Exception {
    List<CompletableFuture<Spore>> sent = new ArrayList<>();
    for (String agent : agents) {
      sent.add(send(b, channel, agent));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Spore> f : sent) {
      ids.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).id());
    }
    return ids;
  }

  private void awaitReceived(List<String> agents, Map<String, List<String>> sent) {
    for (String agent : agents) {
      await(agent + " received every spore sent to it")
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(got.getOrDefault(agent, Set.of())).containsAll(sent.get(agent)));
    }
  }

  @Test
  void aRefusedConsumeClosesTheSharedChannelAndItsNeighboursAreReattachedLosingNothing()
      throws Exception {
    String user = "reefloss";
    String channel = "loss";
    NODE.ctl("add_user", user, PASSWORD);
    Losses losses = new Losses();
    AmqpBackend b = null;
    try {
      NODE.ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
      b =
          AmqpBackend.builder()
              .uri("amqp://" + user + ":" + PASSWORD + "@127.0.0.1:" + NODE.port() + "/%2F")
              .brokerListener(losses)
              .build();
      States states = new States();
      b.start(states);
      AmqpBackend backend = b;
      backend.declareMailbox(channel, "denied");
      List<String> agents = agents(NEIGHBOURS);
      Map<String, List<String>> sent = new ConcurrentHashMap<>();
      List<MailboxSubscription> subs = new ArrayList<>();
      for (String agent : agents) {
        subs.add(subscribe(backend, channel, agent));
        sent.put(agent, new CopyOnWriteArrayList<>());
      }
      assertThat(backend.consumerChannelsOpen()).as("the neighbours share a channel").isEqualTo(1);
      record(sent, agents, sendToEach(backend, channel, agents));
      awaitReceived(agents, sent);

      // Spores keep coming while the channel is closed and its mailboxes move.
      AtomicBoolean sending = new AtomicBoolean(true);
      CompletableFuture<Void> during =
          CompletableFuture.runAsync(
              () -> {
                try {
                  while (sending.get()) {
                    record(sent, agents, sendToEach(backend, channel, agents));
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await().atMost(WAIT).until(() -> sent.get("n0").size() >= 3);
      List<AmqpMailbox> neighbours = new ArrayList<>();
      for (MailboxSubscription s : subs) {
        neighbours.add((AmqpMailbox) s);
      }
      Channel shared = neighbours.get(0).currentChannel();
      NODE.ctl("set_permissions", "-p", "/", user, ".*", ".*", "^(?!reef\\.loss\\.denied$).*");
      // A backlog, so that the broker is delivering on the channel when it closes it.
      for (List<String> round : sendBacklogIds(backend, channel, agents, BACKLOG)) {
        record(sent, agents, round);
      }

      assertThatThrownBy(() -> subscribe(backend, channel, "denied"))
          .isInstanceOf(UnauthorizedException.class)
          .hasMessageContaining("ACCESS_REFUSED")
          .hasMessageContaining("queue 'reef.loss.denied'");
      long refused = System.nanoTime();
      long moved = awaitMoved(neighbours, shared, refused);
      List<String> after = sendToEach(backend, channel, agents);
      for (int i = 0; i < agents.size(); i++) {
        String agent = agents.get(i);
        String id = after.get(i);
        await(agent + " receives after the channel error")
            .atMost(WAIT)
            .until(() -> got.getOrDefault(agent, Set.of()).contains(id));
      }
      long ms = (System.nanoTime() - refused) / 1_000_000;
      sending.set(false);
      during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      record(sent, agents, after);
      System.out.printf(
          "ConsumerChannelLossIT: %d neighbours re-attached %d ms after the refused consume"
              + " threw; each received a spore sent after it within %d ms%n",
          NEIGHBOURS, moved, ms);

      awaitReceived(agents, sent);
      assertThat(losses.calls)
          .as("one loss reported, naming the broker's reason and the neighbours")
          .singleElement()
          .satisfies(c -> assertThat(c).startsWith(NEIGHBOURS + " ").contains("ACCESS_REFUSED"));
      assertThat(backend.consumerChannelsOpen())
          .as("the closed channel is not counted")
          .isEqualTo(1);
      assertThat(states.seen)
          .as("no connection lost: what the broker still sent for the closed channel is ignored")
          .noneMatch(st -> st.startsWith("LOST"));
      assertThat(queueExists("reef.loss.denied"))
          .as("declared before the subscribe, so the refused subscribe keeps it")
          .isTrue();
      await().atMost(WAIT).until(() -> backend.backlog() == 0);
    } finally {
      if (b != null) {
        b.close(Duration.ofSeconds(5));
      }
      NODE.ctl("delete_user", user);
      List<String> all = new ArrayList<>(agents(NEIGHBOURS));
      all.add("denied");
      deleteQueues(channel, all);
    }
  }

  @Test
  void anyChannelErrorOnAFullSharedChannelMovesItsMailboxesAndAHandlerInFlightSettlesQuietly()
      throws Exception {
    String channel = "bad-ack";
    Losses losses = new Losses();
    AmqpBackend b = AmqpBackend.builder().uri(NODE.amqpUri()).brokerListener(losses).build();
    States states = new States();
    b.start(states);
    CountDownLatch inHandler = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> slowSeen = new CopyOnWriteArrayList<>();
    // 31 and "slow": the channel is full (ConsumerChannels.MAILBOXES_PER_CHANNEL).
    int n = ConsumerChannels.MAILBOXES_PER_CHANNEL - 1;
    try {
      List<String> agents = agents(n);
      List<MailboxSubscription> subs = new ArrayList<>();
      for (String agent : agents) {
        subs.add(subscribe(b, channel, agent));
      }
      b.consume(
          channel,
          "slow",
          (spore, attempt) -> {
            slowSeen.add(spore.id());
            inHandler.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
          });
      assertThat(b.consumerChannelsOpen()).isEqualTo(1);
      String slowId = send(b, channel, "slow").get(WAIT.toSeconds(), TimeUnit.SECONDS).id();
      assertThat(inHandler.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      // A channel error with no second user: an acknowledgement of a tag the channel never had.
      Channel shared = ((AmqpMailbox) subs.get(0)).currentChannel();
      long t0 = System.nanoTime();
      shared.basicAck(999_999, false);

      await("the channel closed").atMost(WAIT).until(() -> !shared.isOpen());
      List<AmqpMailbox> moving = new ArrayList<>();
      for (MailboxSubscription s : subs) {
        moving.add((AmqpMailbox) s);
      }
      long moved = awaitMoved(moving, shared, t0);
      System.out.printf(
          "ConsumerChannelLossIT: %d mailboxes of a full channel re-attached %d ms after the bad"
              + " acknowledgement was sent%n",
          n + 1, moved);
      Map<String, List<String>> sent = new ConcurrentHashMap<>();
      for (String agent : agents) {
        sent.put(agent, new CopyOnWriteArrayList<>());
      }
      record(sent, agents, sendToEach(b, channel, agents));
      awaitReceived(agents, sent);
      for (MailboxSubscription s : subs) {
        assertThat(((AmqpMailbox) s).currentChannel()).isNotSameAs(shared);
        // amqp-client would hand out the closed channel's number again at once, and a delivery
        // the broker still wrote for the closed channel would then close the whole connection.
        assertThat(((AmqpMailbox) s).currentChannel().getChannelNumber())
            .as("not the closed channel's number")
            .isNotEqualTo(shared.getChannelNumber());
      }
      assertThat(losses.calls)
          .singleElement()
          .satisfies(c -> assertThat(c).startsWith((n + 1) + " ").contains("PRECONDITION_FAILED"));

      // The handler that was running when its channel closed finishes: its ack cannot reach the
      // broker (nothing thrown); the broker redelivers the spore on the new channel.
      release.countDown();
      await("redelivered on the new channel")
          .atMost(WAIT)
          .until(() -> slowSeen.stream().filter(slowId::equals).count() == 2);
      await("nothing left in flight").atMost(WAIT).until(() -> b.backlog() == 0);
      assertThat(b.consumerChannelsOpen()).isEqualTo(1);
      assertThat(states.seen).noneMatch(st -> st.startsWith("LOST"));

      // A later connection recovery brings back exactly one consumer per mailbox queue: the new
      // ones (the moved mailboxes' channel is in amqp-client's recovery records), not the closed
      // channel's (removed from them).
      NODE.ctl("close_all_connections", "test: a connection recovery after a channel loss");
      await("recovered and consuming")
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () -> {
                record(sent, agents, sendToEach(b, channel, agents));
                return true;
              });
      awaitReceived(agents, sent);
      List<String> queues = new ArrayList<>();
      for (String agent : agents) {
        queues.add("reef." + channel + "." + agent);
      }
      await("one consumer on each mailbox queue, for 2 s")
          .during(Duration.ofSeconds(2))
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(consumers(queues))
                      .containsOnlyKeys(queues)
                      .allSatisfy((q, c) -> assertThat(c).as(q).isEqualTo(1)));
      assertThat(b.consumerChannelsOpen()).isEqualTo(1);
    } finally {
      release.countDown();
      b.close(Duration.ofSeconds(5));
      List<String> all = new ArrayList<>(agents(n));
      all.add("slow");
      deleteQueues(channel, all);
    }
  }

  /** Waits until every mailbox consumes on an open channel other than {@code from}; ms since t0. */
  private static long awaitMoved(List<AmqpMailbox> mailboxes, Channel from, long t0) {
    await("re-attached")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () ->
                mailboxes.stream()
                    .map(AmqpMailbox::currentChannel)
                    .allMatch(c -> c != from && c.isOpen()));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Consumers on each of the queues, as the broker lists them. */
  private static Map<String, Integer> consumers(List<String> queues) {
    Map<String, Integer> found = new ConcurrentHashMap<>();
    for (String line : NODE.ctl("-q", "list_queues", "name", "consumers").split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length == 2 && queues.contains(cols[0]) && cols[1].matches("\\d+")) {
        found.put(cols[0], Integer.parseInt(cols[1]));
      }
    }
    return found;
  }

  private static void record(
      Map<String, List<String>> sent, List<String> agents, List<String> ids) {
    for (int i = 0; i < agents.size(); i++) {
      sent.get(agents.get(i)).add(ids.get(i));
    }
  }

  private static Connection admin() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(NODE.amqpUri());
    return f.newConnection("loss-admin");
  }

  private static boolean queueExists(String queue) throws Exception {
    try (Connection c = admin();
        Channel ch = c.createChannel()) {
      ch.queueDeclarePassive(queue);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQueues(String channel, List<String> agents) throws Exception {
    try (Connection c = admin()) {
      for (String agent : agents) {
        try (Channel ch = c.createChannel()) {
          ch.queueDelete("reef." + channel + "." + agent);
        }
      }
      try (Channel ch = c.createChannel()) {
        ch.exchangeDelete("reef." + channel);
      }
    }
  }
}
