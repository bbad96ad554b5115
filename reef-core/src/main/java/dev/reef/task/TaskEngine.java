package dev.reef.task;

import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.directory.AgentDirectory;
import dev.reef.spi.TaskLogStore;
import dev.reef.spi.support.DaemonThreads;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The tasks of one reef, per channel: the wiring a {@link Reef} implementation uses for {@link
 * dev.reef.ReefChannel#tasks()} (applications call that, not this). Owns two daemon pools: event
 * delivery (idle threads end after 60 s) and one timer thread; workers run on the backend's
 * delivery threads. Closing it stops serving and watching and fails the results of tasks still
 * waiting with {@link ReefClosedException}; the store stays open (the backend owns it).
 * Thread-safe.
 */
public final class TaskEngine implements AutoCloseable {
  private final Reef reef;
  private final TaskLogStore store;
  private final Map<String, ChannelTasks> channels = new ConcurrentHashMap<>();
  private final ExecutorService events =
      Executors.newCachedThreadPool(DaemonThreads.named("reef-task-events"));
  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(1, DaemonThreads.named("reef-task-timer"));
  private volatile boolean closed;

  private TaskEngine(Reef reef, TaskLogStore store) {
    this.reef = reef;
    this.store = store;
    scheduler.setRemoveOnCancelPolicy(true);
  }

  /**
   * The tasks of a reef on its backend's task log store.
   *
   * @param reef the reef (its channels send and serve the requests, its directory routes by
   *     capability)
   * @param store the backend's {@link dev.reef.spi.ReefBackend#taskLogStore()}
   * @return the engine
   */
  public static TaskEngine create(Reef reef, TaskLogStore store) {
    return new TaskEngine(
        Objects.requireNonNull(reef, "reef"), Objects.requireNonNull(store, "store"));
  }

  /**
   * The tasks of a channel.
   *
   * @param channel a valid channel name
   * @return the same instance for every call with that channel
   */
  public Tasks tasks(String channel) {
    requireOpen();
    ChannelTasks t = channels.get(channel);
    if (t != null) {
      return t;
    }
    var ch = reef.channel(channel); // validates the name
    return channels.computeIfAbsent(
        channel, c -> new ChannelTasks(this, ch, this::directory, store));
  }

  private AgentDirectory directory() {
    return reef.directory();
  }

  void requireOpen() {
    if (closed) {
      throw new ReefClosedException("the reef is closed");
    }
  }

  ExecutorService eventPool() {
    return events;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Stops serving and watching, fails waiting results. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ChannelTasks t : List.copyOf(channels.values())) {
      t.close();
    }
    scheduler.shutdownNow();
    events.shutdown();
  }
}
