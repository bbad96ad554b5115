package dev.reef.memory;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import java.util.ArrayList;

/**
 * One (channel, agent) mailbox: a bounded queue served by priority (higher first) and FIFO within a
 * priority, plus the consumers attached to it. Entries are {@link Spore}s (first attempt) or {@link
 * Redelivery}s. All state is guarded by the mailbox's monitor; the lock is held only for queue
 * operations, never while a handler runs. Consumers take entries in small batches into a slot-local
 * buffer (see {@link ConsumerSlot}); a slot's buffer lock, when both are held, is always taken
 * before this monitor.
 */
final class Mailbox {
  final HubChannel channel;
  final String channelName;
  final String agent;
  private final int capacity;
  private final OverflowPolicy policy;

  private final ChunkedQueue[] queues = new ChunkedQueue[Spore.MAX_PRIORITY + 1];

  private volatile int size; // written under the monitor; read lock-free by looksEmpty
  private int nonEmpty; // bit p set when queues[p] is non-empty
  private int pendingRetries;
  private boolean removed;
  private final ArrayList<ConsumerSlot> idle = new ArrayList<>(2);
  private final ArrayList<ConsumerSlot> slots = new ArrayList<>(2);

  Mailbox(HubChannel channel, String agent) {
    this.channel = channel;
    this.channelName = channel.name;
    this.agent = agent;
    this.capacity = channel.hub.mailboxCapacity();
    this.policy = channel.hub.overflowPolicy();
  }

  /**
   * Enqueues a first-attempt spore, applying the overflow policy. Counts what it drops through the
   * publisher's listener.
   *
   * @return false if the mailbox was full and rejected the spore
   */
  boolean offer(Spore spore, EventSink publisher) {
    ConsumerSlot wake;
    Object dropped = null;
    synchronized (this) {
      if (removed) {
        return false;
      }
      int p = spore.priority();
      if (size >= capacity) {
        if (policy == OverflowPolicy.REJECT) {
          return false;
        }
        int lowest = Integer.numberOfTrailingZeros(nonEmpty);
        if (p < lowest) {
          dropped = spore;
        } else {
          dropped = pollFrom(lowest);
          add(spore, p, false);
        }
      } else {
        add(spore, p, false);
      }
      wake = wakeOne();
    }
    if (dropped != null) {
      Spore s = dropped instanceof Spore ? (Spore) dropped : ((Redelivery) dropped).spore();
      int attempts = dropped instanceof Spore ? 0 : ((Redelivery) dropped).attempt() - 1;
      publisher.emit(SporeEvent.DROPPED_OLDEST, channelName, agent, s, null);
      channel.hub.deadLetter(this, s, DeadLetter.REASON_DROPPED_OLDEST, null, attempts);
    }
    if (wake != null) {
      wake.schedule();
    }
    return true;
  }

  /** Puts back a spore that is to be delivered again, ahead of its priority's queue. */
  void requeue(Object entry, boolean wasPendingRetry) {
    ConsumerSlot wake;
    synchronized (this) {
      if (wasPendingRetry) {
        pendingRetries--;
      }
      add(entry, priorityOf(entry), true);
      wake = wakeOne();
    }
    if (wake != null) {
      wake.schedule();
    }
  }

  synchronized void retryScheduled() {
    pendingRetries++;
  }

  synchronized void retryCancelled() {
    pendingRetries--;
  }

  /**
   * Moves the next entries for a consumer into its buffer, in the order they would be taken one by
   * one (priority, then FIFO), and counts them as buffered on the slot inside this monitor so that
   * the backlog never misses them. Takes up to {@code max} entries, fewer when several consumers
   * share the mailbox (its share of the queue, at least one) so that competitors keep getting work.
   * Parks the slot as idle and returns false when the mailbox is empty or the slot was detached.
   * The caller holds the slot's buffer lock.
   */
  boolean takeBatch(ConsumerSlot slot, ChunkedQueue buffer, int max) {
    synchronized (this) {
      if (slot.detached) {
        return false;
      }
      if (size == 0) {
        slot.idle = true;
        slot.parkedAt = System.nanoTime();
        idle.add(slot);
        return false;
      }
      int consumers = slots.size();
      int n = consumers > 1 ? Math.min(max, (size + consumers - 1) / consumers) : max;
      n = Math.max(1, Math.min(n, size));
      for (int i = 0; i < n; i++) {
        buffer.addLast(pollFrom(31 - Integer.numberOfLeadingZeros(nonEmpty)));
      }
      slot.buffered = buffer.size();
      return true;
    }
  }

  /**
   * Puts back entries a consumer had buffered but not handed out, ahead of their priorities' queues
   * and in their original order, and wakes idle consumers for them.
   */
  void requeueBuffered(Object[] entries) {
    ArrayList<ConsumerSlot> wake = new ArrayList<>(2);
    synchronized (this) {
      for (int i = entries.length - 1; i >= 0; i--) {
        add(entries[i], priorityOf(entries[i]), true);
      }
      for (int i = 0; i < entries.length; i++) {
        ConsumerSlot s = wakeOne();
        if (s == null) {
          break;
        }
        wake.add(s);
      }
    }
    for (ConsumerSlot s : wake) {
      s.schedule();
    }
  }

  /** A lock-free hint for spinning consumers; exact answers come from {@link #take}. */
  boolean looksEmpty() {
    return size == 0;
  }

  /**
   * Attaches a consumer.
   *
   * @return false if the mailbox was removed from its channel (the caller declares it again)
   */
  boolean attach(ConsumerSlot slot) {
    boolean run;
    synchronized (this) {
      if (removed) {
        return false;
      }
      slots.add(slot);
      run = size > 0;
      if (!run) {
        slot.idle = true;
        slot.parkedAt = System.nanoTime();
        idle.add(slot);
      }
    }
    if (run) {
      slot.schedule();
    }
    return true;
  }

  /** Whether the mailbox was removed from its channel; see {@link #removeIfIdle()}. */
  synchronized boolean isRemoved() {
    return removed;
  }

  /**
   * Marks the mailbox removed if nobody consumes it and nothing waits in it or for a retry; a
   * removed mailbox takes no spore and no consumer. Called by its channel, holding the channel.
   *
   * @return whether it is now removed
   */
  synchronized boolean removeIfIdle() {
    if (size == 0 && pendingRetries == 0 && slots.isEmpty()) {
      removed = true;
    }
    return removed;
  }

  synchronized void detach(ConsumerSlot slot) {
    slot.detached = true;
    slot.idle = false;
    idle.remove(slot);
    slots.remove(slot);
  }

  synchronized int consumers() {
    return slots.size();
  }

  synchronized int size() {
    return size;
  }

  synchronized int backlog() {
    return size + pendingRetries;
  }

  private ConsumerSlot wakeOne() {
    if (idle.isEmpty()) {
      return null;
    }
    ConsumerSlot s = idle.remove(0);
    s.idle = false;
    s.lastGap = System.nanoTime() - s.parkedAt;
    return s;
  }

  private void add(Object entry, int p, boolean front) {
    ChunkedQueue q = queues[p];
    if (q == null) {
      q = new ChunkedQueue();
      queues[p] = q;
    }
    if (front) {
      q.addFirst(entry);
    } else {
      q.addLast(entry);
    }
    nonEmpty |= 1 << p;
    size++;
  }

  private Object pollFrom(int p) {
    ChunkedQueue q = queues[p];
    Object e = q.pollFirst();
    if (q.isEmpty()) {
      nonEmpty &= ~(1 << p);
    }
    size--;
    return e;
  }

  private static int priorityOf(Object entry) {
    return entry instanceof Spore
        ? ((Spore) entry).priority()
        : ((Redelivery) entry).spore().priority();
  }
}
