package dev.reef;

import dev.reef.trace.MalformedTraceContextException;
import dev.reef.trace.TraceContext;
import dev.reef.trace.TraceContextSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule by which spores carry a W3C trace context ({@link TraceContext}) and continue it.
 *
 * <p><b>Publish</b> ({@link #stamp}): a spore that already carries a valid {@code traceparent}
 * keeps it. Otherwise its parent context is, first found: the {@link TraceContextSource}'s current
 * context (a tracing bridge); the context of the spore being handled on this thread, or of the
 * request a reply answers; none. The spore carries a child of the parent (same trace, new span id),
 * or without a parent a new trace, whose trace id is the spore's {@code trace_id} when that can be
 * one ({@link TraceContext#asW3cTraceId}). Unset ids are filled: {@code trace_id} from the parent
 * spore's, else the context's trace id; {@code causation_id} the parent spore's id; {@code
 * correlation_id} the parent spore's (the same rule a reply always followed).
 *
 * <p><b>Handle</b> ({@link #enter}): the handled spore's context is read once per delivery; a
 * malformed one is counted ({@link SporeEvent#TRACE_CONTEXT_MALFORMED}) and, like a missing one,
 * replaced by a new trace (made only if a handler publishes). The handled spore is this thread's
 * parent while the handlers run synchronously; work an async handler continues on another thread
 * passes the request explicitly ({@code reply}) or through a bridge.
 */
final class TracePropagation {
  private static final Logger LOG = LoggerFactory.getLogger(TracePropagation.class);

  private static final ThreadLocal<Handled> HANDLED = new ThreadLocal<>();

  /** The spore a handler on this thread is handling, and its context (made on first use). */
  static final class Handled {
    final Spore spore;
    private TraceContext context;

    Handled(Spore spore, TraceContext context) {
      this.spore = spore;
      this.context = context;
    }

    TraceContext context() {
      if (context == null && spore != null) {
        context = tryRead(spore); // checked well-formed (or absent) on delivery
      }
      if (context == null) {
        String id = TraceContext.asW3cTraceId(spore.traceId());
        context = id != null ? TraceContext.newRoot(id) : TraceContext.newRoot();
      }
      return context;
    }
  }

  private final boolean enabled;
  private final TraceContextSource source;
  private final boolean bridged;

  TracePropagation(ReefOptions options) {
    this.enabled = options.traceContext();
    this.source = options.traceContextSource();
    this.bridged = source != TraceContextSource.NONE;
  }

  boolean enabled() {
    return enabled;
  }

  /**
   * Marks the start of handling a delivered spore on this thread.
   *
   * @return what to pass to {@link #exit}; null when propagation is off
   */
  Handled enter(Spore spore, String channel, String agent, StatsRecorder stats) {
    if (!enabled) {
      return null;
    }
    // Checked here (counted once per delivery), parsed only if a handler publishes.
    Object parent =
        spore.metadata().isEmpty() ? null : spore.metadata().get(TraceContext.TRACEPARENT);
    if (parent != null && !(parent instanceof String && TraceContext.isValid((String) parent))) {
      stats.count(SporeEvent.TRACE_CONTEXT_MALFORMED, channel, agent, spore);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "spore {} on '{}' to '{}' has a malformed traceparent; a new trace",
            spore.id(),
            channel,
            agent);
      }
    }
    Handled previous = HANDLED.get();
    HANDLED.set(new Handled(spore, null));
    return previous == null ? NONE : previous;
  }

  /** Ends what {@link #enter} started; restores an outer handling (a nested delivery). */
  void exit(Handled previous) {
    if (previous == null) {
      return;
    }
    if (previous == NONE) {
      // set(null), not remove(): the worker thread's entry stays, so the next delivery on this
      // thread updates it in place instead of allocating a new one (a measured cost per spore).
      HANDLED.set(null);
    } else {
      HANDLED.set(previous);
    }
  }

  private static final Handled NONE = new Handled(null, null);

  /**
   * The spore with its trace context and ids filled by the rule above. With a bridge ({@link
   * TraceContextSource}) the spore carries the parent context itself, for the bridge's publish
   * observer to replace with its publish span; without a parent it carries none yet ({@link
   * #complete}).
   *
   * @param spore the spore to publish
   * @param answered the request a reply answers, or null
   * @return the spore to publish (the same one if nothing changes)
   */
  Spore stamp(Spore spore, Spore answered) {
    if (!enabled) {
      return spore;
    }
    TraceContext own = spore.metadata().isEmpty() ? null : tryRead(spore);
    if (own != null) {
      return spore.traceId() != null
          ? spore
          : spore.withTracing(
              null, null, null, null, own.traceId(), spore.causationId(), spore.correlationId());
    }
    Handled handled = HANDLED.get();
    Spore parentSpore = answered != null ? answered : handled != null ? handled.spore : null;
    TraceContext parent = source.current();
    if (parent == null && parentSpore != null) {
      parent =
          handled != null && handled.spore.id().equals(parentSpore.id())
              ? handled.context()
              : contextOf(parentSpore);
    }
    TraceContext ctx;
    if (parent != null) {
      // a bridge's publish observer makes the child (its span) and replaces the context
      ctx = bridged ? parent : parent.child();
    } else if (bridged) {
      ctx = null; // the bridge's publish observer starts the trace; complete() fills the rest
    } else {
      String id = TraceContext.asW3cTraceId(spore.traceId());
      ctx = id != null ? TraceContext.newRoot(id) : TraceContext.newRoot();
    }
    if (ctx == null) {
      return spore;
    }
    String traceId = spore.traceId();
    if (traceId == null) {
      traceId =
          parentSpore != null && parentSpore.traceId() != null
              ? parentSpore.traceId()
              : ctx.traceId();
    }
    String causation = spore.causationId();
    String correlation = spore.correlationId();
    if (parentSpore != null) {
      if (causation == null) {
        causation = parentSpore.id();
      }
      if (correlation == null) {
        correlation = parentSpore.correlationId();
      }
    }
    return withContext(spore, ctx, traceId, causation, correlation);
  }

  /** The spore carrying a context and ids, without revalidating it. */
  private static Spore withContext(
      Spore spore, TraceContext ctx, String traceId, String causation, String correlation) {
    return spore.withTracing(
        TraceContext.TRACEPARENT,
        ctx.traceparent(),
        TraceContext.TRACESTATE,
        ctx.tracestate(),
        traceId,
        causation,
        correlation);
  }

  /**
   * The last step before the backend publish, after the observers (a tracing bridge may have set
   * the context): fills {@code trace_id} from the context, or starts a trace if nobody did.
   *
   * @return the spore to publish (the same one if nothing changes)
   */
  Spore complete(Spore spore) {
    if (!bridged || !enabled) {
      return spore; // stamp() did everything
    }
    return startIfNone(spore);
  }

  /**
   * {@link #complete} after observers that may have replaced the context (a tracing observer
   * injecting its publish span, for example through Micrometer Tracing): a {@code trace_id} the
   * reef derived from the replaced context follows the new one.
   *
   * @param stamped the spore as {@link #stamp} left it
   * @param observed the spore with the observers' headers
   * @return the spore to publish
   */
  Spore complete(Spore stamped, Spore observed) {
    if (!enabled) {
      return observed;
    }
    if (observed != stamped && observed.traceId() != null) {
      TraceContext before = stamped.metadata().isEmpty() ? null : tryRead(stamped);
      TraceContext after = observed.metadata().isEmpty() ? null : tryRead(observed);
      if (before != null
          && after != null
          && observed.traceId().equals(before.traceId())
          && !after.traceId().equals(before.traceId())) {
        return observed.withTracing(
            null,
            null,
            null,
            null,
            after.traceId(),
            observed.causationId(),
            observed.correlationId());
      }
    }
    return bridged ? startIfNone(observed) : observed;
  }

  private Spore startIfNone(Spore spore) {
    TraceContext own = spore.metadata().isEmpty() ? null : tryRead(spore);
    if (own != null) {
      return spore.traceId() != null
          ? spore
          : spore.withTracing(
              null, null, null, null, own.traceId(), spore.causationId(), spore.correlationId());
    }
    String id = TraceContext.asW3cTraceId(spore.traceId());
    TraceContext ctx = id != null ? TraceContext.newRoot(id) : TraceContext.newRoot();
    return withContext(
        spore,
        ctx,
        spore.traceId() == null ? ctx.traceId() : spore.traceId(),
        spore.causationId(),
        spore.correlationId());
  }

  /** A spore's own context, or a new trace standing for it (missing or malformed). */
  private static TraceContext contextOf(Spore spore) {
    TraceContext c = tryRead(spore);
    if (c != null) {
      return c;
    }
    String id = TraceContext.asW3cTraceId(spore.traceId());
    return id != null ? TraceContext.newRoot(id) : TraceContext.newRoot();
  }

  private static TraceContext tryRead(Spore spore) {
    try {
      return TraceContext.read(spore);
    } catch (MalformedTraceContextException e) {
      return null;
    }
  }
}
