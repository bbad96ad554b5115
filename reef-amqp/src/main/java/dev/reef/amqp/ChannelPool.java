package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idle channels for short broker calls (declarations, queue depths): a caller borrows one, or a new
 * one when none is idle, and gives it back; a channel a failed call closed is dropped, and the
 * connection's close closes the rest. No lock is held during a call, and concurrent callers never
 * share a channel, so one caller's channel error (a declaration the broker refuses closes its
 * channel) cannot fail another's call. Thread-safe.
 */
final class ChannelPool {
  /** A broker call on a borrowed channel. */
  @FunctionalInterface
  interface ChannelCall<T> {
    T call(Channel channel) throws IOException;
  }

  private final AmqpConnection connection;
  private final ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();

  ChannelPool(AmqpConnection connection) {
    this.connection = connection;
  }

  /** Runs a call on an idle or new channel and gives the channel back if it is still open. */
  <T> T call(ChannelCall<T> call) throws IOException {
    Channel ch = borrow();
    try {
      return call.call(ch);
    } finally {
      if (ch.isOpen()) {
        idle.add(ch);
      }
    }
  }

  /**
   * Forgets a queue and its bindings in the connection's topology recovery (a declaration sent
   * without waiting that the broker refused).
   */
  void excludeFromRecovery(String queue) {
    connection.excludeFromRecovery(queue);
  }

  private Channel borrow() throws IOException {
    for (Channel ch; (ch = idle.poll()) != null; ) {
      if (ch.isOpen()) {
        return ch;
      }
    }
    return connection.openChannel();
  }
}
