package dev.reef.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.micrometer.ReefMetrics;
import dev.reef.observe.ReefListener;
import dev.reef.spring.autoconfigure.ReefAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The reef's meters in the application's registry, and observer and listener beans. */
class ReefMetricsAutoConfigurationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ReefMetricsAutoConfiguration.class, ReefAutoConfiguration.class));

  @Test
  void aMeterRegistryBeanGetsTheReefsMeters() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ReefMetrics.class);
              Reef reef = context.getBean(Reef.class);
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              List<Spore> got = new CopyOnWriteArrayList<>();
              reef.subscribe("worker", got::add);
              reef.send("boss", "worker", Map.of("n", 1)).toCompletableFuture().join();
              await().atMost(WAIT).until(() -> got.size() == 1);
              await()
                  .atMost(WAIT)
                  .untilAsserted(
                      () ->
                          assertThat(
                                  meters
                                      .get(ReefMetrics.SPORES)
                                      .tag("event", "handled")
                                      .tag("agent", "worker")
                                      .counter()
                                      .count())
                              .isEqualTo(1.0));
              assertThat(meters.get(ReefMetrics.PROCESS).tag("agent", "worker").timer().count())
                  .isEqualTo(1);
            });
  }

  @Test
  void noRegistryOrDisabledGivesNoMetrics() {
    runner.run(
        context ->
            assertThat(context).hasSingleBean(Reef.class).doesNotHaveBean(ReefMetrics.class));
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("reef.metrics.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(Reef.class).doesNotHaveBean(ReefMetrics.class);
              Reef reef = context.getBean(Reef.class);
              reef.subscribe("somebody", spore -> {});
              reef.send("boss", "somebody", Map.of()).toCompletableFuture().join();
              assertThat(context.getBean(MeterRegistry.class).find(ReefMetrics.SPORES).meters())
                  .isEmpty();
            });
  }

  @Test
  void propertiesSetTheTagCapsAndTimers() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("reef.metrics.max-agent-tags=1", "reef.metrics.timers=false")
        .run(
            context -> {
              Reef reef = context.getBean(Reef.class);
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              reef.subscribe("x", spore -> {});
              reef.send("first", "x", Map.of()).toCompletableFuture().join();
              reef.send("second", "x", Map.of()).toCompletableFuture().join();
              // Three agents (first, second, x) and a cap of one: whichever name the metrics saw
              // first keeps its tag (the sender's and the consumer's events race), the rest are
              // "other".
              List<String> agentTags =
                  meters.find(ReefMetrics.SPORES).counters().stream()
                      .map(c -> c.getId().getTag("agent"))
                      .distinct()
                      .toList();
              assertThat(agentTags).contains(ReefMetrics.OTHER);
              assertThat(agentTags)
                  .filteredOn(t -> !t.equals(ReefMetrics.OTHER) && !t.equals(ReefMetrics.NONE))
                  .singleElement()
                  .isIn("first", "second", "x");
              assertThat(meters.find(ReefMetrics.PUBLISH).timers()).isEmpty();
            });
  }

  @Test
  void listenerBeansAreHandedToTheReef() {
    List<String> timedOut = new CopyOnWriteArrayList<>();
    ReefListener listener =
        new ReefListener() {
          @Override
          public void onAskTimedOut(
              String channel, String asker, String requestId, Duration timeout) {
            timedOut.add(asker);
          }
        };
    runner
        .withBean(ReefListener.class, () -> listener)
        .run(
            context -> {
              Reef reef = context.getBean(Reef.class);
              reef.subscribe("silent", spore -> {});
              assertThat(reef.ask("asker", "silent", Map.of(), Duration.ofMillis(200)))
                  .failsWithin(WAIT);
              await().atMost(WAIT).until(() -> timedOut.contains("asker"));
            });
  }
}
