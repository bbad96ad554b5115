package dev.reef.console;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One page's event stream: a bounded queue of serialized events. A slow page loses the oldest
 * events, counted in {@link #dropped()} (and told to the page), never the console's memory.
 */
final class SseClient {
  private final String channel;
  private final BlockingQueue<byte[]> queue;
  private final AtomicLong dropped = new AtomicLong();

  SseClient(String channel, int capacity) {
    this.channel = channel;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  String channel() {
    return channel;
  }

  /** Queues an event, dropping the oldest ones while full. */
  void offer(byte[] event) {
    while (!queue.offer(event)) {
      if (queue.poll() != null) {
        dropped.incrementAndGet();
      }
    }
  }

  /** The next event, or null after {@code millis} without one. */
  byte[] poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Events dropped because the page read too slowly. */
  long dropped() {
    return dropped.get();
  }
}
