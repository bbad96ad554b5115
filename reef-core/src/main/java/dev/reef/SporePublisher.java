package dev.reef;

import dev.reef.directory.AgentTerminatedException;
import dev.reef.observe.ReefObservation;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.support.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
  private final boolean signing;
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
    this.signing = !options.signingKeys().isEmpty();
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

  /**
   * Admits and publishes a batch: each spore runs the checks of {@link #admit} on its own (a
   * refused or invalid spore fails only its own outcome), the admitted ones go to the backend
   * together with {@link ReefBackend#publishAll(String, List)}, in input order. With observers
   * registered, the admitted spores are published one by one through {@link #send} instead, so that
   * every publish is observed (and can carry the observers' headers).
   *
   * @return one future per spore, in input order, none failing as a whole
   */
  CompletableFuture<BatchResult> publishAll(String channel, Collection<Spore> spores) {
    Objects.requireNonNull(spores, "spores");
    List<CompletableFuture<Spore>> outcomes = new ArrayList<>(spores.size());
    List<Spore> admitted = new ArrayList<>(spores.size());
    List<Integer> slots = new ArrayList<>(spores.size());
    for (Spore spore : spores) {
      CompletableFuture<Spore> refused;
      try {
        if (spore == null) {
          throw new SporeValidationException("spore", "a batch must not contain null");
        }
        refused = admit(channel, spore, false);
      } catch (ReefException e) {
        refused = CompletableFuture.failedFuture(e);
      }
      if (refused == null && instrumentation != null) {
        refused = send(channel, spore, false);
      } else if (refused == null) {
        Spore stamped = tracing.complete(tracing.stamp(spore, null));
        Spore out = signing ? options.signingKeys().sign(stamped) : stamped;
        if (out.type() == SporeType.RESPONSE && replies.answer(channel, out)) {
          refused = CompletableFuture.completedFuture(out);
        } else {
          slots.add(outcomes.size());
          admitted.add(out);
        }
      }
      outcomes.add(refused);
    }
    if (!admitted.isEmpty()) {
      List<CompletableFuture<Spore>> sent;
      try {
        sent = backend.publishAll(channel, admitted);
      } catch (RuntimeException e) {
        sent = new ArrayList<>();
        for (int i = 0; i < admitted.size(); i++) {
          sent.add(CompletableFuture.failedFuture(e));
        }
      }
      for (int i = 0; i < admitted.size(); i++) {
        CompletableFuture<Spore> f =
            i < sent.size() && sent.get(i) != null
                ? sent.get(i)
                : CompletableFuture.failedFuture(
                    new PublishException("the backend returned no outcome for this spore"));
        outcomes.set(slots.get(i), track(channel, admitted.get(i), f));
      }
    }
    BatchResult result = new BatchResult(outcomes);
    return CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0]))
        .handle((v, t) -> result);
  }

  /** Counts a batch member's publish when the backend settles it; a non-Reef failure is typed. */
  private CompletableFuture<Spore> track(
      String channel, Spore spore, CompletableFuture<Spore> backendFuture) {
    CompletableFuture<Spore> f =
        backendFuture
            .handle(
                (s, t) -> {
                  if (t == null) {
                    return CompletableFuture.completedFuture(s);
                  }
                  Throwable cause = Failures.unwrap(t);
                  return CompletableFuture.<Spore>failedFuture(
                      cause instanceof ReefException
                          ? cause
                          : new PublishException("publish failed: " + cause, cause));
                })
            .thenCompose(x -> x);
    f.whenComplete((s, t) -> settled(channel, spore, t));
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

  /**
   * Hands a spore to the backend, signed when the reef has signing keys: signing comes last, after
   * the trace context and the observers' headers have been set, because the signature covers the
   * correlation id that tracing may fill (docs/security.md).
   */
  private CompletableFuture<Spore> backendPublish(String channel, Spore spore, boolean askRequest) {
    try {
      Spore wire = signing ? options.signingKeys().sign(spore) : spore;
      return askRequest ? backend.publishRequest(channel, wire) : backend.publish(channel, wire);
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
