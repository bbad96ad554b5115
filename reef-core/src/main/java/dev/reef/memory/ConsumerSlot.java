package dev.reef.memory;

import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.support.DeliveryRun;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>Like an AMQP consumer's prefetch, the slot takes up to {@link #TAKE} entries from the mailbox
 * per acquisition of the mailbox's monitor (fewer when several consumers share the mailbox, and
 * never more than the prefetch has room for beside unsettled asynchronous deliveries) into a
 * slot-local buffer and hands them out one by one, so the publisher and the consumer contend on the
 * monitor once per batch instead of once per spore. The batch is taken in priority order, but an
 * entry already in the buffer is delivered before a higher-priority spore (or a retry) that reaches
 * the mailbox later: priority reordering applies to the mailbox, not within one buffered batch.
 * Buffered entries count in the backlog and as unsettled; when the slot is closed or detached, the
 * entries not yet handed out go back to the front of the mailbox in their original order. The
 * buffer and the hand-off of an entry to {@link #current} are guarded by the slot's buffer lock,
 * used only by the slot's thread and by close/detach, so close never misses an entry.
 */
final class ConsumerSlot implements MailboxSubscription, Runnable {
  static final int BATCH = 256;

  /** The most entries the slot takes from its mailbox at once. */
  static final int TAKE = 32;

  /**
   * How long an emptied slot polls at most before parking, to follow a dense stream without
   * wake-ups; see {@link #SPIN_GAP_NANOS} for when it does.
   */
  static final long SPIN_NANOS = 10_000L;

  /**
   * An emptied slot spins only if the last gap in its stream (see {@link #lastGap}) was shorter
   * than this: a dense stream (a sender flooding the mailbox, gaps well under a microsecond), not a
   * paced one. At 100,000 spores/s the gap is 10 µs: spinning through it burnt a whole core and, on
   * a loaded machine, left the consumer behind other threads after each preemption (p50 latency of
   * 1-3 ms at 100,000/s in most loaded runs of the benchmark with the spin, 4 µs in most without).
   */
  static final long SPIN_GAP_NANOS = 2_000L;

  /** An unsettled delivery whose stage is still open; identity matters. */
  static final class Pending {
    final Object entry;

    Pending(Object entry) {
      this.entry = entry;
    }
  }

  final Mailbox mailbox;
  final InMemoryBackend backend;
  private final Deliveries deliveries;
  final MailboxConsumer consumer;
  private final int prefetch;

  /**
   * The entry being handed to the consumer on the slot's thread; cleared when settled or parked.
   */
  final AtomicReference<Object> current = new AtomicReference<>();

  /** Deliveries waiting for their stage; removed by whoever settles or gives them back first. */
  final Set<Pending> pending = ConcurrentHashMap.newKeySet();

  /** Entries taken from the mailbox and not yet handed out; guarded by itself (the buffer lock). */
  private final ChunkedQueue buffer = new ChunkedQueue();

  /**
   * How many entries the buffer holds; written under the buffer lock (and, when entries arrive,
   * inside the mailbox monitor), read lock-free by the backlog.
   */
  volatile int buffered;

  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicBoolean waitingForRoom = new AtomicBoolean();

  /**
   * When the slot last parked on an empty mailbox ({@link System#nanoTime()}); written under the
   * mailbox monitor.
   */
  long parkedAt;

  /**
   * How long the mailbox stayed empty the last time the slot parked: from parking to the spore that
   * woke it (not to the run that followed, whose wake-up latency is not the stream's gap). Written
   * under the mailbox monitor when the slot is woken, read by the run that wake-up schedules. An
   * emptied slot spins only while this gap was shorter than {@link #SPIN_GAP_NANOS}, so that a spin
   * would catch the next spore soon; a sparser stream (10,000 spores/s is a gap of 100 µs) parks at
   * once instead of burning up to {@link #SPIN_NANOS} of CPU per spore, which on a busy machine
   * cost more in lost CPU share than the wake-up it tried to save. Starts at 0: spin.
   */
  long lastGap;

  // Written under the mailbox monitor.
  boolean idle;
  volatile boolean detached;

  ConsumerSlot(
      Mailbox mailbox,
      InMemoryBackend backend,
      Deliveries deliveries,
      MailboxConsumer consumer,
      int prefetch) {
    this.mailbox = mailbox;
    this.backend = backend;
    this.deliveries = deliveries;
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
    return buffered > 0 || current.get() != null || !pending.isEmpty();
  }

  /**
   * Hands out the next entry, marking it current before it stops counting as buffered; refills the
   * buffer from the mailbox when it is empty. Returns null (the slot then stops) once detached or
   * when the mailbox is empty, in which case the mailbox has parked the slot as idle.
   */
  Object next() {
    synchronized (buffer) {
      if (detached) {
        return null;
      }
      Object e = buffer.pollFirst();
      if (e == null) {
        // Never buffer more than the prefetch has room for, so buffered and unsettled asynchronous
        // deliveries together stay within the prefetch and the rest stays in the mailbox.
        int room = Math.max(1, Math.min(TAKE, prefetch - pendingCount.get()));
        if (!mailbox.takeBatch(this, buffer, room)) {
          return null;
        }
        e = buffer.pollFirst();
      }
      current.set(e);
      buffered = buffer.size();
      return e;
    }
  }

  /**
   * Gives the entries not yet handed out back to the front of the mailbox, in their order. Called
   * after the slot was detached (so it takes no more); they count as buffered until they are back.
   */
  void returnBuffered() {
    synchronized (buffer) {
      if (buffer.isEmpty()) {
        return;
      }
      Object[] back = buffer.drainAll();
      mailbox.requeueBuffered(back);
      buffered = 0;
    }
  }

  /**
   * Takes back the deliveries still unsettled (the current one and those whose stage is open), so
   * that their late settlement does nothing. Called by close after the drain timeout.
   *
   * @return the entries taken, to go back to the mailbox
   */
  List<Object> takeUnsettled() {
    List<Object> unsettled = new ArrayList<>();
    Object entry = current.getAndSet(null);
    if (entry != null) {
      unsettled.add(entry);
    }
    for (Pending p : new ArrayList<>(pending)) {
      if (pending.remove(p)) {
        unsettled.add(p.entry);
      }
    }
    return unsettled;
  }

  /**
   * Drains the mailbox as one {@link DeliveryRun}: the reef's per-thread handler context (the MDC
   * keys) is saved once before the first delivery and restored after the last.
   */
  @Override
  public void run() {
    DeliveryRun run = DeliveryRun.begin();
    try {
      drain();
    } finally {
      run.end();
    }
  }

  private void drain() {
    boolean spinning = lastGap < SPIN_GAP_NANOS;
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
      if (spinning && buffered == 0 && mailbox.looksEmpty()) {
        long until = System.nanoTime() + SPIN_NANOS;
        while (mailbox.looksEmpty() && System.nanoTime() - until < 0) {
          Thread.onSpinWait();
        }
      }
      Object entry = next();
      if (entry == null) {
        return;
      }
      if (!deliveries.handle(this, entry)) {
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
