package dev.reef.amqp.test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/**
 * The broker of one test (from {@link RabbitMqBroker}): its URI, a lazily opened raw amqp-client
 * connection, unique names, and clean-up of the queues and exchanges registered for deletion.
 * Closed (and cleaned up) by the extension after the test. Not thread-safe for registration.
 */
public final class TestBroker implements AutoCloseable {
  private final String uri;
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();
  private Connection connection;

  /**
   * A broker handle for a URI, for tests that manage it themselves (call {@link #cleanup()}).
   *
   * @param uri the broker URI
   */
  public TestBroker(String uri) {
    this.uri = uri;
  }

  /**
   * The broker URI, credentials included.
   *
   * @return the URI
   */
  public String uri() {
    return uri;
  }

  /**
   * A name that no other test uses: {@code <prefix>-<8 hex>}, made of characters valid in Reef
   * channel and agent names.
   *
   * @param prefix letters, digits, {@code _}, {@code -}
   * @return the unique name
   */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Registers a queue to delete after the test.
   *
   * @param queue the name
   * @return the name
   */
  public String deleteQueueAfter(String queue) {
    queues.add(queue);
    return queue;
  }

  /**
   * Registers an exchange to delete after the test.
   *
   * @param exchange the name
   * @return the name
   */
  public String deleteExchangeAfter(String exchange) {
    exchanges.add(exchange);
    return exchange;
  }

  /**
   * A raw amqp-client connection to the broker, opened on first use and closed after the test.
   *
   * @return the connection
   * @throws IOException if the broker cannot be reached
   */
  public synchronized Connection connection() throws IOException {
    if (connection == null || !connection.isOpen()) {
      ConnectionFactory f = new ConnectionFactory();
      try {
        f.setUri(uri);
        connection = f.newConnection("reef-test");
      } catch (TimeoutException
          | java.net.URISyntaxException
          | java.security.GeneralSecurityException e) {
        throw new IOException("cannot connect to the test broker", e);
      }
    }
    return connection;
  }

  /**
   * Gets one message from a queue with the raw client (auto-ack), polling until one arrives.
   *
   * @param queue the queue
   * @param timeout how long to poll
   * @return the message
   * @throws IOException if the broker cannot be reached
   * @throws org.awaitility.core.ConditionTimeoutException if none arrived in time
   */
  public GetResponse get(String queue, Duration timeout) throws IOException {
    try (Channel ch = connection().createChannel()) {
      GetResponse[] got = new GetResponse[1];
      Awaitility.await("a message in " + queue)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> (got[0] = ch.basicGet(queue, true)) != null);
      return got[0];
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  /**
   * Messages ready in a queue.
   *
   * @param queue the queue
   * @return the count
   * @throws IOException if the queue does not exist
   */
  public long messageCount(String queue) throws IOException {
    try (Channel ch = connection().createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** Deletes what was registered and closes the connection. */
  public synchronized void cleanup() {
    try {
      if (!queues.isEmpty() || !exchanges.isEmpty()) {
        Connection c = connection();
        for (String q : queues) {
          try (Channel ch = c.createChannel()) {
            ch.queueDelete(q);
          } catch (IOException | TimeoutException | RuntimeException e) {
            // already gone
          }
        }
        for (String x : exchanges) {
          try (Channel ch = c.createChannel()) {
            ch.exchangeDelete(x);
          } catch (IOException | TimeoutException | RuntimeException e) {
            // already gone
          }
        }
      }
    } catch (IOException e) {
      // broker gone: nothing to clean
    } finally {
      queues.clear();
      exchanges.clear();
      if (connection != null) {
        try {
          connection.close();
        } catch (IOException | RuntimeException e) {
          // ignore
        }
        connection = null;
      }
    }
  }

  @Override
  public void close() {
    cleanup();
  }
}
