package dev.reef;

import dev.reef.directory.AgentTerminatedException;
import dev.reef.observe.ReefObservation;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.support.Failures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission and publishing for a reef: the size check, authorization, the per-agent broadcast rate
 * limit and the same-reef answer to an open ask, then the backend publish; counts what was sent,
 * denied and failed, and logs failures throttled. Thread-safe; takes no lock around the backend.
 */
final class SporePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(SporePublisher.class);

  /** At most one log line per channel and failure class in this interval; the rest are counted. */
  static final Duration SEND_FAILURE_LOG_INTERVAL = Duration.ofSeconds(5);

  private final ReefBackend backend;
  private final ReefOptions options;
  private final StatsRecorder stats;
  private final PendingReplies replies;
  private final IdleTracker idle;
  private final BooleanSupplier closed;
  private final BiPredicate<String, String> terminated;
  private final Instrumentation instrumentation;
  private final boolean authorizing;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final LogThrottle sendFailureLog = new LogThrottle(SEND_FAILURE_LOG_INTERVAL);
  private final TracePropagation tracing;

  SporePublisher(
      ReefBackend backend,
      ReefOptions options,
      StatsRecorder stats,
      PendingReplies replies,
      IdleTracker idle,
      BooleanSupplier closed,
      BiPredicate<String, String> terminated,
      Instrumentation instrumentation) {
    this.backend = backend;
    this.options = options;
    this.stats = stats;
    this.replies = replies;
    this.idle = idle;
    this.closed = closed;
    this.terminated = terminated;
    this.instrumentation =
        instrumentation != null && instrumentation.observing() ? instrumentation : null;
    this.authorizing = options.authorizer() != ReefAuthorizer.ALLOW_ALL;
    this.tracing = new TracePropagation(options);
  }

  /**
   * Publishes after the checks: size, authorization, rate limit, the same-reef answer to an open
   * ask.
   *
   * @param system whether the reef itself publishes (exempt from the rate limit)
   * @param askRequest whether the spore is the request of an ask (published with {@link
   *     ReefBackend#publishRequest(String, Spore)})
   * @return the backend's future, or a failed one if a check refused the spore
   * @throws SporeValidationException if the knowledge is too large
   */
  CompletableFuture<Spore> publish(
      String channel, Spore spore, boolean system, boolean askRequest) {
    CompletableFuture<Spore> refused = admit(channel, spore, system);
    return refused != null ? refused : send(channel, spore, askRequest);
  }

  /**
   * The checks before a publish: size, closed, a terminated recipient (as far as the reef's
   * directory knows), authorization, rate limit. An ask or gather runs them before it opens
   * anything, so that a refused one changes nothing.
   *
   * @param system whether the reef itself publishes (exempt from the rate limit)
   * @return null if the spore may go out, else a failed future (the refusal is counted and logged)
   * @throws SporeValidationException if the knowledge is too large
   */
  CompletableFuture<Spore> admit(String channel, Spore spore, boolean system) {
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
    if (closed.getAsBoolean()) {
      return failed(channel, spore, new ReefClosedException("the reef is closed"));
    }
    if (spore.isDirected() && terminated.test(channel, spore.toAgent())) {
      return failed(channel, spore, new AgentTerminatedException(channel, spore.toAgent()));
    }
    if (authorizing) {
      ReefAction action = spore.isDirected() ? ReefAction.SEND : ReefAction.BROADCAST;
      if (!allowed(new AuthorizationRequest(action, channel, from, spore))) {
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
    if (limit != null && !system && !spore.isDirected() && !bucket(from, limit).tryAcquire()) {
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
    return null;
  }

  /**
   * Publishes a spore that passed {@link #admit}, with its trace context ({@link
   * TracePropagation#stamp}): the same-reef answer to an open ask, else the backend publish.
   *
   * @param askRequest whether the spore is the request of an ask or gather (published with {@link
   *     ReefBackend#publishRequest(String, Spore)})
   * @return the backend's future
   */
  CompletableFuture<Spore> send(String channel, Spore admitted, boolean askRequest) {
    Spore spore = tracing.stamp(admitted, null);
    if (spore.type() == SporeType.RESPONSE && replies.answer(channel, spore)) {
      return CompletableFuture.completedFuture(spore);
    }
    if (instrumentation != null) {
      return sendObserved(channel, spore, askRequest);
    }
    Spore out = tracing.complete(spore);
    CompletableFuture<Spore> f = backendPublish(channel, out, askRequest);
    if (f.isDone() && !f.isCompletedExceptionally()) {
      stats.count(SporeEvent.SENT, channel, out.fromAgent(), out);
      return f;
    }
    f.whenComplete((s, t) -> settled(channel, out, t));
    return f;
  }

  /** {@link #send} with the observers: they may add headers, and see the publish settle. */
  private CompletableFuture<Spore> sendObserved(String channel, Spore spore, boolean askRequest) {
    Instrumentation.Publish context = new Instrumentation.Publish(channel, spore, askRequest);
    ReefObservation observation = instrumentation.publish(context);
    Spore out;
    try {
      out = context.result();
    } catch (RuntimeException e) {
      // Headers that made the spore invalid (for example too large): publish it without them.
      instrumentation.logFailure(observation, "setHeader", e);
      out = spore;
    }
    out = tracing.complete(spore, out); // a context a tracing observer set fills trace_id
    CompletableFuture<Spore> f = backendPublish(channel, out, askRequest);
    Spore sent = out;
    f.whenComplete(
        (s, t) -> {
          settled(channel, sent, t);
          instrumentation.stop(observation, t == null ? null : Failures.unwrap(t));
        });
    return f;
  }

  private CompletableFuture<Spore> backendPublish(String channel, Spore spore, boolean askRequest) {
    try {
      return askRequest ? backend.publishRequest(channel, spore) : backend.publish(channel, spore);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new PublishException("publish failed: " + e, e));
    }
  }

  /** Counts a publish the backend settled, and lets {@code awaitIdle} look again. */
  private void settled(String channel, Spore spore, Throwable t) {
    if (t == null) {
      stats.count(SporeEvent.SENT, channel, spore.fromAgent(), spore);
    } else {
      sendFailed(channel, spore, t);
    }
    idle.signal(); // a settled publish leaves the backend's backlog
  }

  /**
   * Checks that an agent may subscribe on a channel.
   *
   * @throws UnauthorizedException if the authorizer says no (counted as denied)
   */
  void requireSubscribeAllowed(String channel, String agent) {
    if (authorizing
        && !allowed(new AuthorizationRequest(ReefAction.SUBSCRIBE, channel, agent, null))) {
      stats.count(SporeEvent.DENIED, channel, agent);
      throw new UnauthorizedException(
          "agent '" + agent + "' may not subscribe on '" + channel + "'");
    }
  }

  private TokenBucket bucket(String agent, RateLimit limit) {
    TokenBucket bucket = buckets.get(agent);
    return bucket != null ? bucket : buckets.computeIfAbsent(agent, a -> new TokenBucket(limit));
  }

  /** Asks the authorizer; an authorizer that fails denies. */
  private boolean allowed(AuthorizationRequest request) {
    try {
      return options.authorizer().allow(request);
    } catch (RuntimeException e) {
      LOG.warn("the authorizer failed on {}; denying", request.action(), e);
      return false;
    }
  }

  private CompletableFuture<Spore> denied(String channel, Spore spore, String message) {
    stats.count(SporeEvent.DENIED, channel, spore.fromAgent(), spore);
    return failed(channel, spore, new UnauthorizedException(message));
  }

  private CompletableFuture<Spore> failed(String channel, Spore spore, ReefException error) {
    sendFailed(channel, spore, error);
    return CompletableFuture.failedFuture(error);
  }

  private void sendFailed(String channel, Spore spore, Throwable t) {
    Throwable cause = Failures.unwrap(t);
    stats.count(SporeEvent.SEND_FAILED, channel, spore.fromAgent(), spore);
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
}
