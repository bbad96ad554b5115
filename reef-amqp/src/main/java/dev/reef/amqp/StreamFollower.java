package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one RabbitMQ stream over AMQP 0-9-1 from its first retained record, on a channel of its
 * own (manual acknowledgement, which gives the stream its credit). amqp-client's topology recovery
 * consumes again from {@code first} after a connection loss or a broker restart; records at an
 * offset already handed on are acknowledged and skipped, so the sink sees each offset once and in
 * order.
 */
final class StreamFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);

  /** Stream records read ahead per consumer. */
  static final int PREFETCH = 500;

  private final String stream;
  private final Consumer<byte[]> sink;
  private final Channel channel;
  private volatile long lastOffset = -1;

  private StreamFollower(Channel channel, String stream, Consumer<byte[]> sink) {
    this.channel = channel;
    this.stream = stream;
    this.sink = sink;
  }

  /**
   * Starts following.
   *
   * @throws IOException if the stream cannot be consumed
   */
  static StreamFollower start(Connection connection, String stream, Consumer<byte[]> sink)
      throws IOException {
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new IOException("no channel available on the stream connection");
    }
    StreamFollower f = new StreamFollower(ch, stream, sink);
    ch.basicQos(PREFETCH);
    ch.basicConsume(stream, false, Map.of("x-stream-offset", "first"), f.new Reader(ch));
    return f;
  }

  private final class Reader extends DefaultConsumer {
    Reader(Channel ch) {
      super(ch);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
      long offset = offset(props);
      if (offset < 0 || offset > lastOffset) {
        if (offset >= 0) {
          lastOffset = offset;
        }
        try {
          sink.accept(body);
        } catch (RuntimeException e) {
          LOG.warn("the sink of stream {} failed", stream, e);
        }
      }
      try {
        getChannel().basicAck(envelope.getDeliveryTag(), false);
      } catch (com.rabbitmq.client.AlreadyClosedException e) {
        // closed while reading (close() or a connection loss): recovery consumes again
      }
    }
  }

  private static long offset(AMQP.BasicProperties props) {
    Map<String, Object> headers = props.getHeaders();
    Object o = headers == null ? null : headers.get("x-stream-offset");
    return o instanceof Number ? ((Number) o).longValue() : -1;
  }

  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
      LOG.debug("closing the follower of stream {} failed", stream, e);
    }
  }
}
