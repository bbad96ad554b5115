package dev.reef;

import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Reef} over a {@link ReefBackend}: one backend consumption per (channel, agent) with
 * handlers or open asks, a pending map for asks and gathers keyed by request id, authorization,
 * broadcast rate limits, optional deduplication, counters and the close sequence.
 */
final class DefaultReef implements Reef {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultReef.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final int RECENT_REQUESTS = 4096;

  final ReefBackend backend;
  final ReefOptions options;
  final StatsRecorder stats = new StatsRecorder();
  final LongAdder inFlight = new LongAdder();
  final Object lock = new Object();

  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConcurrentHashMap<String, DefaultChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, Map<String, AgentDispatcher>> dispatchers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, PendingReply> pending = new ConcurrentHashMap<>();
  private final Map<String, Boolean> recentRequests;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final LogThrottle sendFailureLog = new LogThrottle(Duration.ofSeconds(5));
  private final Deadlines deadlines = new Deadlines();
  private final DefaultChannel defaultChannel;
  private final boolean authorizing;

  DefaultReef(ReefBackend backend, ReefOptions options) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.options = Objects.requireNonNull(options, "options");
    this.authorizing = options.authorizer() != ReefAuthorizer.ALLOW_ALL;
    this.recentRequests =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, false) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RECENT_REQUESTS;
              }
            });
    backend.start(new Listener());
    this.defaultChannel = channel0(options.defaultChannel());
  }

  // ---- Reef ----

  @Override
  public ReefChannel channel(String name) {
    return channel0(name);
  }

  private DefaultChannel channel0(String name) {
    DefaultChannel ch = channels.get(name);
    if (ch != null) {
      return ch;
    }
    ReefNames.requireChannel(name);
    return channels.computeIfAbsent(name, n -> new DefaultChannel(this, n));
  }

  @Override
  public ReefOptions options() {
    return options;
  }

  @Override
  public ReefStats stats() {
    return stats.snapshot(pending.size());
  }

  @Override
  public boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (inFlight.sum() == 0 && backend.backlog() == 0) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
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
    ReefClosedException error = new ReefClosedException("the reef was closed");
    for (PendingReply p : new ArrayList<>(pending.values())) {
      p.fail(error);
    }
    try {
      backend.close(drainTimeout);
    } catch (RuntimeException e) {
      LOG.warn("closing the backend failed", e);
    } finally {
      deadlines.shutdown();
      synchronized (lock) {
        dispatchers.clear();
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

  // ---- publishing ----

  CompletableFuture<Spore> publish(String channel, Spore spore, boolean system) {
    return publish(channel, spore, system, false);
  }

  /**
   * Publishes after the checks: authorization, rate limit, the same-reef answer to an open ask.
   *
   * @param askRequest whether the spore is the request of an ask (published with {@link
   *     ReefBackend#publishRequest(String, Spore)})
   */
  private CompletableFuture<Spore> publish(
      String channel, Spore spore, boolean system, boolean askRequest) {
    Objects.requireNonNull(spore, "spore");
    String from = spore.fromAgent();
    if (spore.knowledgeBytes() > options.maxKnowledgeBytes()) {
      throw new SporeValidationException(
          "knowledge",
          "serialized size must be at most "
              + options.maxKnowledgeBytes()
              + " bytes (ReefOptions.maxKnowledgeBytes), was "
              + spore.knowledgeBytes()
              + " bytes");
    }
    if (closed.get()) {
      return failed(channel, spore, new ReefClosedException("the reef is closed"));
    }
    if (authorizing) {
      ReefAction action = spore.isDirected() ? ReefAction.SEND : ReefAction.BROADCAST;
      if (!authorized(new AuthorizationRequest(action, channel, from, spore))) {
        return denied(
            channel,
            spore,
            "agent '"
                + from
                + "' may not "
                + action.name().toLowerCase()
                + " on '"
                + channel
                + "'");
      }
    }
    RateLimit limit = options.broadcastRateLimit();
    if (limit != null && !system && !spore.isDirected()) {
      TokenBucket bucket = buckets.get(from);
      if (bucket == null) {
        bucket = buckets.computeIfAbsent(from, a -> new TokenBucket(limit));
      }
      if (!bucket.tryAcquire()) {
        return denied(
            channel,
            spore,
            "agent '"
                + from
                + "' exceeded its broadcast rate limit ("
                + limit.permitsPerSecond()
                + "/s, burst "
                + limit.burst()
                + ")");
      }
    }
    if (spore.type() == SporeType.RESPONSE
        && !pending.isEmpty()
        && answersOpenAsk(channel, spore)) {
      return CompletableFuture.completedFuture(spore);
    }
    CompletableFuture<Spore> f;
    try {
      f = askRequest ? backend.publishRequest(channel, spore) : backend.publish(channel, spore);
    } catch (ReefException e) {
      f = CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(new PublishException("publish failed: " + e, e));
    }
    if (f.isDone() && !f.isCompletedExceptionally()) {
      stats.count(SporeEvent.SENT, channel, from);
      return f;
    }
    f.whenComplete(
        (s, t) -> {
          if (t == null) {
            stats.count(SporeEvent.SENT, channel, from);
          } else {
            sendFailed(channel, spore, t);
          }
        });
    return f;
  }

  /**
   * Hands a response straight to an open ask or gather of this reef. Besides saving a trip through
   * the backend, this lets a handler ask another agent of the same reef and wait for the answer:
   * the answer does not queue behind that very handler in the asker's mailbox.
   */
  private boolean answersOpenAsk(String channel, Spore response) {
    String replyTo = response.replyTo();
    PendingReply p = replyTo == null ? null : pending.get(replyTo);
    if (p == null || !response.isDirected() || !p.arrivesAt(channel, response.toAgent())) {
      return false;
    }
    if (!p.offer(response)) {
      return false; // a repeat from the same agent: let it take the ordinary path
    }
    stats.count(SporeEvent.SENT, channel, response.fromAgent());
    stats.count(SporeEvent.DELIVERED, channel, response.toAgent());
    stats.count(SporeEvent.HANDLED, channel, response.toAgent());
    return true;
  }

  private boolean authorized(AuthorizationRequest request) {
    try {
      return options.authorizer().allow(request);
    } catch (RuntimeException e) {
      LOG.warn("the authorizer failed on {}; denying", request.action(), e);
      return false;
    }
  }

  private CompletableFuture<Spore> denied(String channel, Spore spore, String message) {
    stats.count(SporeEvent.DENIED, channel, spore.fromAgent());
    return failed(channel, spore, new UnauthorizedException(message));
  }

  private CompletableFuture<Spore> failed(String channel, Spore spore, ReefException error) {
    sendFailed(channel, spore, error);
    return CompletableFuture.failedFuture(error);
  }

  private void sendFailed(String channel, Spore spore, Throwable t) {
    Throwable cause =
        t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause()
            : t;
    stats.count(SporeEvent.SEND_FAILED, channel, spore.fromAgent());
    long suppressed =
        sendFailureLog.admit(channel + ' ' + cause.getClass().getName(), System.nanoTime());
    if (suppressed >= 0) {
      LOG.warn(
          "publishing spore {} ({}) from '{}' to '{}' on '{}' failed: {}{}",
          spore.id(),
          spore.type().wireName(),
          spore.fromAgent(),
          spore.isDirected() ? spore.toAgent() : "*",
          channel,
          cause.toString(),
          suppressed == 0 ? "" : " (" + suppressed + " similar failures not logged before this)");
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("publishing spore {} on '{}' failed: {}", spore.id(), channel, cause.toString());
    }
  }

  // ---- subscriptions ----

  Subscription subscribe(
      String channel, String agent, AgentDispatcher.Handler h, SubscribeMode mode) {
    ReefNames.requireAgent("agent", agent);
    Objects.requireNonNull(mode, "mode");
    requireOpen();
    if (authorizing
        && !authorized(new AuthorizationRequest(ReefAction.SUBSCRIBE, channel, agent, null))) {
      stats.count(SporeEvent.DENIED, channel, agent);
      throw new UnauthorizedException(
          "agent '" + agent + "' may not subscribe on '" + channel + "'");
    }
    synchronized (lock) {
      requireOpen();
      AgentDispatcher d = dispatcher(channel, agent);
      d.add(h, mode);
      try {
        ensureConsuming(d);
      } catch (RuntimeException e) {
        d.remove(h);
        releaseIfUnused(d);
        throw e;
      }
      return new HandlerSubscription(this, d, h);
    }
  }

  void removeHandler(AgentDispatcher d, AgentDispatcher.Handler h) {
    synchronized (lock) {
      if (d.remove(h)) {
        releaseIfUnused(d);
      }
    }
  }

  void unsubscribe(String channel, String agent) {
    ReefNames.requireAgent("agent", agent);
    synchronized (lock) {
      Map<String, AgentDispatcher> m = dispatchers.get(channel);
      AgentDispatcher d = m == null ? null : m.get(agent);
      if (d != null) {
        d.clear();
        releaseIfUnused(d);
      }
    }
  }

  private AgentDispatcher dispatcher(String channel, String agent) {
    return dispatchers
        .computeIfAbsent(channel, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            agent, a -> new AgentDispatcher(this, channel, a, options.deduplicationWindow()));
  }

  private void ensureConsuming(AgentDispatcher d) {
    if (d.subscription == null) {
      d.subscription = backend.consume(d.channel, d.agent, d);
    }
  }

  private void releaseIfUnused(AgentDispatcher d) {
    if (d.hasHandlers() || d.openAsks > 0) {
      return;
    }
    MailboxSubscription s = d.subscription;
    d.subscription = null;
    Map<String, AgentDispatcher> m = dispatchers.get(d.channel);
    if (m != null) {
      m.remove(d.agent, d);
    }
    if (s != null) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.warn("detaching from the mailbox of '{}' on '{}' failed", d.agent, d.channel, e);
      }
    }
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
    PendingReply.Ask p = new PendingReply.Ask(channel, request.fromAgent(), request.id(), timeout);
    p.direct = backend.directReplies(channel);
    if (!open(p, timeout)) {
      return p.future;
    }
    CompletableFuture<Spore> sent;
    try {
      sent = publish(channel, request, false, p.direct);
    } catch (RuntimeException e) {
      p.fail(e);
      throw e;
    }
    sent.whenComplete(
        (s, t) -> {
          if (t != null) {
            p.fail(t);
          }
        });
    return p.future;
  }

  CompletableFuture<GatherResult> gather(
      String channel, List<Spore> requests, java.util.Set<String> expected, GatherOptions o) {
    Spore first = requests.get(0);
    PendingReply.Gather p =
        new PendingReply.Gather(channel, first.fromAgent(), first.id(), expected, o.firstN());
    if (!open(p, o.timeout())) {
      return p.future;
    }
    List<CompletableFuture<Spore>> sends = new ArrayList<>(requests.size());
    try {
      for (Spore r : requests) {
        sends.add(publish(channel, r, false));
      }
    } catch (RuntimeException e) {
      p.fail(e);
      throw e;
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (r, t) -> {
              if (t != null) {
                p.fail(t.getCause() != null ? t.getCause() : t);
              } else {
                p.published(first);
              }
            });
    return p.future;
  }

  /** Registers a pending reply, consumes the asker's mailbox and arms the deadline. */
  private boolean open(PendingReply p, Duration timeout) {
    CompletableFuture<?> future =
        p instanceof PendingReply.Ask
            ? ((PendingReply.Ask) p).future
            : ((PendingReply.Gather) p).future;
    synchronized (lock) {
      if (closed.get()) {
        p.fail(new ReefClosedException("the reef is closed"));
        return false;
      }
      AgentDispatcher d = dispatcher(p.channel, p.asker);
      d.openAsks++;
      try {
        ensureConsuming(d);
      } catch (RuntimeException e) {
        d.openAsks--;
        releaseIfUnused(d);
        p.fail(e);
        return false;
      }
      AgentDispatcher dispatcher = d;
      p.onEnd(() -> finished(p, dispatcher));
      pending.put(p.requestId, p);
    }
    future.whenComplete((r, t) -> p.end()); // a cancelled future ends it too
    try {
      deadlines.arm(p, timeout.toNanos());
    } catch (RejectedExecutionException e) {
      p.fail(new ReefClosedException("the reef is closed"));
      return false;
    }
    if (future.isDone()) {
      deadlines.disarm(p);
    }
    return true;
  }

  private void finished(PendingReply p, AgentDispatcher d) {
    deadlines.disarm(p);
    pending.remove(p.requestId, p);
    recentRequests.put(p.requestId, Boolean.TRUE);
    synchronized (lock) {
      d.openAsks--;
      if (!closed.get()) {
        releaseIfUnused(d);
      }
    }
  }

  /**
   * Takes a response for an open (or recently ended) ask or gather of this mailbox.
   *
   * @return a settled stage if the reef consumed the response, or null if the handlers get it
   */
  CompletionStage<?> takeResponse(AgentDispatcher d, Spore response) {
    return takeResponse(d.channel, d.agent, response, false) ? DONE : null;
  }

  /**
   * Offers a response to the open ask or gather it answers, if it arrives where that one waits.
   *
   * @param direct whether it came on the backend's direct reply path: then nobody else can take it,
   *     so an unexpected one is counted and dropped rather than left to handlers
   * @return whether the response was consumed here
   */
  private boolean takeResponse(String channel, String agent, Spore response, boolean direct) {
    String replyTo = response.replyTo();
    PendingReply p = pending.get(replyTo);
    if (p != null && p.arrivesAt(channel, agent)) {
      if (!p.offer(response)) {
        stats.count(SporeEvent.DUPLICATE, channel, agent);
      }
      return true;
    }
    if (direct || (p == null && recentRequests.containsKey(replyTo))) {
      // A late response to an ask or gather that already ended: its request expired with it.
      stats.count(SporeEvent.EXPIRED, channel, agent);
      LOG.debug("late response {} to ended request {} dropped", response.id(), replyTo);
      return true;
    }
    return false;
  }

  /**
   * Fails the asks whose requests went out asking for a direct reply: the backend says their
   * responses can no longer arrive.
   */
  private void directRepliesLost(String reason) {
    for (PendingReply p : pending.values()) {
      if (p instanceof PendingReply.Ask && ((PendingReply.Ask) p).direct) {
        p.fail(
            new ReefException(
                "the response to request "
                    + p.requestId
                    + " can no longer arrive ("
                    + reason
                    + "); the request may or may not have been handled"));
      }
    }
  }

  /** What the backend reports: events go to the counters, direct replies to the open asks. */
  private final class Listener implements dev.reef.spi.BackendListener {
    @Override
    public void onEvent(
        SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
      stats.onEvent(event, channel, agent, spore, error);
    }

    @Override
    public void onDirectReply(String channel, Spore response) {
      String agent = response.toAgent();
      if (response.type() != SporeType.RESPONSE || response.replyTo() == null || agent == null) {
        stats.count(SporeEvent.MALFORMED, channel, agent == null ? response.fromAgent() : agent);
        LOG.debug("direct reply {} is not a directed response; dropped", response.id());
        return;
      }
      takeResponse(channel, agent, response, true);
    }

    @Override
    public void onDirectRepliesLost(String reason) {
      directRepliesLost(reason);
    }
  }

  Duration defaultAskTimeout() {
    return options.defaultAskTimeout();
  }

  static void requirePositive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  // ---- ReefChannel on the default channel ----

  @Override
  public String name() {
    return defaultChannel.name();
  }

  @Override
  public CompletableFuture<Spore> publish(Spore spore) {
    return defaultChannel.publish(spore);
  }

  @Override
  public CompletableFuture<Spore> send(String from, String to, Map<String, ?> knowledge) {
    return defaultChannel.send(from, to, knowledge);
  }

  @Override
  public CompletableFuture<Spore> broadcast(String from, Map<String, ?> knowledge) {
    return defaultChannel.broadcast(from, knowledge);
  }

  @Override
  public CompletableFuture<Spore> systemBroadcast(Map<String, ?> knowledge) {
    return defaultChannel.systemBroadcast(knowledge);
  }

  @Override
  public CompletableFuture<Spore> request(String from, String to, Map<String, ?> knowledge) {
    return defaultChannel.request(from, to, knowledge);
  }

  @Override
  public CompletableFuture<Spore> reply(Spore request, String from, Map<String, ?> knowledge) {
    return defaultChannel.reply(request, from, knowledge);
  }

  @Override
  public CompletableFuture<Spore> ask(
      String from, String to, Map<String, ?> knowledge, Duration timeout) {
    return defaultChannel.ask(from, to, knowledge, timeout);
  }

  @Override
  public CompletableFuture<Spore> ask(Spore request, Duration timeout) {
    return defaultChannel.ask(request, timeout);
  }

  @Override
  public CompletableFuture<GatherResult> gather(
      String from,
      java.util.Collection<String> to,
      Map<String, ?> knowledge,
      GatherOptions options) {
    return defaultChannel.gather(from, to, knowledge, options);
  }

  @Override
  public Subscription subscribe(String agent, SporeHandler handler) {
    return defaultChannel.subscribe(agent, handler);
  }

  @Override
  public Subscription subscribe(String agent, SporeHandler handler, SubscribeMode mode) {
    return defaultChannel.subscribe(agent, handler, mode);
  }

  @Override
  public Subscription subscribeAsync(String agent, AsyncSporeHandler handler) {
    return defaultChannel.subscribeAsync(agent, handler);
  }

  @Override
  public Subscription subscribeAsync(String agent, AsyncSporeHandler handler, SubscribeMode mode) {
    return defaultChannel.subscribeAsync(agent, handler, mode);
  }

  @Override
  public void unsubscribe(String agent) {
    defaultChannel.unsubscribe(agent);
  }

  @Override
  public void declareMailbox(String agent) {
    defaultChannel.declareMailbox(agent);
  }

  @Override
  public java.util.Set<String> agents() {
    return defaultChannel.agents();
  }

  @Override
  public String toString() {
    return "Reef{backend=" + backend.getClass().getSimpleName() + ", closed=" + closed.get() + "}";
  }
}
