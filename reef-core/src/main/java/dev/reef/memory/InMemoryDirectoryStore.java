package dev.reef.memory;

import dev.reef.ReefClosedException;
import dev.reef.spi.DirectoryStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@link DirectoryStore} of the in-memory backend. The logs belong to an {@link InMemoryHub}:
 * every store made for one hub (one per directory, as one per process) shares them, so several
 * in-memory reefs on one hub see one directory. Records are handed to followers synchronously, in
 * append order, on the appending thread.
 *
 * <p>Retention: the lease log of a channel keeps records for {@code leaseRetention} (5 minutes by
 * default); the record log keeps the last {@value #MAX_RECORDS} records.
 */
public final class InMemoryDirectoryStore implements DirectoryStore {
  /** The most records kept in one channel's record log. */
  public static final int MAX_RECORDS = 1_000_000;

  /** The default retention of the lease logs. */
  public static final Duration DEFAULT_LEASE_RETENTION = Duration.ofMinutes(5);

  private static final Map<InMemoryHub, Logs> LOGS = new WeakHashMap<>();

  /** One log: its retained records and its followers, under the log's monitor. */
  private static final class OneLog {
    private final ArrayDeque<long[]> times = new ArrayDeque<>();
    private final ArrayDeque<byte[]> records = new ArrayDeque<>();
    private final List<Consumer<byte[]>> followers = new ArrayList<>();

    synchronized void append(byte[] record, long retentionNanos, int maxRecords) {
      long now = System.nanoTime();
      while (!records.isEmpty()
          && (records.size() >= maxRecords || now - times.peekFirst()[0] > retentionNanos)) {
        records.pollFirst();
        times.pollFirst();
      }
      records.addLast(record);
      times.addLast(new long[] {now});
      for (Consumer<byte[]> f : followers) {
        f.accept(record);
      }
    }

    synchronized void follow(Consumer<byte[]> sink) {
      for (byte[] r : records) {
        sink.accept(r);
      }
      followers.add(sink);
    }

    synchronized void unfollow(Consumer<byte[]> sink) {
      followers.remove(sink);
    }
  }

  /** The logs of one hub, by channel and log. */
  private static final class Logs {
    final Map<String, OneLog> byKey = new ConcurrentHashMap<>();

    OneLog log(String channel, Log log) {
      return byKey.computeIfAbsent(log + "/" + channel, k -> new OneLog());
    }
  }

  private final InMemoryHub hub;
  private final Logs logs;
  private final long leaseRetentionNanos;
  private final List<Runnable> unfollows = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private InMemoryDirectoryStore(InMemoryHub hub, Duration leaseRetention) {
    this.hub = hub;
    this.leaseRetentionNanos = leaseRetention.toNanos();
    synchronized (LOGS) {
      this.logs = LOGS.computeIfAbsent(hub, h -> new Logs());
    }
  }

  /**
   * A store on a hub's directory, with the default lease retention.
   *
   * @param hub the hub whose backends the directory describes
   * @return the store
   */
  public static InMemoryDirectoryStore forHub(InMemoryHub hub) {
    return forHub(hub, DEFAULT_LEASE_RETENTION);
  }

  /**
   * A store on a hub's directory.
   *
   * @param hub the hub whose backends the directory describes
   * @param leaseRetention how long lease records are kept; longer than any lease
   * @return the store
   */
  public static InMemoryDirectoryStore forHub(InMemoryHub hub, Duration leaseRetention) {
    Objects.requireNonNull(hub, "hub");
    if (leaseRetention.isNegative() || leaseRetention.isZero()) {
      throw new IllegalArgumentException("leaseRetention must be positive");
    }
    return new InMemoryDirectoryStore(hub, leaseRetention);
  }

  @Override
  public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new ReefClosedException("the directory store is closed"));
    }
    long retention = log == Log.LEASES ? leaseRetentionNanos : Long.MAX_VALUE;
    logs.log(channel, log).append(record.clone(), retention, MAX_RECORDS);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink) {
    if (closed) {
      throw new ReefClosedException("the directory store is closed");
    }
    OneLog one = logs.log(channel, log);
    Consumer<byte[]> mine = r -> sink.accept(r.clone());
    one.follow(mine);
    Runnable unfollow = () -> one.unfollow(mine);
    unfollows.add(unfollow);
    return () -> {
      unfollows.remove(unfollow);
      unfollow.run();
    };
  }

  @Override
  public @Nullable MailboxInfo mailbox(String channel, String agent) {
    if (!hub.agents(channel).contains(agent)) {
      return null;
    }
    Mailbox mb = hub.channel(channel).mailbox(agent);
    return mb == null ? null : new MailboxInfo(mb.size(), mb.consumers());
  }

  @Override
  public void close() {
    closed = true;
    for (Runnable r : unfollows) {
      r.run();
    }
    unfollows.clear();
  }
}
