package dev.reef.opentelemetry;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import io.opentelemetry.api.OpenTelemetry;

/** The set-up shown in docs/observability.md#opentelemetry-reef-opentelemetry, compiled. */
final class TracingSetup {
  private TracingSetup() {}

  static Reef tracedReef(OpenTelemetry openTelemetry, String uri) {
    // docs:otel:start
    ReefOpenTelemetry tracing =
        ReefOpenTelemetry.builder(openTelemetry).messagingSystem("rabbitmq").build();
    Reef reef = Reef.connect(uri, tracing.configure(ReefOptions.custom()).build());
    // docs:otel:end
    return reef;
  }
}
