package dev.reef.spring.metrics;

import dev.reef.micrometer.ReefMetrics;
import dev.reef.spring.autoconfigure.ReefAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Records the reef's meters ({@link ReefMetrics}, from the optional {@code
 * dev.reef:reef-micrometer}) into the application's {@link MeterRegistry}: with reef-micrometer on
 * the class path and a registry bean (Spring Boot's actuator makes one), the auto-configured reef
 * gets a {@code ReefMetrics} observer. Off with {@code reef.metrics.enabled=false}; an application
 * that defines its own {@code ReefMetrics} bean keeps it. Runs after Boot's metrics
 * auto-configuration (so the registry exists) and before {@link ReefAutoConfiguration} (which hands
 * every {@code ReefObserver} bean to the reef).
 */
@AutoConfiguration(
    before = ReefAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnClass(
    name = {"dev.reef.micrometer.ReefMetrics", "io.micrometer.core.instrument.MeterRegistry"})
@ConditionalOnBooleanProperty(name = "reef.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "reef.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReefMetricsProperties.class)
public class ReefMetricsAutoConfiguration {

  /**
   * The reef's meters in the application's registry.
   *
   * @param meters the registry
   * @param observations the application's observation registry, used when {@code
   *     reef.metrics.observations=true}
   * @param properties the tag caps
   * @return the observer the reef is created with
   */
  @Bean
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnMissingBean
  ReefMetrics reefMetrics(
      MeterRegistry meters,
      ObjectProvider<ObservationRegistry> observations,
      ReefMetricsProperties properties) {
    ReefMetrics.Builder b =
        ReefMetrics.builder(meters)
            .maxAgentTags(properties.getMaxAgentTags())
            .maxChannelTags(properties.getMaxChannelTags())
            .timers(properties.isTimers());
    if (properties.isObservations()) {
      ObservationRegistry registry = observations.getIfUnique();
      if (registry != null) {
        b.observationRegistry(registry);
      }
    }
    return b.build();
  }
}
