package dev.reef.reliability.support;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A plain amqp-client connection for what Reef itself must not do in a test: publish raw (bad)
 * input, read dead-letter queues, and delete the test's queues and exchanges. Not thread-safe (one
 * channel); use from the test thread.
 */
public final class RawAmqp implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;

  private RawAmqp(Connection connection) throws IOException {
    this.connection = connection;
    this.channel = connection.createChannel();
    channel.confirmSelect();
  }

  /** Connects to {@code uri} without automatic recovery. */
  public static RawAmqp connect(URI uri) {
    try {
      ConnectionFactory f = new ConnectionFactory();
      f.setUri(uri);
      f.setAutomaticRecoveryEnabled(false);
      return new RawAmqp(f.newConnection("reef-reliability-raw"));
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect the raw AMQP client", e);
    }
  }

  /** The channel, for anything not covered here. */
  public Channel channel() {
    return channel;
  }

  /** Publishes {@code body} and waits for the broker's confirm. */
  public void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    try {
      channel.basicPublish(exchange, routingKey, false, props, body);
      channel.waitForConfirmsOrDie(10_000);
    } catch (IOException | InterruptedException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("raw publish failed", e);
    }
  }

  /** Declares a durable queue bound to {@code exchange} with routing key {@code #}. */
  public void declareCatchAll(String queue, String exchange) {
    try {
      channel.exchangeDeclare(exchange, "topic", true);
      channel.queueDeclare(queue, true, false, false, null);
      channel.queueBind(queue, exchange, "#");
    } catch (IOException e) {
      throw new IllegalStateException("cannot declare " + queue, e);
    }
  }

  /** Messages ready in {@code queue} (0 when the queue does not exist). */
  public long messageCount(String queue) {
    try (Channel ch = connection.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      return 0;
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes (and acknowledges) every message now ready in {@code queue}. */
  public List<GetResponse> drain(String queue) {
    List<GetResponse> out = new ArrayList<>();
    try {
      GetResponse r;
      while ((r = channel.basicGet(queue, true)) != null) {
        out.add(r);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + queue, e);
    }
    return out;
  }

  /** Deletes queues, ignoring ones that do not exist. */
  public void deleteQueues(String... queues) {
    for (String q : queues) {
      try (Channel ch = connection.createChannel()) {
        ch.queueDelete(q);
      } catch (IOException | TimeoutException | RuntimeException ignored) {
        // already gone
      }
    }
  }

  /** Deletes exchanges, ignoring ones that do not exist. */
  public void deleteExchanges(String... exchanges) {
    for (String x : exchanges) {
      try (Channel ch = connection.createChannel()) {
        ch.exchangeDelete(x);
      } catch (IOException | TimeoutException | RuntimeException ignored) {
        // already gone
      }
    }
  }

  @Override
  public void close() {
    try {
      connection.close(5_000);
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }
}
