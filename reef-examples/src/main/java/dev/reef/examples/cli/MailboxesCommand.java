package dev.reef.examples.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * {@code mailboxes}: the depth (ready spores) and consumers of each named agent's mailbox on a
 * channel, then the dead-letter queue's depth and its first spores with the reason they died. It
 * only looks: each depth comes from a passive queue declaration, and the dead letters it lists are
 * fetched unacknowledged and go back to the queue, in order, when it closes its channel.
 *
 * <p>AMQP cannot list queues, so the agents are named with {@code --agents}.
 */
final class MailboxesCommand {
  static final Set<String> OPTIONS = Set.of("uri", "channel", "agents", "peek", "dead-letters");

  private MailboxesCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    String agentList = a.get("agents", "");
    int peek = a.integer("peek", 10, 0, 1000);
    List<String> agents = new ArrayList<>();
    for (String agent : agentList.split(",")) {
      if (!agent.isBlank()) {
        agents.add(agent.trim());
      }
    }
    try (Connection connection = broker.connect()) {
      out.printf(Locale.ROOT, "Mailboxes on channel '%s' (%s)%n", channel, broker.display());
      if (agents.isEmpty()) {
        out.println("  (name the agents with --agents a,b,c: AMQP cannot list queues)");
      }
      for (String agent : agents) {
        String queue = broker.mailbox(channel, agent);
        AMQP.Queue.DeclareOk ok = passive(connection, queue);
        if (ok == null) {
          out.printf(Locale.ROOT, "  %-40s no mailbox%n", queue);
        } else {
          out.printf(
              Locale.ROOT,
              "  %-40s %6d ready  %3d consumers%n",
              queue,
              ok.getMessageCount(),
              ok.getConsumerCount());
        }
      }
      String dead = broker.deadLetterQueue(channel);
      AMQP.Queue.DeclareOk ok = passive(connection, dead);
      if (ok == null) {
        out.printf(Locale.ROOT, "Dead letters: no queue %s yet%n", dead);
        return 0;
      }
      out.printf(Locale.ROOT, "Dead letters in %s: %d%n", dead, ok.getMessageCount());
      if (peek > 0 && ok.getMessageCount() > 0) {
        Channel ch = connection.createChannel();
        try {
          for (int i = 0; i < peek; i++) {
            GetResponse r = ch.basicGet(dead, false);
            if (r == null) {
              break;
            }
            out.println(new WireMessage(r.getEnvelope(), r.getProps(), r.getBody()).deadLine());
          }
          if (ok.getMessageCount() > peek) {
            out.printf(Locale.ROOT, "  ... (first %d shown; --peek N for more)%n", peek);
          }
        } finally {
          // Closing without acknowledging puts every fetched dead letter back.
          closeQuietly(ch);
        }
      }
      return 0;
    } catch (IOException e) {
      throw new CliFailure(3, "mailboxes failed: " + e, e);
    }
  }

  /** Passive declaration on a channel of its own (a missing queue closes that channel). */
  static AMQP.Queue.DeclareOk passive(Connection connection, String queue) throws IOException {
    Channel ch = connection.createChannel();
    try {
      return ch.queueDeclarePassive(queue);
    } catch (IOException e) {
      if (isNotFound(e)) {
        return null;
      }
      throw e;
    } finally {
      closeQuietly(ch);
    }
  }

  /** Whether the broker closed the channel with 404 NOT_FOUND. */
  static boolean isNotFound(IOException e) {
    return e.getCause() instanceof ShutdownSignalException s
        && s.getReason() instanceof AMQP.Channel.Close close
        && close.getReplyCode() == AMQP.NOT_FOUND;
  }

  static void closeQuietly(Channel ch) {
    if (ch.isOpen()) {
      try {
        ch.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        // already closing: nothing to release
      }
    }
  }
}
