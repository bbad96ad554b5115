package dev.reef.memory;

import dev.reef.ReefClosedException;
import dev.reef.spi.TaskLogStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskLogStore} of the in-memory backend. The logs belong to an {@link InMemoryHub}:
 * every store made for one hub (one per backend) shares them, so several in-memory reefs on one hub
 * see the same tasks. Records are handed to followers on the appending thread, never under a lock a
 * sink could deadlock on: a sink that appends (to any channel) gets the new record after it
 * returns, in order.
 *
 * <p>Retention, per channel: the last {@code maxRecords} records ({@value #DEFAULT_MAX_RECORDS} by
 * default) that are younger than {@code maxAge} ({@link #DEFAULT_MAX_AGE} by default); older ones
 * are dropped when a record is appended. A follower therefore reads at most that history.
 */
public final class InMemoryTaskLogStore implements TaskLogStore {
  /** The default number of records kept per channel. */
  public static final int DEFAULT_MAX_RECORDS = 100_000;

  /** The default age after which records are dropped: 24 hours. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryTaskLogStore.class);
  private static final Map<InMemoryHub, Logs> LOGS = new WeakHashMap<>();

  /** The logs of one hub, by channel. */
  private static final class Logs {
    final Map<String, OneLog> byChannel = new ConcurrentHashMap<>();
  }

  /** One channel's log: retained records in a ring, with their positions, and its followers. */
  private static final class OneLog {
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private byte[][] records = new byte[16][];
    private long[] times = new long[16];
    private int head;
    private int size;

    /** Position of the first retained record; positions grow by one per append. */
    private long first;

    void append(byte[] record, int maxRecords, long maxAgeNanos) {
      long now = System.nanoTime();
      synchronized (this) {
        while (size > 0 && (size >= maxRecords || now - times[head] > maxAgeNanos)) {
          records[head] = null;
          head = (head + 1) % records.length;
          size--;
          first++;
        }
        if (size == records.length) {
          grow();
        }
        int tail = (head + size) % records.length;
        records[tail] = record;
        times[tail] = now;
        size++;
      }
      for (Follower f : followers) {
        f.drain();
      }
    }

    private void grow() {
      int n = records.length * 2;
      byte[][] r = new byte[n][];
      long[] t = new long[n];
      for (int i = 0; i < size; i++) {
        r[i] = records[(head + i) % records.length];
        t[i] = times[(head + i) % records.length];
      }
      records = r;
      times = t;
      head = 0;
    }

    /** The record at a position, or the first retained one after it; null past the end. */
    synchronized Entry at(long position) {
      long p = Math.max(position, first);
      long index = p - first;
      if (index >= size) {
        return null;
      }
      return new Entry(p, records[(int) ((head + index) % records.length)]);
    }

    synchronized long end() {
      return first + size;
    }
  }

  private record Entry(long position, byte[] record) {}

  /** A follow: a cursor drained by one thread at a time. */
  private static final class Follower {
    private final OneLog log;
    private final Consumer<byte[]> sink;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long next;

    Follower(OneLog log, Consumer<byte[]> sink) {
      this.log = log;
      this.sink = sink;
    }

    void drain() {
      while (!closed) {
        if (!draining.compareAndSet(false, true)) {
          return; // the thread draining now (maybe this one, from inside the sink) sees the record
        }
        try {
          Entry e;
          while (!closed && (e = log.at(next)) != null) {
            next = e.position() + 1;
            try {
              sink.accept(e.record().clone());
            } catch (RuntimeException ex) {
              LOG.warn("a task log follower failed on a record; it goes on with the next", ex);
            }
          }
        } finally {
          draining.set(false);
        }
        if (next >= log.end()) {
          return;
        }
      }
    }
  }

  private final Logs logs;
  private final int maxRecords;
  private final long maxAgeNanos;
  private final List<Follower> mine = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private InMemoryTaskLogStore(InMemoryHub hub, int maxRecords, Duration maxAge) {
    this.maxRecords = maxRecords;
    this.maxAgeNanos = maxAge.toNanos();
    synchronized (LOGS) {
      this.logs = LOGS.computeIfAbsent(hub, h -> new Logs());
    }
  }

  /**
   * A store on a hub's task logs, with the default retention.
   *
   * @param hub the hub
   * @return the store
   */
  public static InMemoryTaskLogStore forHub(InMemoryHub hub) {
    return forHub(hub, DEFAULT_MAX_RECORDS, DEFAULT_MAX_AGE);
  }

  /**
   * A store on a hub's task logs. Retention applies to the appends this store makes; stores of one
   * hub should use the same.
   *
   * @param hub the hub
   * @param maxRecords the most records kept per channel; positive
   * @param maxAge how long records are kept; positive
   * @return the store
   */
  public static InMemoryTaskLogStore forHub(InMemoryHub hub, int maxRecords, Duration maxAge) {
    Objects.requireNonNull(hub, "hub");
    if (maxRecords <= 0) {
      throw new IllegalArgumentException("maxRecords must be positive: " + maxRecords);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
    }
    return new InMemoryTaskLogStore(hub, maxRecords, maxAge);
  }

  private OneLog log(String channel) {
    return logs.byChannel.computeIfAbsent(
        Objects.requireNonNull(channel, "channel"), c -> new OneLog());
  }

  @Override
  public CompletableFuture<Void> append(String channel, byte[] record) {
    Objects.requireNonNull(record, "record");
    if (closed) {
      return CompletableFuture.failedFuture(
          new ReefClosedException("the task log store is closed"));
    }
    log(channel).append(record.clone(), maxRecords, maxAgeNanos);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public AutoCloseable follow(String channel, Consumer<byte[]> sink) {
    Objects.requireNonNull(sink, "sink");
    if (closed) {
      throw new ReefClosedException("the task log store is closed");
    }
    OneLog one = log(channel);
    Follower f = new Follower(one, sink);
    mine.add(f);
    one.followers.add(f);
    f.drain();
    return () -> unfollow(f);
  }

  private void unfollow(Follower f) {
    f.closed = true;
    f.log.followers.remove(f);
    mine.remove(f);
  }

  @Override
  public void close() {
    closed = true;
    for (Follower f : mine) {
      unfollow(f);
    }
  }
}
