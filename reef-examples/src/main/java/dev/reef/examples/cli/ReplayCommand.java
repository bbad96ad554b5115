package dev.reef.examples.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code replay}: puts a dead letter (by spore id, or all of them) back into the mailbox it died
 * in, without the dead-letter headers, so its agent gets it again as a fresh delivery. Each
 * replayed copy is published straight to that queue (default exchange, mandatory, confirmed) and
 * only then is the dead letter acknowledged; anything else it looked at goes back to the
 * dead-letter queue. At-least-once: a crash between the confirm and the acknowledgement leaves a
 * copy in both places.
 */
final class ReplayCommand {
  static final Set<String> OPTIONS = Set.of("uri", "id", "limit", "dead-letters");
  static final Set<String> FLAGS = Set.of("all");
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private ReplayCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) throws InterruptedException {
    Broker broker = Broker.from(a, env);
    boolean all = a.flag("all");
    String id = a.get("id", null);
    if (all == (id != null)) {
      throw new UsageException("replay needs either --id SPORE_ID or --all");
    }
    int limit = a.integer("limit", 10_000, 1, 1_000_000);
    String dead = broker.deadLetterQueue();
    int replayed = 0;
    int scanned = 0;
    try (Connection connection = broker.connect()) {
      if (MailboxesCommand.passive(connection, dead) == null) {
        throw new CliFailure(1, "no dead-letter queue " + dead, null);
      }
      Channel ch = connection.createChannel();
      try {
        ch.confirmSelect();
        AtomicBoolean returned = new AtomicBoolean();
        ch.addReturnListener(r -> returned.set(true));
        while (scanned < limit) {
          GetResponse r = ch.basicGet(dead, false);
          if (r == null) {
            break;
          }
          scanned++;
          WireMessage m = new WireMessage(r.getEnvelope(), r.getProps(), r.getBody());
          if (!all && !id.equals(m.id())) {
            continue; // stays unacknowledged: back to the queue when the channel closes
          }
          String queue = m.originQueue();
          if (queue == null || queue.isEmpty()) {
            out.printf(Locale.ROOT, "cannot replay %s: it names no mailbox%n", m.id());
            continue;
          }
          returned.set(false);
          ch.basicPublish("", queue, true, fresh(m.properties()), m.bodyBytes());
          ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
          if (returned.get()) {
            out.printf(
                Locale.ROOT, "cannot replay %s: its mailbox %s no longer exists%n", m.id(), queue);
            continue;
          }
          ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
          replayed++;
          out.printf(Locale.ROOT, "replayed %s (%s) to %s%n", m.id(), m.deadReason(), queue);
          if (!all) {
            break;
          }
        }
      } catch (TimeoutException e) {
        throw new CliFailure(3, "the broker did not confirm the replay in time", e);
      } finally {
        MailboxesCommand.closeQuietly(ch);
      }
    } catch (IOException e) {
      throw new CliFailure(3, "replay failed: " + e, e);
    }
    if (replayed == 0) {
      out.printf(
          Locale.ROOT,
          "%s among the %d dead letters looked at%n",
          all ? "nothing replayable" : "no dead letter with id " + id,
          scanned);
      return 1;
    }
    return 0;
  }

  /** The properties without what dead-lettering added. */
  private static AMQP.BasicProperties fresh(AMQP.BasicProperties props) {
    Map<String, Object> headers = new HashMap<>();
    if (props.getHeaders() != null) {
      props
          .getHeaders()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("x-reef-")
                    && !k.startsWith("x-death")
                    && !k.startsWith("x-first-death")
                    && !k.startsWith("x-last-death")) {
                  headers.put(k, v);
                }
              });
      // Reef's own non-dead-letter headers (metadata, references) start with x-reef- too.
      for (String keep :
          new String[] {
            "x-reef-metadata", "x-reef-knowledge-references", "x-reef-data-references"
          }) {
        Object v = props.getHeaders().get(keep);
        if (v != null) {
          headers.put(keep, v);
        }
      }
    }
    return props.builder().headers(headers).build();
  }
}
