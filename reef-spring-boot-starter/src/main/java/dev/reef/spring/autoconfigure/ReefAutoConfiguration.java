package dev.reef.spring.autoconfigure;

import dev.reef.KnowledgeMapper;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.observe.ReefListener;
import dev.reef.observe.ReefObserver;
import dev.reef.spi.ReefBackend;
import dev.reef.spring.actuate.ReefHealthIndicator;
import dev.reef.spring.handler.ReefHandlerLifecycle;
import dev.reef.spring.handler.ReefHandlerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link Reef} bean (unless {@code reef.enabled=false} or the application defines
 * one): on RabbitMQ when {@code reef.amqp.*} or {@code spring.rabbitmq.*} names a broker and
 * reef-amqp is on the class path ({@link OnAmqpBackendCondition}), in memory otherwise; its options
 * from {@link ReefProperties}; typed knowledge through a {@link KnowledgeMapper} bean if there is
 * one; every {@link ReefObserver} and {@link ReefListener} bean handed to the reef in their bean
 * order (with reef-micrometer and a {@code MeterRegistry}, {@code ReefMetricsAutoConfiguration}
 * adds one). {@link dev.reef.spring.ReefHandler} methods are subscribed with the context's start
 * and drained at its stop; with actuator's health support on the class path a {@code reef} health
 * indicator reports the broker connection and the consumed mailboxes.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "reef.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReefProperties.class)
public class ReefAutoConfiguration {

  /** The RabbitMQ backend; the reef closes it. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.reef.amqp.AmqpBackend")
  @Conditional(OnAmqpBackendCondition.class)
  static class AmqpBackendConfiguration {
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(ReefBackend.class)
    ReefBackend reefAmqpBackend(ReefProperties properties, Environment environment) {
      return AmqpBackends.amqp(properties, environment);
    }
  }

  /**
   * The in-memory backend when no other is configured; the reef closes it.
   *
   * @param properties the properties
   * @return the backend
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(ReefBackend.class)
  ReefBackend reefMemoryBackend(ReefProperties properties) {
    if (properties.getBackend() == ReefProperties.BackendType.AMQP) {
      throw new InvalidConfigurationPropertyValueException(
          "reef.backend", "amqp", "dev.reef:reef-amqp is not on the class path");
    }
    return ReefBackends.memory(properties);
  }

  /**
   * The reef, closed (after its handlers drained) when the context is destroyed.
   *
   * @param backend the backend
   * @param properties the options
   * @param mapper a {@link KnowledgeMapper} bean, if the application defines one
   * @param observers the {@link ReefObserver} beans (metrics, tracing), in bean order
   * @param listeners the {@link ReefListener} beans, in bean order
   * @return the reef
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Reef reef(
      ReefBackend backend,
      ReefProperties properties,
      ObjectProvider<KnowledgeMapper> mapper,
      ObjectProvider<ReefObserver> observers,
      ObjectProvider<ReefListener> listeners) {
    ReefOptions.Builder options =
        ReefBackends.options(properties, mapper.getIfAvailable(KnowledgeMapper::defaults))
            .toBuilder();
    observers.orderedStream().forEach(options::observer);
    listeners.orderedStream().forEach(options::listener);
    return Reef.create(backend, options.build());
  }

  /**
   * Finds the {@link dev.reef.spring.ReefHandler} methods (static: a bean post-processor).
   *
   * @return the registry
   */
  @Bean
  static ReefHandlerRegistry reefHandlerRegistry() {
    return new ReefHandlerRegistry();
  }

  /**
   * Subscribes the handlers with the context.
   *
   * @param reef the reef
   * @param registry the handlers found
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  ReefHandlerLifecycle reefHandlerLifecycle(Reef reef, ReefHandlerRegistry registry) {
    return new ReefHandlerLifecycle(reef, registry);
  }

  /** The actuator health indicator, when Spring Boot's health support is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class ReefHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "reefHealthIndicator")
    ReefHealthIndicator reefHealthIndicator(
        Reef reef, ObjectProvider<ReefBackend> backend, ReefHandlerLifecycle handlers) {
      return new ReefHealthIndicator(reef, backend.getIfUnique(), handlers);
    }
  }
}
