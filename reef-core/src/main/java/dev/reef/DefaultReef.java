package dev.reef;

import dev.reef.directory.AgentDirectory;
import dev.reef.observe.ConnectionState;
import dev.reef.observe.ObservationScope;
import dev.reef.observe.ReefObservation;
import dev.reef.security.SenderVerification;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.support.DaemonThreads;
import dev.reef.spi.support.Failures;
import dev.reef.task.TaskEngine;
import dev.reef.task.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Reef} over a {@link ReefBackend}: wires the parts and owns the lifecycle. Publishing
 * goes through {@link SporePublisher}, handlers and the asker's mailboxes through {@link
 * DispatcherRegistry}, open asks and gathers live in {@link PendingReplies}, counters in {@link
 * StatsRecorder}, running handlers in {@link IdleTracker}. The {@link ReefChannel} operations of
 * the reef itself are {@link Reef}'s default methods, on its default channel.
 *
 * <p>Why this file is long (~480 lines): it is the reef's composition root: it builds and wires the
 * publisher, dispatchers, pending replies, directory, task engine and instrumentation, and owns
 * their lifecycle (start, close from any thread, drain); each of those is its own class.
 */
final class DefaultReef implements Reef {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultReef.class);

  final ReefBackend backend;
  final ReefOptions options;

  /** The observers and listeners, or null when neither is registered. */
  private final Instrumentation instrumentation;

  private final StatsRecorder stats;
  private final IdleTracker idle = new IdleTracker();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConcurrentHashMap<String, DefaultChannel> channels = new ConcurrentHashMap<>();
  private final PendingReplies replies;
  private final SporePublisher publisher;
  final TracePropagation tracing;
  private final DispatcherRegistry dispatchers;
  private final ReefDirectory directory;
  private final SenderVerification verification;
  private final AtomicReference<TaskEngine> tasks = new AtomicReference<>();
  private final LogThrottle refusedReplyLog = new LogThrottle(Duration.ofSeconds(5));
  private final ErrorResponder errorResponder =
      new ErrorResponder((channel, spore) -> publish(channel, spore, true));

  DefaultReef(ReefBackend backend, ReefOptions options) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.options = Objects.requireNonNull(options, "options");
    Instrumentation in = new Instrumentation(options.observers(), options.listeners());
    this.instrumentation = in.observing() || in.listening() ? in : null;
    this.stats = new StatsRecorder(instrumentation);
    this.replies = new PendingReplies(stats);
    int dedupWindow = options.deduplicationWindow();
    TracePropagation tracing = new TracePropagation(options);
    this.tracing = tracing;
    SenderVerification verification = options.senderVerification();
    this.verification =
        verification.trustsDirectoryKeys()
            ? verification.withPublishedKeys(this::directoryKey)
            : verification;
    this.dispatchers =
        new DispatcherRegistry(
            backend,
            (channel, agent) ->
                new AgentDispatcher(
                    channel,
                    agent,
                    dedupWindow,
                    replies,
                    stats,
                    idle,
                    this.verification,
                    instrumentation,
                    tracing));
    this.directory =
        new ReefDirectory(
            backend,
            (channel, agent) ->
                dispatchers.removeHandlers(
                    channel,
                    agent,
                    new dev.reef.directory.AgentTerminatedException(channel, agent)));
    this.publisher =
        new SporePublisher(
            backend,
            options,
            stats,
            replies,
            idle,
            closed::get,
            directory::isKnownTerminated,
            instrumentation);
    backend.start(new Listener());
    channel(options.defaultChannel()); // validates the name
    if (instrumentation != null) {
      instrumentation.connectionState(ConnectionState.CONNECTED, null, null);
      instrumentation.started(this);
    }
  }

  // ---- Reef ----

  @Override
  public ReefChannel channel(String name) {
    DefaultChannel ch = channels.get(name);
    if (ch != null) {
      return ch;
    }
    ReefNames.requireChannel(name);
    return channels.computeIfAbsent(name, n -> new DefaultChannel(this, n));
  }

  @Override
  public DeadLetters deadLetters(String channel) {
    return new ChannelDeadLetters(backend.deadLetterStore(), channel);
  }

  @Override
  public AgentDirectory directory() {
    requireOpen();
    return directory.get();
  }

  /** The tasks of a channel; the engine is made on first use, on the backend's task log. */
  Tasks tasks(String channel) {
    requireOpen();
    TaskEngine engine = tasks.get();
    if (engine == null) {
      TaskEngine mine = TaskEngine.create(this, backend.taskLogStore());
      engine = tasks.compareAndExchange(null, mine);
      if (engine == null) {
        engine = mine;
        if (closed.get()) {
          mine.close(); // closed meanwhile: close() may have missed it
        }
      } else {
        mine.close();
      }
    }
    return engine.tasks(channel);
  }

  @Override
  public ReefOptions options() {
    return options;
  }

  @Override
  public ReefStats stats() {
    return stats.snapshot(replies.size());
  }

  @Override
  public boolean awaitIdle(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return idle.await(timeout, backend::backlog);
  }

  @Override
  public void close() {
    close(options.closeTimeout());
  }

  @Override
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    replies.failAll(new ReefClosedException("the reef was closed"));
    TaskEngine engine = tasks.get();
    if (engine != null) {
      engine.close();
    }
    directory.close();
    int own = idle.handlersOnThisThread();
    if (own == 0) {
      closeBackend(drainTimeout);
      return;
    }
    // Called by a handler of this reef: the backend would wait for that very handler. Wait for the
    // others here, then let the backend finish closing once the calling handler has returned.
    if (!idle.awaitRunningAtMost(own, drainTimeout)) {
      LOG.warn("closing from a handler: other handlers still run after {}", drainTimeout);
    }
    DaemonThreads.named("reef-close").newThread(() -> closeBackend(drainTimeout)).start();
  }

  private void closeBackend(Duration drainTimeout) {
    try {
      backend.close(drainTimeout);
    } catch (RuntimeException e) {
      LOG.warn("closing the backend failed", e);
    } finally {
      replies.shutdown();
      dispatchers.clear();
      idle.signal();
      if (instrumentation != null) {
        instrumentation.connectionState(ConnectionState.CLOSED, null, null);
        instrumentation.closed(this);
      }
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  void requireOpen() {
    if (closed.get()) {
      throw new ReefClosedException("the reef is closed");
    }
  }

  // ---- publishing and subscriptions, for the channels ----

  CompletableFuture<Spore> publish(String channel, Spore spore, boolean system) {
    return publisher.publish(channel, spore, system, false);
  }

  CompletableFuture<BatchResult> publishAll(String channel, Collection<Spore> spores) {
    return publisher.publishAll(channel, spores);
  }

  Subscription subscribe(
      String channel, String agent, AgentDispatcher.Handler h, SubscribeMode mode) {
    ReefNames.requireAgent("agent", agent);
    Objects.requireNonNull(mode, "mode");
    requireOpen();
    publisher.requireSubscribeAllowed(channel, agent);
    directory.subscribing(channel);
    directory.requireNotTerminated(channel, agent);
    AgentDispatcher d = dispatchers.addHandler(channel, agent, h, mode);
    try {
      directory.requireNotTerminated(channel, agent); // terminated meanwhile
    } catch (ReefException e) {
      dispatchers.removeHandler(d, h);
      throw e;
    }
    return new HandlerSubscription(this, d, h);
  }

  void removeHandler(AgentDispatcher d, AgentDispatcher.Handler h) {
    dispatchers.removeHandler(d, h);
  }

  void unsubscribe(String channel, String agent) {
    ReefNames.requireAgent("agent", agent);
    dispatchers.removeHandlers(channel, agent);
  }

  // ---- asks and gathers ----

  CompletableFuture<Spore> ask(String channel, Spore request, Duration timeout) {
    Objects.requireNonNull(request, "request");
    requirePositive(timeout);
    if (!request.isDirected()) {
      throw new SporeValidationException("to_agent", "an ask needs a recipient");
    }
    if (request.type() != SporeType.REQUEST) {
      throw new SporeValidationException("spore_type", "an ask sends a request");
    }
    // Admitted before anything is opened: a refused ask changes nothing.
    CompletableFuture<Spore> refused = publisher.admit(channel, request, false);
    if (refused != null) {
      return refused;
    }
    PendingReply.Ask p = new PendingReply.Ask(channel, request.fromAgent(), request.id(), timeout);
    p.direct = backend.directReplies(channel);
    ReefObservation observation = observeAsk(channel, request, timeout, p.future);
    if (!open(p, timeout)) {
      return p.future;
    }
    CompletableFuture<Spore> sent;
    ObservationScope scope = observation == null ? null : instrumentation.open(observation);
    try {
      sent = publisher.send(channel, request, p.direct);
    } catch (RuntimeException e) {
      p.fail(e);
      throw e;
    } finally {
      if (scope != null) {
        instrumentation.close(scope);
      }
    }
    sent.whenComplete(
        (s, t) -> {
          if (t != null) {
            p.fail(t);
          }
        });
    return p.future;
  }

  /**
   * Starts the observers' observation of an ask and reports its end (and its timeout to the
   * listeners) when its future completes.
   *
   * @return the observation, or null if no observer is registered
   */
  private ReefObservation observeAsk(
      String channel, Spore request, Duration timeout, CompletableFuture<Spore> future) {
    if (instrumentation == null) {
      return null;
    }
    ReefObservation observation =
        instrumentation.observing()
            ? instrumentation.ask(new Instrumentation.Ask(channel, request, timeout))
            : null;
    future.whenComplete(
        (r, t) -> {
          Throwable error = t == null ? null : Failures.unwrap(t);
          if (error instanceof RequestTimeoutException) {
            instrumentation.askTimedOut(channel, request.fromAgent(), request.id(), timeout);
          }
          if (observation != null) {
            instrumentation.stop(observation, error);
          }
        });
    return observation;
  }

  CompletableFuture<GatherResult> gather(
      String channel, List<Spore> requests, Set<String> expected, GatherOptions o) {
    Spore first = requests.get(0);
    for (Spore r : requests) {
      CompletableFuture<Spore> refused = publisher.admit(channel, r, false);
      if (refused != null) {
        // A refused gather opens nothing.
        return CompletableFuture.failedFuture(refused.handle((s, t) -> t).join());
      }
    }
    PendingReply.Gather p =
        new PendingReply.Gather(channel, first.fromAgent(), first.id(), expected, o.firstN());
    // The responders of an undirected request are not known when it goes out: their responses
    // come to the asker's mailbox.
    p.direct = first.isDirected() && backend.directReplies(channel);
    if (!open(p, o.timeout())) {
      return p.future;
    }
    List<CompletableFuture<Spore>> sends = new ArrayList<>(requests.size());
    try {
      for (Spore r : requests) {
        sends.add(publisher.send(channel, r, p.direct));
      }
    } catch (RuntimeException e) {
      p.fail(e);
      throw e;
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (r, t) -> {
              if (t != null) {
                p.fail(Failures.unwrap(t));
              } else {
                p.published(first);
              }
            });
    return p.future;
  }

  /**
   * Opens a pending reply: registers it and arms its deadline (the timeout counts from here), then,
   * unless its responses come back on the backend's direct reply path, consumes the asker's
   * mailbox, where they arrive.
   *
   * @return false if it already ended (the reef is closed, or the mailbox could not be consumed)
   */
  private boolean open(PendingReply p, Duration timeout) {
    if (closed.get()) {
      p.fail(new ReefClosedException("the reef is closed"));
      return false;
    }
    // The asker's mailbox once consumed for this reply, or ENDED once the reply has ended.
    AtomicReference<Object> mailbox = new AtomicReference<>();
    Runnable release =
        p.direct
            ? NOTHING
            : () -> {
              Object d = mailbox.getAndSet(ENDED);
              if (d instanceof AgentDispatcher) {
                askEnded((AgentDispatcher) d);
              }
            };
    if (!replies.register(p, timeout, release)) {
      return false;
    }
    if (closed.get()) {
      // close() may have failed the open replies before this one registered.
      p.fail(new ReefClosedException("the reef is closed"));
      return false;
    }
    if (!p.direct) {
      AgentDispatcher d;
      try {
        d = dispatchers.openAsk(p.channel, p.asker);
      } catch (RuntimeException e) {
        p.fail(e);
        return false;
      }
      if (!mailbox.compareAndSet(null, d)) {
        askEnded(d); // it ended while the mailbox was being consumed
      }
    }
    return !p.future().isDone();
  }

  private static final Object ENDED = new Object();

  private static final Runnable NOTHING = () -> {};

  private void askEnded(AgentDispatcher d) {
    if (!closed.get()) {
      dispatchers.closeAsk(d);
    }
  }

  /** What the backend reports: events go to the counters, direct replies to the open asks. */
  /** A key an agent published on its directory card ({@code trustDirectoryKeys}), or null. */
  private java.security.PublicKey directoryKey(String channel, String agent, String keyId) {
    return directory.publishedKey(channel, agent, keyId);
  }

  private final class Listener implements BackendListener {
    @Override
    public void onEvent(
        SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
      stats.onEvent(event, channel, agent, spore, error);
      if (!closed.get()) {
        errorResponder.onEvent(event, channel, agent, spore, error);
      }
    }

    @Override
    public void onDirectReply(String channel, Spore response) {
      Spore checked = response;
      if (verification.active()) {
        try {
          checked = verification.check(response, channel);
        } catch (dev.reef.security.SenderRejectedException e) {
          // A direct reply has no mailbox to dead-letter from: counted and dropped.
          String agent = response.toAgent() == null ? response.fromAgent() : response.toAgent();
          stats.count(SporeEvent.DENIED, channel, agent);
          long quiet = refusedReplyLog.admit(e.reason().wireName(), System.nanoTime());
          if (quiet >= 0) {
            LOG.warn(
                "direct reply {} refused ({}): {}{}",
                response.id(),
                e.reason(),
                e.getMessage(),
                quiet > 0 ? " (" + quiet + " more since the last line)" : "");
          }
          return;
        }
      }
      replies.takeDirect(channel, checked);
    }

    @Override
    public void onDirectRepliesLost(String reason) {
      replies.directRepliesLost(reason);
    }

    @Override
    public void onConnectionState(ConnectionState state, String connection, String detail) {
      if (instrumentation != null) {
        instrumentation.connectionState(state, connection, detail);
      }
    }
  }

  static void requirePositive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  @Override
  public String toString() {
    return "Reef{backend=" + backend.getClass().getSimpleName() + ", closed=" + closed.get() + "}";
  }
}
