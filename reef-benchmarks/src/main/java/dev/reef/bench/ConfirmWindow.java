package dev.reef.bench;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asynchronous publisher confirms with a bounded window of outstanding messages, the way the
 * RabbitMQ tutorials do it: a sorted set of unconfirmed sequence numbers and a semaphore.
 */
final class ConfirmWindow {
  private final Channel channel;
  private final int size;
  private final Semaphore permits;
  private final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();
  final AtomicLong nacked = new AtomicLong();
  final AtomicLong returned = new AtomicLong();

  ConfirmWindow(Channel channel, int size) throws IOException {
    this.channel = channel;
    this.size = size;
    this.permits = new Semaphore(size);
    channel.confirmSelect();
    channel.addConfirmListener((tag, multiple) -> settle(tag, multiple), this::nack);
    channel.addReturnListener(r -> returned.incrementAndGet());
  }

  private void nack(long tag, boolean multiple) {
    nacked.addAndGet(settle(tag, multiple));
  }

  private int settle(long tag, boolean multiple) {
    int n = 0;
    if (multiple) {
      NavigableSet<Long> head = outstanding.headSet(tag, true);
      while (head.pollFirst() != null) {
        n++;
      }
    } else if (outstanding.remove(tag)) {
      n = 1;
    }
    permits.release(n);
    return n;
  }

  /** Waits for room in the window and registers the next publish. Call just before publishing. */
  void beforePublish() throws InterruptedException, TimeoutException {
    if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new TimeoutException("no confirm for 30 s");
    }
    outstanding.add(channel.getNextPublishSeqNo());
  }

  /** Waits until every publish is confirmed. */
  void awaitAll(long timeoutSeconds) throws InterruptedException, TimeoutException {
    if (!permits.tryAcquire(size, timeoutSeconds, TimeUnit.SECONDS)) {
      throw new TimeoutException(outstanding.size() + " publishes unconfirmed");
    }
    permits.release(size);
  }
}
