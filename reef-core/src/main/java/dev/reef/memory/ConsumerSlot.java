package dev.reef.memory;

import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backend's consumer on one mailbox. It drains the mailbox serially on the backend's worker
 * pool: one delivery runs at a time per slot, so a slow or failing agent occupies one worker at
 * most and never stalls other mailboxes. A delivery whose stage is still open (an asynchronous
 * handler) stays unsettled while the slot goes on, up to {@code prefetch} such deliveries at once.
 * After {@link #BATCH} deliveries in a row the slot yields its worker to other mailboxes.
 */
final class ConsumerSlot implements MailboxSubscription, Runnable {
  static final int BATCH = 256;

  /** How long an emptied slot polls before parking, to follow a steady stream without wake-ups. */
  static final long SPIN_NANOS = 10_000L;

  /** An unsettled delivery whose stage is still open; identity matters. */
  static final class Pending {
    final Object entry;

    Pending(Object entry) {
      this.entry = entry;
    }
  }

  final Mailbox mailbox;
  final InMemoryBackend backend;
  final MailboxConsumer consumer;
  private final int prefetch;

  /**
   * The entry being handed to the consumer on the slot's thread; cleared when settled or parked.
   */
  final AtomicReference<Object> current = new AtomicReference<>();

  /** Deliveries waiting for their stage; removed by whoever settles or gives them back first. */
  final Set<Pending> pending = ConcurrentHashMap.newKeySet();

  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicBoolean waitingForRoom = new AtomicBoolean();

  // Guarded by the mailbox monitor.
  boolean idle;
  boolean detached;

  ConsumerSlot(Mailbox mailbox, InMemoryBackend backend, MailboxConsumer consumer, int prefetch) {
    this.mailbox = mailbox;
    this.backend = backend;
    this.consumer = consumer;
    this.prefetch = prefetch;
  }

  void schedule() {
    backend.execute(this);
  }

  void pendingAdded() {
    pendingCount.incrementAndGet();
  }

  /** Called when a pending delivery's stage completed; resumes the slot if it waited for room. */
  void pendingDone() {
    pendingCount.decrementAndGet();
    if (waitingForRoom.compareAndSet(true, false)) {
      schedule();
    }
  }

  boolean hasUnsettled() {
    return current.get() != null || !pending.isEmpty();
  }

  @Override
  public void run() {
    for (int budget = BATCH; ; budget--) {
      if (budget == 0) {
        if (backend.othersWaiting()) {
          schedule(); // let other mailboxes have this worker
          return;
        }
        budget = BATCH;
      }
      if (pendingCount.get() >= prefetch) {
        waitingForRoom.set(true);
        if (pendingCount.get() >= prefetch) {
          return; // the next completion reschedules this slot
        }
        if (!waitingForRoom.compareAndSet(true, false)) {
          return; // a completion already rescheduled this slot
        }
      }
      if (mailbox.looksEmpty()) {
        long until = System.nanoTime() + SPIN_NANOS;
        while (mailbox.looksEmpty() && System.nanoTime() - until < 0) {
          Thread.onSpinWait();
        }
      }
      Object entry = mailbox.take(this);
      if (entry == null) {
        return;
      }
      if (!backend.handle(this, entry)) {
        return;
      }
    }
  }

  @Override
  public String channel() {
    return mailbox.channelName;
  }

  @Override
  public String agent() {
    return mailbox.agent;
  }

  @Override
  public void close() {
    backend.detach(this);
  }
}
