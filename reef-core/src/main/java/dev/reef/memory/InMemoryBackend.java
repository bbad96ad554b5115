package dev.reef.memory;

import dev.reef.ReefClosedException;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnknownAgentException;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ConsumingReceiver;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.TaskLogStore;
import dev.reef.spi.support.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
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
 * <p>Semantics (docs/design.md#delivery-semantics): bounded mailboxes per (channel, agent) with an
 * {@link OverflowPolicy}; a backlog is served by priority, higher first, and in publish order
 * within a priority (so per sender), except that, like an AMQP consumer's prefetch, a consumer
 * takes up to 32 spores at a time (within its prefetch room) and delivers that batch before a
 * higher-priority spore arriving later; expired spores are never delivered (checked at publish and
 * at delivery, counted as {@link SporeEvent#EXPIRED} and dead-lettered with reason {@code expired};
 * a spore already expired at publish is accepted, counted and dead-lettered without entering a
 * mailbox); a failed delivery (a failed stage, an exception, or a {@code null} stage from the
 * consumer) is retried after the {@link RetryPolicy}'s backoff and then dead-lettered into the
 * hub's bounded dead-letter list with reason {@code handler_failed}; undirected spores go to every
 * mailbox on the channel but the sender's; a directed spore to an agent without a mailbox fails
 * with {@link UnknownAgentException}. A mailbox exists once declared or consumed and keeps its
 * spores while nobody consumes it.
 *
 * <p>Threads: each backend drains the mailboxes it consumes on its own bounded worker pool ({@link
 * Builder#workerThreads(int)}), one handler call at a time per mailbox, so one slow or failing
 * agent occupies at most one worker and does not stall others (as long as fewer agents block than
 * there are workers). Asynchronous handlers may keep up to {@link Builder#prefetch(int)} spores of
 * a mailbox unsettled at once. Retries are timed by one scheduler thread. Several backends built on
 * one {@link InMemoryHub} share its mailboxes like several processes share a broker: backends
 * consuming the same mailbox compete for its spores (each spore goes to one of them).
 *
 * <p>Inside: this class is the lifecycle and SPI facade; {@code Router} places published spores
 * into mailboxes, {@code ConsumerSlot} drains one mailbox for one consumer, {@code Deliveries}
 * hands entries to consumers and settles, retries or dead-letters them, {@code SettleSignal} lets
 * close wait for unsettled deliveries, {@code DirectReplyPath} brings the responses to this
 * backend's asks and gathers straight back to it (like RabbitMQ's direct reply-to), whichever
 * backend of the hub publishes them.
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #start(BackendListener)} once (the owning reef
 * does it), then {@link #close(Duration)}; spores waiting in the hub's mailboxes stay there for
 * other backends of the same hub.
 *
 * <p>Over 450 lines because its public nested {@link Builder} (about 130 documented lines) must
 * stay nested; the work is done by {@code Router}, {@code Deliveries}, {@code DirectReplyPath},
 * {@code HubDeadLetters} and {@code SettleSignal}.
 */
public final class InMemoryBackend implements ReefBackend {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBackend.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Default {@link Builder#prefetch(int)}: {@value}. */
  public static final int DEFAULT_PREFETCH = 64;

  /** The largest {@link Builder#prefetch(int)}: {@value}. */
  static final int MAX_PREFETCH = 10_000;

  /** The most {@link Builder#workerThreads(int)}: {@value}. */
  static final int MAX_WORKER_THREADS = 1024;

  /** The fewest worker threads by default, and the default's threads per processor. */
  private static final int MIN_DEFAULT_WORKERS = 8;

  private static final int DEFAULT_WORKERS_PER_PROCESSOR = 4;

  /** How long an idle worker thread lives: {@value} seconds. */
  private static final long WORKER_KEEP_ALIVE_SECONDS = 30;

  private final InMemoryHub hub;
  private final boolean privateHub;
  private final RetryPolicy retryPolicy;
  private final int workerThreads;
  private final int prefetch;

  /** The broker user every spore this backend publishes carries ({@link Spore#brokerUser()}). */
  private final String user;

  private final Map<Mailbox, ConsumerSlot> slots = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final EventSink events = new EventSink();
  private final SettleSignal signal = new SettleSignal();
  private final Deliveries deliveries;
  private final Router router;
  private final HubDeadLetters deadLetterStore;
  private final DirectReplyPath directPath;
  private volatile boolean accepting;
  private final AtomicReference<InMemoryDirectoryStore> directoryStore = new AtomicReference<>();
  private final AtomicReference<InMemoryTaskLogStore> taskLogStore = new AtomicReference<>();
  private ForkJoinPool workers;

  private InMemoryBackend(Builder b) {
    this.hub = b.hub != null ? b.hub : b.hubBuilder.build();
    this.privateHub = b.hub == null;
    this.retryPolicy = b.retryPolicy;
    this.workerThreads = b.workerThreads;
    this.prefetch = b.prefetch;
    this.user = b.user;
    this.deliveries = new Deliveries(hub, retryPolicy, events, signal);
    this.router = new Router(hub, events);
    this.deadLetterStore = new HubDeadLetters(hub, router, events);
    this.directPath = new DirectReplyPath(hub.replyRoutes, events);
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

  /** The hub's dead letters, per channel (shared by every backend of the hub). */
  @Override
  public DeadLetterStore deadLetterStore() {
    return deadLetterStore;
  }

  /** The hub's task logs ({@link InMemoryTaskLogStore#forHub}), one store per backend. */
  @Override
  public TaskLogStore taskLogStore() {
    if (closed.get()) {
      throw new ReefClosedException("the in-memory backend is closed");
    }
    InMemoryTaskLogStore store = taskLogStore.get();
    if (store == null) {
      InMemoryTaskLogStore mine = InMemoryTaskLogStore.forHub(hub);
      store = taskLogStore.compareAndExchange(null, mine);
      if (store == null) {
        store = mine;
      } else {
        mine.close();
      }
    }
    return store;
  }

  /** The hub's directory ({@link InMemoryDirectoryStore#forHub}), one store per backend. */
  @Override
  public DirectoryStore directoryStore() {
    if (closed.get()) {
      throw new ReefClosedException("the in-memory backend is closed");
    }
    InMemoryDirectoryStore store = directoryStore.get();
    if (store == null) {
      // forHub does no I/O: a store that loses the race is simply closed.
      InMemoryDirectoryStore mine = InMemoryDirectoryStore.forHub(hub);
      store = directoryStore.compareAndExchange(null, mine);
      if (store == null) {
        store = mine;
      } else {
        mine.close();
      }
    }
    return store;
  }

  @Override
  public void start(BackendListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("backend already started");
    }
    int id = INSTANCES.incrementAndGet();
    events.listenTo(listener);
    String threads = "reef-mem-" + id;
    // A fork-join pool wakes its most recently idle worker first (a stack), so a mailbox that
    // empties and refills is drained again by a thread that is still hot; a plain thread pool wakes
    // the longest-idle of its workers (a queue), which on a loaded machine costs a cold wake-up per
    // spore. Async mode keeps each worker's own queue FIFO, like the submission queue.
    ForkJoinPool pool =
        new ForkJoinPool(
            workerThreads,
            DaemonThreads.forkJoin(threads + "-worker"),
            null,
            true,
            0,
            workerThreads,
            1,
            p -> true,
            WORKER_KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS);
    this.workers = pool;
    deliveries.start(threads);
    this.accepting = true;
  }

  @Override
  public CompletableFuture<Spore> publish(String channel, Spore published) {
    requireStarted();
    // What AMQP's user_id does: the receiver sees who published, never what the sender claims.
    Spore spore = published.withBrokerUser(user);
    if (!accepting) {
      return CompletableFuture.failedFuture(new ReefClosedException("the backend is closed"));
    }
    CompletableFuture<Spore> direct = directPath.reply(channel, spore);
    return direct != null ? direct : router.route(channel, spore);
  }

  /** True: asks and gathers get their responses on the hub's direct reply path. */
  @Override
  public boolean directReplies(String channel) {
    return true;
  }

  @Override
  public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    requireStarted();
    if (accepting) {
      directPath.requestSent(channel, request);
    }
    return publish(channel, request);
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
    while (true) {
      Mailbox mb = hub.channel(channel).declare(agent);
      ConsumerSlot slot = new ConsumerSlot(mb, this, deliveries, consumer, prefetch);
      if (slots.putIfAbsent(mb, slot) != null) {
        throw new IllegalStateException(
            "this backend already consumes the mailbox of '" + agent + "' on '" + channel + "'");
      }
      if (mb.attach(slot)) {
        return slot;
      }
      slots.remove(mb, slot); // removed meanwhile: declare it again
    }
  }

  @Override
  public void removeMailboxIfIdle(String channel, String agent) {
    requireStarted();
    hub.channel(channel).removeIfIdle(agent);
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
      n += depth(slot);
    }
    return n;
  }

  @Override
  public Map<String, Map<String, Long>> mailboxDepths() {
    Map<String, Map<String, Long>> depths = new java.util.TreeMap<>();
    for (ConsumerSlot slot : slots.values()) {
      depths
          .computeIfAbsent(slot.mailbox.channelName, c -> new java.util.TreeMap<>())
          .merge(slot.mailbox.agent, depth(slot), Long::sum);
    }
    depths.replaceAll((c, agents) -> java.util.Collections.unmodifiableMap(agents));
    return java.util.Collections.unmodifiableMap(depths);
  }

  /** One consumed mailbox's share of {@link #backlog()}. */
  private static long depth(ConsumerSlot slot) {
    // Read in the order entries move (mailbox, buffer, current, pending), so that an entry
    // moving on meanwhile is counted twice at worst, never missed.
    long n = slot.mailbox.backlog();
    n += slot.buffered;
    if (slot.current.get() != null) {
      n++;
    }
    return n + slot.pending.size();
  }

  @Override
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    InMemoryDirectoryStore store = directoryStore.get();
    if (store != null) {
      store.close();
    }
    InMemoryTaskLogStore tasks = taskLogStore.get();
    if (tasks != null) {
      tasks.close();
    }
    if (!started.get()) {
      closed.set(true);
      return;
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    accepting = false;
    directPath.close();
    List<ConsumerSlot> all = new ArrayList<>(slots.values());
    for (ConsumerSlot slot : all) {
      slot.mailbox.detach(slot);
      slot.returnBuffered();
    }
    signal.awaitSettled(all, drainTimeout);
    for (ConsumerSlot slot : all) {
      List<Object> unsettled = slot.takeUnsettled();
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
    deliveries.stop();
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
    return workers.hasQueuedSubmissions() || workers.getQueuedTaskCount() > 0;
  }

  void detach(ConsumerSlot slot) {
    slot.mailbox.detach(slot);
    slot.returnBuffered();
    slots.remove(slot.mailbox, slot);
  }

  private void requireStarted() {
    if (!started.get()) {
      throw new IllegalStateException("backend not started (a Reef starts its backend)");
    }
  }

  /** Builds an {@link InMemoryBackend}; not thread-safe. */
  public static final class Builder {
    private InMemoryHub hub;
    private final InMemoryHub.Builder hubBuilder = InMemoryHub.builder();
    private boolean hubSettings;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private int workerThreads = defaultWorkerThreads();
    private int prefetch = DEFAULT_PREFETCH;
    private String user;

    private Builder() {}

    /**
     * The user this backend publishes as, what an AMQP backend's connection user is: every spore it
     * publishes reaches its receivers with this {@link Spore#brokerUser()}, whatever the sender
     * set, so a {@code dev.reef.security.SenderPolicy} behaves as over RabbitMQ. Default none
     * (spores carry no broker user).
     *
     * @param user the user name, non-blank, or null for none
     * @return this builder
     */
    public Builder user(@Nullable String user) {
      if (user != null && user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      this.user = user;
      return this;
    }

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
      if (prefetch < 1 || prefetch > MAX_PREFETCH) {
        throw new IllegalArgumentException(
            "prefetch must be 1.." + MAX_PREFETCH + ", was " + prefetch);
      }
      if (workerThreads < 1 || workerThreads > MAX_WORKER_THREADS) {
        throw new IllegalArgumentException(
            "workerThreads must be 1.." + MAX_WORKER_THREADS + ", was " + workerThreads);
      }
      return new InMemoryBackend(this);
    }

    private static int defaultWorkerThreads() {
      return Math.max(
          MIN_DEFAULT_WORKERS,
          DEFAULT_WORKERS_PER_PROCESSOR * Runtime.getRuntime().availableProcessors());
    }
  }
}
