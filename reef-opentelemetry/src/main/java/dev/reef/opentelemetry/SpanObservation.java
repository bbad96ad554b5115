package dev.reef.opentelemetry;

import dev.reef.observe.ObservationScope;
import dev.reef.observe.Outcome;
import dev.reef.observe.ReefObservation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/** One span as a {@link ReefObservation}: its scope makes the span current, stop ends it. */
final class SpanObservation implements ReefObservation {
  private final Span span;
  private final Context context;

  SpanObservation(Span span, Context parent) {
    this.span = span;
    this.context = parent.with(span);
  }

  Span span() {
    return span;
  }

  @Override
  public ObservationScope openScope() {
    Scope scope = context.makeCurrent();
    return scope::close;
  }

  @Override
  public void stop(Outcome outcome, Throwable error) {
    span.setAttribute(MessagingAttributes.OUTCOME, outcome.tagValue());
    if (outcome != Outcome.SUCCESS) {
      if (error != null) {
        span.recordException(error);
        span.setAttribute("error.type", error.getClass().getName());
      }
      span.setStatus(StatusCode.ERROR, outcome.tagValue());
    }
    span.end();
  }
}
