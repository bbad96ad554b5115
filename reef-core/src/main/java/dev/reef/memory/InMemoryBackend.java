package dev.reef.memory;

import dev.reef.MailboxFullException;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnknownAgentException;
import dev.reef.memory.ConsumerSlot.Pending;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ConsumingReceiver;
import dev.reef.spi.DeadLetterException;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded backend: every agent in this JVM, no broker. The default of {@link
 * dev.reef.Reef#inMemory()}.
 *
 * <pre>{@code
 * InMemoryHub hub = InMemoryHub.builder().mailboxCapacity(50_000).build();
 * Reef one = Reef.create(InMemoryBackend.builder().hub(hub).build());
 * Reef two = Reef.create(InMemoryBackend.builder().hub(hub).retryPolicy(RetryPolicy.noRetries()).build());
 * }</pre>
 *
 * <p>Semantics (DESIGN §3): bounded mailboxes per (channel, agent) with an {@link OverflowPolicy};
 * a backlog is served by priority, higher first, and in publish order within a priority (so per
 * sender), except that, like an AMQP consumer's prefetch, a consumer takes up to 32 spores at a
 * time (within its prefetch room) and delivers that batch before a higher-priority spore arriving
 * later; expired spores are never delivered (checked at publish and at delivery, counted as {@link
 * SporeEvent#EXPIRED} and dead-lettered with reason {@code expired}; a spore already expired at
 * publish is accepted, counted and dead-lettered without entering a mailbox); a failed delivery is
 * retried after the {@link RetryPolicy}'s backoff and then dead-lettered into the hub's bounded
 * dead-letter list; undirected spores go to every mailbox on the channel but the sender's; a
 * directed spore to an agent without a mailbox fails with {@link UnknownAgentException}. A mailbox
 * exists once declared or consumed and keeps its spores while nobody consumes it.
 *
 * <p>Threads: each backend drains the mailboxes it consumes on its own bounded worker pool ({@link
 * Builder#workerThreads(int)}), one handler call at a time per mailbox, so one slow or failing
 * agent occupies at most one worker and does not stall others (as long as fewer agents block than
 * there are workers). Asynchronous handlers may keep up to {@link Builder#prefetch(int)} spores of
 * a mailbox unsettled at once. Retries are timed by one scheduler thread. Several backends built on
 * one {@link InMemoryHub} share its mailboxes like several processes share a broker: backends
 * consuming the same mailbox compete for its spores (each spore goes to one of them).
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #start(BackendListener)} once (the owning reef
 * does it), then {@link #close(Duration)}; spores waiting in the hub's mailboxes stay there for
 * other backends of the same hub.
 */
public final class InMemoryBackend implements ReefBackend {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBackend.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Default {@link Builder#prefetch(int)}: {@value}. */
  public static final int DEFAULT_PREFETCH = 64;

  private final InMemoryHub hub;
  private final boolean privateHub;
  private final RetryPolicy retryPolicy;
  private final int workerThreads;
  private final int prefetch;
  private final Map<Mailbox, ConsumerSlot> slots = new ConcurrentHashMap<>();
  private final Map<Redelivery, Mailbox> pendingRetries = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile BackendListener listener = BackendListener.NONE;
  private volatile boolean accepting;
  private ThreadPoolExecutor workers;
  private ScheduledThreadPoolExecutor scheduler;

  private InMemoryBackend(Builder b) {
    this.hub = b.hub != null ? b.hub : b.hubBuilder.build();
    this.privateHub = b.hub == null;
    this.retryPolicy = b.retryPolicy;
    this.workerThreads = b.workerThreads;
    this.prefetch = b.prefetch;
  }

  /**
   * A backend with default settings on a new private hub.
   *
   * @return a new, unstarted backend
   */
  public static InMemoryBackend create() {
    return builder().build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The hub this backend works on; build more backends on it to simulate more processes.
   *
   * @return the hub
   */
  public InMemoryHub hub() {
    return hub;
  }

  /**
   * The retry policy of deliveries to this backend's consumers.
   *
   * @return the policy
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * A snapshot of the hub's dead letters, oldest first (at most {@link
   * InMemoryHub#maxDeadLetters()}).
   *
   * @return an immutable list
   */
  public List<DeadLetter> deadLetters() {
    return hub.deadLetters();
  }

  @Override
  public void start(BackendListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("backend already started");
    }
    int id = INSTANCES.incrementAndGet();
    this.listener = listener;
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            workerThreads,
            workerThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("reef-mem-" + id + "-worker-"));
    pool.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, daemonThreads("reef-mem-" + id + "-retry-"));
    timer.setRemoveOnCancelPolicy(true);
    this.workers = pool;
    this.scheduler = timer;
    this.accepting = true;
  }

  @Override
  public CompletableFuture<Spore> publish(String channel, Spore spore) {
    requireStarted();
    if (!accepting) {
      return CompletableFuture.failedFuture(new ReefClosedException("the backend is closed"));
    }
    HubChannel ch = hub.channel(channel);
    if (spore.expiresAt() != null && spore.isExpired()) {
      String agent = spore.isDirected() ? spore.toAgent() : spore.fromAgent();
      emit(SporeEvent.EXPIRED, channel, agent, spore, null);
      hub.deadLetter(new DeadLetter(channel, agent, spore, DeadLetter.REASON_EXPIRED, null, 0));
      return CompletableFuture.completedFuture(spore);
    }
    if (spore.isDirected()) {
      Mailbox mb = ch.mailbox(spore.toAgent());
      if (mb == null) {
        emit(SporeEvent.UNROUTABLE, channel, spore.toAgent(), spore, null);
        return CompletableFuture.failedFuture(new UnknownAgentException(channel, spore.toAgent()));
      }
      if (!mb.offer(spore, this)) {
        return rejected(mb, spore);
      }
      return CompletableFuture.completedFuture(spore);
    }
    CompletableFuture<Spore> failure = null;
    String from = spore.fromAgent();
    for (Mailbox mb : ch.all()) {
      if (!mb.agent.equals(from) && !mb.offer(spore, this) && failure == null) {
        failure = rejected(mb, spore);
      }
    }
    return failure != null ? failure : CompletableFuture.completedFuture(spore);
  }

  private CompletableFuture<Spore> rejected(Mailbox mb, Spore spore) {
    emit(SporeEvent.REJECTED, mb.channelName, mb.agent, spore, null);
    return CompletableFuture.failedFuture(
        new MailboxFullException(mb.channelName, mb.agent, hub.mailboxCapacity()));
  }

  @Override
  public void declareMailbox(String channel, String agent) {
    requireStarted();
    ReefNames.requireChannel(channel);
    ReefNames.requireAgent("agent", agent);
    hub.channel(channel).declare(agent);
  }

  @Override
  public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
    requireStarted();
    ReefNames.requireChannel(channel);
    ReefNames.requireAgent("agent", agent);
    Objects.requireNonNull(consumer, "consumer");
    if (!accepting) {
      throw new ReefClosedException("the backend is closed");
    }
    Mailbox mb = hub.channel(channel).declare(agent);
    ConsumerSlot slot = new ConsumerSlot(mb, this, consumer, prefetch);
    if (slots.putIfAbsent(mb, slot) != null) {
      throw new IllegalStateException(
          "this backend already consumes the mailbox of '" + agent + "' on '" + channel + "'");
    }
    mb.attach(slot);
    return slot;
  }

  @Override
  public MailboxReceiver receiver(String channel, String agent) {
    return ConsumingReceiver.open(this, channel, agent);
  }

  @Override
  public Set<String> knownAgents(String channel) {
    return hub.agents(channel);
  }

  @Override
  public long backlog() {
    long n = 0;
    for (ConsumerSlot slot : slots.values()) {
      // Read in the order entries move (mailbox, buffer, current, pending), so that an entry
      // moving on meanwhile is counted twice at worst, never missed.
      n += slot.mailbox.backlog();
      n += slot.buffered;
      if (slot.current.get() != null) {
        n++;
      }
      n += slot.pending.size();
    }
    return n;
  }

  @Override
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (!started.get()) {
      closed.set(true);
      return;
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    accepting = false;
    List<ConsumerSlot> all = new ArrayList<>(slots.values());
    for (ConsumerSlot slot : all) {
      slot.mailbox.detach(slot);
      slot.returnBuffered();
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    while (anyInFlight(all) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(1_000_000);
    }
    for (ConsumerSlot slot : all) {
      List<Object> unsettled = new ArrayList<>();
      Object entry = slot.current.getAndSet(null);
      if (entry != null) {
        unsettled.add(entry);
      }
      for (Pending p : new ArrayList<>(slot.pending)) {
        if (slot.pending.remove(p)) {
          unsettled.add(p.entry);
        }
      }
      if (!unsettled.isEmpty()) {
        LOG.warn(
            "closing: {} handler call(s) of agent '{}' on channel '{}' did not finish within {};"
                + " their spores return to the mailbox",
            unsettled.size(),
            slot.mailbox.agent,
            slot.mailbox.channelName,
            drainTimeout);
        for (Object e : unsettled) {
          slot.mailbox.requeue(e, false);
        }
      }
      slots.remove(slot.mailbox, slot);
    }
    scheduler.shutdownNow();
    for (Redelivery pending : new ArrayList<>(pendingRetries.keySet())) {
      retryDue(pending); // back into its mailbox at once, for the hub's other consumers
    }
    workers.shutdown();
    if (privateHub) {
      long left = hub.totalDepth();
      if (left > 0) {
        LOG.warn(
            "closing the in-memory backend with {} undelivered spore(s) in its private hub;"
                + " they are discarded (share an InMemoryHub to keep them)",
            left);
      }
    }
  }

  private static boolean anyInFlight(List<ConsumerSlot> all) {
    for (ConsumerSlot slot : all) {
      if (slot.hasUnsettled()) {
        return true;
      }
    }
    return false;
  }

  // ---- delivery, called by ConsumerSlot ----

  void execute(ConsumerSlot slot) {
    try {
      workers.execute(slot);
    } catch (RejectedExecutionException e) {
      // closed: the slot is detached and its spores stay in the mailbox
    }
  }

  /** Whether other slots wait for a worker (then a busy slot yields after a batch). */
  boolean othersWaiting() {
    return !workers.getQueue().isEmpty();
  }

  void detach(ConsumerSlot slot) {
    slot.mailbox.detach(slot);
    slot.returnBuffered();
    slots.remove(slot.mailbox, slot);
  }

  /**
   * Hands one entry to the slot's consumer.
   *
   * @return true if it was settled synchronously, false if an asynchronous handler is pending
   */
  boolean handle(ConsumerSlot slot, Object entry) {
    Spore spore;
    int attempt;
    if (entry instanceof Spore) {
      spore = (Spore) entry;
      attempt = 1;
    } else {
      Redelivery r = (Redelivery) entry;
      spore = r.spore();
      attempt = r.attempt();
    }
    Mailbox mb = slot.mailbox;
    if (spore.expiresAt() != null && spore.isExpired()) {
      emit(SporeEvent.EXPIRED, mb.channelName, mb.agent, spore, null);
      hub.deadLetter(mb, spore, DeadLetter.REASON_EXPIRED, null, attempt - 1);
      slot.current.compareAndSet(entry, null);
      return true;
    }
    emit(SporeEvent.DELIVERED, mb.channelName, mb.agent, spore, null);
    CompletionStage<?> stage;
    try {
      stage = slot.consumer.deliver(spore, attempt);
      if (stage == null) {
        throw new NullPointerException("the consumer returned a null stage");
      }
    } catch (Throwable t) {
      settle(slot, entry, spore, attempt, t, null);
      return true;
    }
    if (stage instanceof CompletableFuture) {
      CompletableFuture<?> cf = (CompletableFuture<?>) stage;
      if (cf.isDone()) {
        settle(
            slot,
            entry,
            spore,
            attempt,
            cf.isCompletedExceptionally() ? failureOf(cf) : null,
            null);
        return true;
      }
    }
    // Still open: track it as pending (before it stops being current, so the backlog never misses
    // it) and let the slot go on with the next spore.
    ConsumerSlot.Pending p = new ConsumerSlot.Pending(entry);
    slot.pending.add(p);
    slot.pendingAdded();
    if (!slot.current.compareAndSet(entry, null)) {
      slot.pending.remove(p); // close gave it back to the mailbox meanwhile
      slot.pendingDone();
      return false;
    }
    stage.whenComplete(
        (r, t) -> {
          settle(slot, entry, spore, attempt, t, p);
          slot.pendingDone();
        });
    return true;
  }

  /**
   * Settles one delivery: counts it, schedules a retry or dead-letters it. Events and dead letters
   * are recorded before the entry stops counting as unsettled, so that an empty backlog implies
   * complete counters. If close already gave the entry back to the mailbox, nothing happens: it
   * will be delivered again.
   *
   * @param p the pending record of an asynchronous delivery, or null for the slot's current one
   */
  private void settle(
      ConsumerSlot slot, Object entry, Spore spore, int attempt, Throwable error, Pending p) {
    if (p == null ? slot.current.get() != entry : !slot.pending.contains(p)) {
      return;
    }
    Mailbox mb = slot.mailbox;
    if (error == null) {
      emit(SporeEvent.HANDLED, mb.channelName, mb.agent, spore, null);
      release(slot, entry, p);
      return;
    }
    Throwable cause = unwrap(error);
    String text = describe(cause);
    if (!(cause instanceof DeadLetterException) && retryPolicy.shouldRetry(attempt)) {
      mb.retryScheduled();
      if (!release(slot, entry, p)) {
        mb.retryCancelled();
        return;
      }
      emit(SporeEvent.RETRIED, mb.channelName, mb.agent, spore, cause);
      Redelivery next = new Redelivery(spore, attempt + 1, text);
      Duration backoff = retryPolicy.backoff(attempt);
      try {
        pendingRetries.put(next, mb);
        scheduler.schedule(() -> retryDue(next), backoff.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        retryDue(next); // closing: keep it in the mailbox for other consumers
      }
    } else {
      LOG.warn(
          "dead-lettering spore {} of agent '{}' on channel '{}' after {} attempt(s): {}",
          spore.id(),
          mb.agent,
          mb.channelName,
          attempt,
          text);
      emit(SporeEvent.DEAD_LETTERED, mb.channelName, mb.agent, spore, cause);
      hub.deadLetter(
          mb,
          spore,
          DeadLetterException.reasonOr(cause, DeadLetter.REASON_HANDLER_FAILED),
          text,
          attempt);
      release(slot, entry, p);
    }
  }

  private static boolean release(ConsumerSlot slot, Object entry, Pending p) {
    return p == null ? slot.current.compareAndSet(entry, null) : slot.pending.remove(p);
  }

  private void retryDue(Redelivery next) {
    Mailbox mb = pendingRetries.remove(next);
    if (mb != null) {
      mb.requeue(next, true);
    }
  }

  void emit(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    try {
      listener.onEvent(event, channel, agent, spore, error);
    } catch (RuntimeException e) {
      LOG.warn("backend listener failed on {}", event, e);
    }
  }

  private void requireStarted() {
    if (!started.get()) {
      throw new IllegalStateException("backend not started (a Reef starts its backend)");
    }
  }

  private static Throwable failureOf(CompletableFuture<?> cf) {
    try {
      cf.join();
      return new ReefException("future completed exceptionally without a cause");
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (RuntimeException e) {
      return e; // CancellationException
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    return msg == null ? t.getClass().getName() : t.getClass().getName() + ": " + msg;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds an {@link InMemoryBackend}; not thread-safe. */
  public static final class Builder {
    private InMemoryHub hub;
    private final InMemoryHub.Builder hubBuilder = InMemoryHub.builder();
    private boolean hubSettings;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private int workerThreads = defaultWorkerThreads();
    private int prefetch = DEFAULT_PREFETCH;

    private Builder() {}

    /**
     * Works on a shared hub instead of a new private one, so that this backend sees the mailboxes
     * of every other backend on the hub. Mailbox settings then come from the hub.
     *
     * @param hub the hub, not null
     * @return this builder
     */
    public Builder hub(InMemoryHub hub) {
      this.hub = Objects.requireNonNull(hub, "hub");
      return this;
    }

    /**
     * The capacity of each mailbox of the private hub; default {@value
     * InMemoryHub#DEFAULT_MAILBOX_CAPACITY}. Not combinable with {@link #hub(InMemoryHub)}.
     *
     * @param capacity 1 to 10,000,000 spores
     * @return this builder
     */
    public Builder mailboxCapacity(int capacity) {
      hubBuilder.mailboxCapacity(capacity);
      hubSettings = true;
      return this;
    }

    /**
     * What a full mailbox of the private hub does; default {@link OverflowPolicy#REJECT}. Not
     * combinable with {@link #hub(InMemoryHub)}.
     *
     * @param policy the policy, not null
     * @return this builder
     */
    public Builder overflowPolicy(OverflowPolicy policy) {
      hubBuilder.overflowPolicy(policy);
      hubSettings = true;
      return this;
    }

    /**
     * How many dead letters the private hub keeps; default {@value
     * InMemoryHub#DEFAULT_MAX_DEAD_LETTERS}. Not combinable with {@link #hub(InMemoryHub)}.
     *
     * @param max 0 to 10,000,000
     * @return this builder
     */
    public Builder maxDeadLetters(int max) {
      hubBuilder.maxDeadLetters(max);
      hubSettings = true;
      return this;
    }

    /**
     * How failed deliveries to this backend's consumers are retried; default {@link
     * RetryPolicy#ofDefaults()}.
     *
     * @param retryPolicy the policy, not null
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The most worker threads running handlers at once; default {@code max(8, 4 × processors)}.
     * Threads start on demand and end after 30 s idle. A synchronous handler that blocks holds one
     * worker; other mailboxes keep being served while workers remain.
     *
     * @param threads 1 to 1024
     * @return this builder
     */
    public Builder workerThreads(int threads) {
      this.workerThreads = threads;
      return this;
    }

    /**
     * How many spores one consumer of this backend may have handed out and not yet settled at once;
     * default {@value InMemoryBackend#DEFAULT_PREFETCH}. Only asynchronous handlers keep a spore
     * unsettled after they return, so this bounds their concurrency per mailbox; synchronous
     * handlers run one spore at a time per mailbox whatever the value. Deliveries still start in
     * mailbox order. 1 makes a mailbox strictly one at a time.
     *
     * @param prefetch 1 to 10,000
     * @return this builder
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return a new, unstarted backend
     * @throws IllegalArgumentException if a value is out of range, or mailbox settings are combined
     *     with a shared hub
     */
    public InMemoryBackend build() {
      if (hub != null && hubSettings) {
        throw new IllegalArgumentException(
            "mailbox settings belong to the shared hub: set them on InMemoryHub.builder()");
      }
      if (prefetch < 1 || prefetch > 10_000) {
        throw new IllegalArgumentException("prefetch must be 1..10000, was " + prefetch);
      }
      if (workerThreads < 1 || workerThreads > 1024) {
        throw new IllegalArgumentException("workerThreads must be 1..1024, was " + workerThreads);
      }
      return new InMemoryBackend(this);
    }

    private static int defaultWorkerThreads() {
      return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }
  }
}
