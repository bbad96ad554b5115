package dev.reef.task;

import dev.reef.ReefChannel;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentState;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryEvent;
import dev.reef.directory.DirectoryQuery;
import dev.reef.spi.TaskLogStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Tasks} of one channel of a reef. */
final class ChannelTasks implements Tasks {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelTasks.class);

  /** The most tasks whose state a reef keeps per channel ({@link Tasks#MAX_RECENT}). */
  static final int MAX_TRACKED_TASKS = Tasks.MAX_RECENT;

  /** How long {@link #status(String)} waits to read the log up to now. */
  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final TaskEngine engine;
  private final ReefChannel channel;
  private final Supplier<AgentDirectory> directory;
  private final TaskLogStore store;
  private final SerialExecutor reactions;
  private final TaskLogTracker tracker;
  private final TaskStatsRecorder stats = new TaskStatsRecorder();
  private final Map<String, Submission> submissions = new ConcurrentHashMap<>();
  private final Set<TaskServer> servers = ConcurrentHashMap.newKeySet();
  private final Set<TaskWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformedRequests = new AtomicLong();
  private final AtomicBoolean watchingAgents = new AtomicBoolean();
  private volatile AutoCloseable agentWatch;

  ChannelTasks(
      TaskEngine engine,
      ReefChannel channel,
      Supplier<AgentDirectory> directory,
      TaskLogStore store) {
    this.engine = engine;
    this.channel = channel;
    this.directory = directory;
    this.store = store;
    this.reactions = new SerialExecutor(engine.eventPool(), Integer.MAX_VALUE);
    this.tracker =
        new TaskLogTracker(
            channel.name(), store, MAX_TRACKED_TASKS, Tasks.WATCH_ALL_HISTORY, reactions);
  }

  // ---- Tasks ----

  @Override
  public String channel() {
    return channel.name();
  }

  @Override
  public TaskHandle submit(TaskRequest request) {
    engine.requireOpen();
    tracker.start();
    Submission s = new Submission(this, request);
    if (submissions.putIfAbsent(request.taskId(), s) != null) {
      throw new IllegalStateException("task " + request.taskId() + " is already submitted here");
    }
    try {
      s.start();
    } catch (RuntimeException e) {
      submissions.remove(request.taskId());
      tracker.unobserve(request.taskId(), s);
      if (!(e instanceof CompletionException)) {
        throw e;
      }
      throw e.getCause() instanceof ReefException
          ? (ReefException) e.getCause()
          : new ReefException("could not submit task " + request.taskId(), e.getCause());
    }
    TaskStatus initial =
        new TaskStatus(
            request.taskId(),
            TaskState.SUBMITTED,
            1,
            request.to(),
            request.capability(),
            null,
            0,
            Map.of(),
            null,
            0,
            null,
            null,
            false,
            null,
            null,
            null);
    return new DefaultTaskHandle(this, s, initial);
  }

  @Override
  public TaskServing serve(String agent, TaskWorker worker) {
    engine.requireOpen();
    dev.reef.ReefNames.requireAgent("agent", agent);
    java.util.Objects.requireNonNull(worker, "worker");
    // Read the log up to now first, so that a request of a task that already ended is skipped.
    tracker.sync(SYNC_TIMEOUT);
    TaskServer server = new TaskServer(this, agent, worker);
    servers.add(server);
    server.start();
    return server;
  }

  @Override
  public TaskWatch watch(String taskId, TaskListener listener) {
    engine.requireOpen();
    dev.reef.ReefNames.requireId("task_id", taskId);
    java.util.Objects.requireNonNull(listener, "listener");
    DefaultTaskWatch[] self = new DefaultTaskWatch[1];
    DefaultTaskWatch w =
        new DefaultTaskWatch(
            channel.name(), taskId, listener, engine.eventPool(), () -> watches.remove(self[0]));
    self[0] = w;
    watches.add(w);
    w.open(store);
    return w;
  }

  @Override
  public List<TaskStatus> recent(int limit) {
    engine.requireOpen();
    if (limit < 1 || limit > MAX_TRACKED_TASKS) {
      throw new IllegalArgumentException(
          "limit must be 1.." + MAX_TRACKED_TASKS + ", was " + limit);
    }
    tracker.sync(SYNC_TIMEOUT);
    return tracker.recent(limit);
  }

  @Override
  public TaskWatch watchAll(TaskListener listener) {
    engine.requireOpen();
    java.util.Objects.requireNonNull(listener, "listener");
    tracker.start();
    ChannelTaskWatch[] self = new ChannelTaskWatch[1];
    ChannelTaskWatch w =
        new ChannelTaskWatch(
            channel.name(),
            listener,
            engine.eventPool(),
            () -> {
              tracker.unwatchAll(self[0]);
              watches.remove(self[0]);
            });
    self[0] = w;
    watches.add(w);
    tracker.watchAll(w);
    return w;
  }

  @Override
  public Flow.Publisher<TaskEvent> events(String taskId) {
    dev.reef.ReefNames.requireId("task_id", taskId);
    return new TaskEventPublisher(this, taskId);
  }

  @Override
  public TaskStatus status(String taskId) {
    engine.requireOpen();
    dev.reef.ReefNames.requireId("task_id", taskId);
    tracker.start();
    TaskStatus s = tracker.status(taskId);
    if (s == null) {
      tracker.sync(SYNC_TIMEOUT);
      s = tracker.status(taskId);
    }
    if (s == null) {
      throw new UnknownTaskException(channel.name(), taskId);
    }
    return s;
  }

  @Override
  public CompletableFuture<Void> cancel(String taskId) {
    TaskStatus s;
    try {
      s = status(taskId);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    return append(TaskRecord.of(taskId, TaskEventType.CANCEL_REQUESTED, s.attempt(), null));
  }

  @Override
  public TaskStatistics statistics() {
    return stats.snapshot();
  }

  @Override
  public long ignoredRecords() {
    return tracker.ignored();
  }

  @Override
  public long malformedRecords() {
    return tracker.malformed() + malformedRequests.get();
  }

  // ---- for the engine's parts ----

  TaskLogTracker tracker() {
    return tracker;
  }

  TaskStatsRecorder stats() {
    return stats;
  }

  ReefChannel channelApi() {
    return channel;
  }

  Executor eventPool() {
    return engine.eventPool();
  }

  CompletableFuture<Void> append(TaskRecord r) {
    return tracker.append(r);
  }

  void react(Runnable r) {
    reactions.execute(r);
  }

  ScheduledFuture<?> schedule(Runnable r, long delay, TimeUnit unit) {
    return engine.scheduler().schedule(r, delay, unit);
  }

  void finished(Submission s) {
    submissions.remove(s.taskId(), s);
  }

  void serverClosed(TaskServer s) {
    servers.remove(s);
  }

  void malformedRequest(Spore spore) {
    long n = malformedRequests.incrementAndGet();
    LOG.debug("malformed task request {} on '{}' ({} so far)", spore.id(), channel.name(), n);
  }

  /** The agent for an attempt of a capability task, or null if no live agent is left. */
  String chooseAgent(String capability, Set<String> excluded, WorkerSelector selector) {
    AgentDirectory d = directory.get();
    List<String> candidates =
        d.discover(channel.name(), DirectoryQuery.capability(capability).liveOnly()).stream()
            .map(DirectoryEntry::name)
            .filter(n -> !excluded.contains(n))
            .sorted()
            .collect(Collectors.toList());
    if (candidates.isEmpty()) {
      return null;
    }
    String chosen = selector.select(capability, List.copyOf(candidates), stats.snapshot());
    if (chosen == null || !candidates.contains(chosen)) {
      throw new ReefException(
          "the worker selector chose '" + chosen + "', not one of the candidates " + candidates);
    }
    return chosen;
  }

  /**
   * Follows the directory, once, so that an attempt whose agent is terminated or loses its last
   * live instance fails at once (and is retried) instead of waiting for its timeout.
   */
  void watchAgents() {
    if (!watchingAgents.compareAndSet(false, true)) {
      return;
    }
    try {
      AgentDirectory d = directory.get();
      agentWatch = d.watch(channel.name(), e -> react(() -> agentChanged(d, e)));
    } catch (RuntimeException e) {
      LOG.debug(
          "no directory for channel '{}': lost agents are found by timeouts only",
          channel.name(),
          e);
    }
  }

  private void agentChanged(AgentDirectory d, DirectoryEvent e) {
    if (e.entry() != null && e.entry().state() == AgentState.ACTIVE) {
      return;
    }
    AgentState now;
    try {
      now = d.status(channel.name(), e.agent()).state();
    } catch (RuntimeException ex) {
      return;
    }
    if (now == AgentState.TERMINATED || now == AgentState.IDLE) {
      for (Submission s : submissions.values()) {
        s.agentGone(e.agent());
      }
    }
  }

  void close() {
    for (TaskServer s : List.copyOf(servers)) {
      s.close();
    }
    for (TaskWatch w : List.copyOf(watches)) {
      w.close();
    }
    AutoCloseable a = agentWatch;
    if (a != null) {
      try {
        a.close();
      } catch (Exception e) {
        LOG.debug("closing the directory watch failed", e);
      }
    }
    tracker.close();
    for (Submission s : List.copyOf(submissions.values())) {
      s.abandon();
    }
    submissions.clear();
  }
}
