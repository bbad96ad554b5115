package dev.reef.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the reef should use RabbitMQ: {@code reef.backend=amqp}, or {@code reef.backend}
 * unset/{@code auto} and a broker named by {@code reef.amqp.uri|host|port|addresses} or (unless
 * {@code reef.amqp.use-spring-rabbitmq=false}) by {@code spring.rabbitmq.*}.
 */
class OnAmqpBackendCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Binder binder = Binder.get(context.getEnvironment());
    ReefProperties.BackendType type =
        binder
            .bind("reef.backend", ReefProperties.BackendType.class)
            .orElse(ReefProperties.BackendType.AUTO);
    if (type != ReefProperties.BackendType.AUTO) {
      return type == ReefProperties.BackendType.AMQP
          ? ConditionOutcome.match("reef.backend=amqp")
          : ConditionOutcome.noMatch("reef.backend=" + type.name().toLowerCase());
    }
    for (String key : new String[] {"uri", "host", "port", "addresses"}) {
      if (binder.bind("reef.amqp." + key, Bindable.listOf(String.class)).isBound()) {
        return ConditionOutcome.match("reef.amqp." + key + " is set");
      }
    }
    boolean reuse = binder.bind("reef.amqp.use-spring-rabbitmq", Boolean.class).orElse(true);
    if (reuse && BrokerSettings.springRabbitConfigured(binder)) {
      return ConditionOutcome.match("spring.rabbitmq.* names a broker");
    }
    return ConditionOutcome.noMatch("no broker in reef.amqp.* or spring.rabbitmq.*");
  }
}
