package dev.reef.spring.actuate;

import dev.reef.Reef;
import dev.reef.spi.ReefBackend;
import dev.reef.spring.handler.ReefHandlerLifecycle;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.ClassUtils;

/**
 * The reef's health ({@code /actuator/health/reef}): down when the RabbitMQ connection is lost, out
 * of service while the {@code @ReefHandler}s are stopped, up otherwise; details are the backend,
 * the mailboxes the handlers consume ({@code channel/agent -> Bean.method}), the open asks and the
 * backend's backlog.
 */
public class ReefHealthIndicator extends AbstractHealthIndicator {
  private static final boolean AMQP_PRESENT =
      ClassUtils.isPresent("dev.reef.amqp.AmqpBackend", ReefHealthIndicator.class.getClassLoader());

  private final Reef reef;
  private final ReefBackend backend;
  private final ReefHandlerLifecycle handlers;

  /**
   * @param reef the reef
   * @param backend its backend, or null if unknown (a user-defined reef)
   * @param handlers the handler lifecycle
   */
  public ReefHealthIndicator(Reef reef, ReefBackend backend, ReefHandlerLifecycle handlers) {
    super("reef health check failed");
    this.reef = reef;
    this.backend = backend;
    this.handlers = handlers;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Boolean connected = connected();
    if (Boolean.FALSE.equals(connected)) {
      builder.down();
    } else if (!handlers.isRunning()) {
      builder.outOfService();
    } else {
      builder.up();
    }
    if (backend != null) {
      builder.withDetail("backend", backend.getClass().getSimpleName());
      builder.withDetail("backlog", backend.backlog());
    }
    if (connected != null) {
      builder.withDetail("connected", connected);
    }
    builder
        .withDetail("channel", reef.name())
        .withDetail("mailboxes", handlers.handlers())
        .withDetail("pendingAsks", reef.stats().pendingAsks());
  }

  /** The broker connection's state, or null when the backend has none. */
  private Boolean connected() {
    if (AMQP_PRESENT && backend instanceof dev.reef.amqp.AmqpBackend amqp) {
      return amqp.isConnected();
    }
    return null;
  }
}
