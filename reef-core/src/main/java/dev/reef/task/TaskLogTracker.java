package dev.reef.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.ReefException;
import dev.reef.spi.TaskLogStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reef's view of one channel's task log: follows it from its retained start, folds every task's
 * records ({@link TaskAggregate}), counts the ignored and malformed ones, and hands each record of
 * a task to the observers of that task (the requester's submission, a worker's context), in log
 * order, on one serial executor. Keeps the state of at most {@code maxTracked} tasks (the least
 * recently changed are forgotten first) and the last {@code historyCapacity} events of the channel
 * for the channel-wide watches ({@link ChannelTaskWatch}), which it feeds: one follow of the log
 * serves the engine, {@link Tasks#recent(int)} and {@link Tasks#watchAll(TaskListener)}.
 * Thread-safe.
 */
final class TaskLogTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskLogTracker.class);

  /** Receives the records of one task. */
  interface Observer {
    /**
     * One record.
     *
     * @param r the record
     * @param accepted whether the rules applied it (false: ignored)
     * @param after the task's status after it
     */
    void onRecord(TaskRecord r, boolean accepted, TaskStatus after);
  }

  private final String channel;
  private final TaskLogStore store;
  private final Executor reactions;
  private final Map<String, Tracked> tasks;
  private final int historyCapacity;
  private final Deque<TaskEvent> history = new ArrayDeque<>();
  private final List<ChannelTaskWatch> channelWatches = new CopyOnWriteArrayList<>();
  private long sequence;
  private final Map<String, List<Observer>> observers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> markers = new ConcurrentHashMap<>();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final Object lock = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean started =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile AutoCloseable follow;
  private volatile boolean closed;

  /** A tracked task: its fold and the position of its first record among those read. */
  private record Tracked(TaskAggregate aggregate, long firstSeen) {}

  TaskLogTracker(
      String channel, TaskLogStore store, int maxTracked, int historyCapacity, Executor reactions) {
    this.channel = channel;
    this.historyCapacity = historyCapacity;
    this.store = store;
    this.reactions = reactions;
    this.tasks =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Tracked> eldest) {
            return size() > maxTracked;
          }
        };
  }

  /** Starts following the log, once (no lock held: a broker store may do I/O). */
  void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    if (closed) {
      throw new dev.reef.ReefClosedException("the reef's tasks are closed");
    }
    AutoCloseable f = store.follow(channel, this::onBytes);
    follow = f;
    if (closed) {
      closeQuietly(f);
    }
  }

  private void onBytes(byte[] bytes) {
    TaskRecord r;
    try {
      JsonNode n = TaskRecords.parse(bytes);
      String marker = TaskRecords.markerId(n);
      if (marker != null) {
        CompletableFuture<Void> f = markers.remove(marker);
        if (f != null) {
          f.complete(null);
        }
        return;
      }
      r = TaskRecords.decode(n);
    } catch (TaskRecords.MalformedRecordException e) {
      long m = malformed.incrementAndGet();
      LOG.debug(
          "malformed task record on channel '{}' ({} so far): {}", channel, m, e.getMessage());
      return;
    }
    boolean accepted;
    TaskStatus after;
    synchronized (lock) {
      Tracked t = tasks.get(r.taskId());
      if (t == null) {
        t = new Tracked(new TaskAggregate(r.taskId()), sequence++);
        tasks.put(r.taskId(), t);
      }
      TaskAggregate a = t.aggregate();
      accepted = a.apply(r);
      if (a.state() == null) {
        tasks.remove(r.taskId());
        after = null;
      } else {
        after = a.snapshot();
      }
      if (accepted && after != null) {
        // Under the lock, so that a channel watch added now gets each event once: in the
        // history it copies or here.
        TaskEvent event = r.toEvent(after);
        history.addLast(event);
        if (history.size() > historyCapacity) {
          history.removeFirst();
        }
        for (ChannelTaskWatch w : channelWatches) {
          w.offer(event);
        }
      }
    }
    if (!accepted) {
      ignored.incrementAndGet();
    }
    List<Observer> os = observers.get(r.taskId());
    if (os != null && after != null) {
      for (Observer o : os) {
        reactions.execute(() -> o.onRecord(r, accepted, after));
      }
    }
  }

  void observe(String taskId, Observer o) {
    observers.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(o);
  }

  void unobserve(String taskId, Observer o) {
    observers.computeIfPresent(
        taskId,
        (k, list) -> {
          list.remove(o);
          return list.isEmpty() ? null : list;
        });
  }

  /** The status of a task, or null if this tracker has no record of it. */
  TaskStatus status(String taskId) {
    synchronized (lock) {
      Tracked t = tasks.get(taskId);
      return t == null ? null : t.aggregate().snapshot();
    }
  }

  /**
   * The status of the most recently seen tasks (by their first record read), newest first.
   *
   * @param limit the most to return
   */
  List<TaskStatus> recent(int limit) {
    synchronized (lock) {
      // Iterating the values does not change the map's access order.
      List<Tracked> all = new ArrayList<>(tasks.values());
      all.sort(Comparator.comparingLong(Tracked::firstSeen).reversed());
      List<TaskStatus> out = new ArrayList<>(Math.min(limit, all.size()));
      for (int i = 0; i < all.size() && i < limit; i++) {
        out.add(all.get(i).aggregate().snapshot());
      }
      return out;
    }
  }

  /**
   * Adds a channel-wide watch: queues the retained history for it, then feeds it every new event.
   */
  void watchAll(ChannelTaskWatch w) {
    synchronized (lock) {
      for (TaskEvent e : history) {
        w.offer(e);
      }
      channelWatches.add(w);
    }
  }

  void unwatchAll(ChannelTaskWatch w) {
    channelWatches.remove(w);
  }

  /**
   * Waits until this tracker has read every record appended before the call: appends a marker and
   * waits for it to come back.
   *
   * @throws ReefException if it does not within the timeout
   */
  void sync(Duration timeout) {
    start();
    String id = UUID.randomUUID().toString();
    CompletableFuture<Void> back = new CompletableFuture<>();
    markers.put(id, back);
    try {
      store.append(channel, TaskRecords.marker(id)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      back.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while reading the task log of '" + channel + "'", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReefException(
          "could not read the task log of channel '" + channel + "' within " + timeout, e);
    } finally {
      markers.remove(id);
    }
  }

  CompletableFuture<Void> append(TaskRecord r) {
    return store.append(channel, TaskRecords.encode(r));
  }

  long ignored() {
    return ignored.get();
  }

  long malformed() {
    return malformed.get();
  }

  @Override
  public void close() {
    closed = true;
    AutoCloseable f = follow;
    if (f != null) {
      closeQuietly(f);
    }
    markers
        .values()
        .forEach(m -> m.completeExceptionally(new dev.reef.ReefClosedException("closed")));
  }

  private void closeQuietly(AutoCloseable f) {
    try {
      f.close();
    } catch (Exception e) {
      LOG.debug("closing the task log follow of '{}' failed", channel, e);
    }
  }
}
