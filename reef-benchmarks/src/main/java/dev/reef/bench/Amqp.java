package dev.reef.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Raw amqp-client plumbing shared by the benchmarks. */
final class Amqp {
  private Amqp() {}

  static Connection connect(URI uri, String name) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setAutomaticRecoveryEnabled(false);
    return f.newConnection(name);
  }

  /** A random version-4 UUID string without SecureRandom, as Reef makes spore ids. */
  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * Deletes what a run declared; ignores what is already gone. Retries the connection for about ten
   * seconds, so that a broker restart during the run does not leave the run's names behind.
   */
  static void deleteQuietly(URI uri, Iterable<String> queues, Iterable<String> exchanges) {
    for (int attempt = 1; ; attempt++) {
      try {
        delete(uri, queues, exchanges);
        return;
      } catch (Exception e) {
        if (attempt == 5) {
          System.err.println("cleanup failed, delete the run's queues and exchanges by hand: " + e);
          return;
        }
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void delete(URI uri, Iterable<String> queues, Iterable<String> exchanges)
      throws Exception {
    try (Connection c = connect(uri, "reef-bench-cleanup")) {
      for (String q : queues) {
        try (Channel ch = c.createChannel()) {
          ch.queueDelete(q);
        } catch (Exception e) {
          // already gone
        }
      }
      for (String x : exchanges) {
        try (Channel ch = c.createChannel()) {
          ch.exchangeDelete(x);
        } catch (Exception e) {
          // already gone
        }
      }
    }
  }

  /**
   * The arguments of a Reef mailbox queue (docs/design.md#topology), given to the raw queues too.
   */
  static Map<String, Object> mailboxArguments(String deadLetterExchange) {
    return Map.of("x-max-priority", 10, "x-dead-letter-exchange", deadLetterExchange);
  }
}
