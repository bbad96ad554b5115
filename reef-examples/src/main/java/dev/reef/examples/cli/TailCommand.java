package dev.reef.examples.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.amqp.internal.TapQueues;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tail}: prints a channel's traffic as it passes, one line per spore, from a temporary,
 * exclusive queue of its own bound to the channel's exchange, so it takes no spore from the agents.
 * The queue is bounded ({@value #MAX_BACKLOG} messages, oldest dropped) and vanishes when the tool
 * exits.
 *
 * <p>Bindings: {@code broadcast.#}, plus {@code agent.<name>.#} for each agent named with {@code
 * --agents}. {@code --all-keys} binds {@code #} instead, to see every spore, but with a cost the
 * tool warns about: the AMQP backend detects a directed spore to an agent without a mailbox by the
 * broker returning it as unroutable, and a {@code #} binding makes every spore routable (to the
 * tail), so while such a tail runs, sends to unknown agents succeed instead of failing with {@code
 * UnknownAgentException}.
 */
final class TailCommand {
  static final Set<String> OPTIONS =
      Set.of("uri", "channel", "agents", "count", "for", "dead-letters");
  static final Set<String> FLAGS = Set.of("full", "all-keys");
  static final int MAX_BACKLOG = 10_000;

  private TailCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    int count = a.integer("count", 0, 0, Integer.MAX_VALUE);
    Duration limit = a.duration("for", null);
    boolean full = a.flag("full");
    List<String> keys = new ArrayList<>();
    if (a.flag("all-keys")) {
      keys.add("#");
      err.println(
          "warning: --all-keys binds '#': while this tail runs, directed spores to agents without a"
              + " mailbox on this channel are routed to the tail and their senders get no"
              + " UnknownAgentException");
    } else {
      keys.add(TapQueues.BROADCASTS);
      for (String agent : a.get("agents", "").split(",")) {
        if (!agent.isBlank()) {
          // validates the name like the backend does
          broker.mailbox(channel, agent.trim());
          keys.add(TapQueues.agentKey(agent.trim()));
        }
      }
    }
    String exchange = broker.exchange(channel);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    try (Connection connection = broker.connect()) {
      Runtime.getRuntime().addShutdownHook(new Thread(done::countDown, "reef-cli-tail-stop"));
      Channel ch = connection.createChannel();
      // The tap shared with the console: the backend's exchange declaration, a bounded queue.
      String queue = TapQueues.declare(ch, exchange, MAX_BACKLOG);
      for (String key : keys) {
        if (!key.equals(TapQueues.BROADCASTS)) {
          ch.queueBind(queue, exchange, key);
        }
      }
      ch.basicQos(100);
      ch.basicConsume(
          queue,
          false,
          new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              if (done.getCount() == 0) {
                return;
              }
              synchronized (out) {
                out.println(new WireMessage(envelope, props, body).line(Instant.now(), full));
                out.flush();
              }
              getChannel().basicAck(envelope.getDeliveryTag(), false);
              if (count > 0 && seen.incrementAndGet() >= count) {
                done.countDown();
              }
            }
          });
      err.printf(
          "tailing channel '%s' (exchange %s, keys %s) on %s%s%n",
          channel,
          exchange,
          String.join(" ", keys),
          broker.display(),
          count > 0 ? ", until " + count + " spores" : limit == null ? "; Ctrl-C to stop" : "");
      err.flush();
      if (limit == null) {
        done.await();
      } else {
        done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
      }
      done.countDown();
    } catch (IOException e) {
      throw new CliFailure(3, "tail failed: " + e, e);
    }
    return count > 0 && seen.get() < count ? 1 : 0;
  }
}
