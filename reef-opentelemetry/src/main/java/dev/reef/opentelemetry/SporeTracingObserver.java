package dev.reef.opentelemetry;

import dev.reef.Spore;
import dev.reef.observe.AskContext;
import dev.reef.observe.HandlerContext;
import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefObservation;
import dev.reef.observe.ReefObserver;
import dev.reef.trace.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The spans: {@code publish <channel>} (PRODUCER) around every publish, its context injected into
 * the spore as {@code traceparent}/{@code tracestate}; {@code process <channel>} (CONSUMER) around
 * every handler execution, a child of the context the spore carries, current while the handlers
 * run; {@code ask <channel>} (CLIENT) from an ask's start to its answer, parent of its request's
 * publish span.
 */
final class SporeTracingObserver implements ReefObserver {
  private final Tracer tracer;
  private final String system;

  SporeTracingObserver(Tracer tracer, String system) {
    this.tracer = tracer;
    this.system = system;
  }

  @Override
  public ReefObservation onPublish(PublishContext context) {
    Spore spore = context.spore();
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      // No current span (a reply from another thread, a bare send): the context the reef chose
      // (the request's, the handled spore's), else a new trace.
      parent =
          extract(
              context.header(TraceContext.TRACEPARENT), context.header(TraceContext.TRACESTATE));
    }
    SpanBuilder b =
        tracer
            .spanBuilder("publish " + context.channel())
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(parent)
            .setAttribute(MessagingAttributes.OPERATION_TYPE, "send")
            .setAttribute(MessagingAttributes.OPERATION_NAME, "publish");
    common(b, context.channel(), spore);
    if (spore.toAgent() != null) {
      b.setAttribute(MessagingAttributes.TO_AGENT, spore.toAgent());
    }
    Span span = b.startSpan();
    SpanContext sc = span.getSpanContext();
    if (sc.isValid()) {
      context.setHeader(TraceContext.TRACEPARENT, W3cContexts.traceparent(sc));
      String state = W3cContexts.tracestate(sc.getTraceState());
      if (state != null) {
        context.setHeader(TraceContext.TRACESTATE, state);
      }
    }
    return new SpanObservation(span, parent);
  }

  @Override
  public ReefObservation onHandle(HandlerContext context) {
    Spore spore = context.spore();
    // A malformed traceparent (a foreign publisher) extracts as nothing: a new trace.
    Context parent =
        extract(context.header(TraceContext.TRACEPARENT), context.header(TraceContext.TRACESTATE));
    SpanBuilder b =
        tracer
            .spanBuilder("process " + context.channel())
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(MessagingAttributes.OPERATION_TYPE, "process")
            .setAttribute(MessagingAttributes.OPERATION_NAME, "process")
            .setAttribute(MessagingAttributes.AGENT, context.agent())
            .setAttribute(MessagingAttributes.ATTEMPT, (long) context.attempt());
    common(b, context.channel(), spore);
    return new SpanObservation(b.startSpan(), parent);
  }

  @Override
  public ReefObservation onAsk(AskContext context) {
    Spore request = context.request();
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      parent =
          extract(
              header(request, TraceContext.TRACEPARENT), header(request, TraceContext.TRACESTATE));
    }
    SpanBuilder b =
        tracer
            .spanBuilder("ask " + context.channel())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(MessagingAttributes.TO_AGENT, request.toAgent());
    common(b, context.channel(), request);
    return new SpanObservation(b.startSpan(), parent);
  }

  private void common(SpanBuilder b, String channel, Spore spore) {
    b.setAttribute(MessagingAttributes.SYSTEM, system)
        .setAttribute(MessagingAttributes.DESTINATION, channel)
        .setAttribute(MessagingAttributes.MESSAGE_ID, spore.id())
        .setAttribute(MessagingAttributes.SPORE_TYPE, spore.type().wireName())
        .setAttribute(MessagingAttributes.FROM_AGENT, spore.fromAgent())
        .setAttribute(MessagingAttributes.BODY_SIZE, spore.knowledgeBytes());
    if (spore.correlationId() != null) {
      b.setAttribute(MessagingAttributes.CONVERSATION_ID, spore.correlationId());
    }
  }

  private static String header(Spore spore, String name) {
    Object v = spore.metadata().get(name);
    return v instanceof String ? (String) v : null;
  }

  /** The remote parent a traceparent names, or the root context if absent or malformed. */
  static Context extract(String traceparent, String tracestate) {
    TraceContext c = TraceContext.tryParse(traceparent, tracestate);
    return c == null ? Context.root() : Context.root().with(Span.wrap(W3cContexts.remote(c)));
  }
}
