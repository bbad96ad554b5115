package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.reef.KnowledgeMapper;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spring.actuate.ReefHealthIndicator;
import dev.reef.spring.autoconfigure.ReefAutoConfiguration;
import dev.reef.spring.handler.ReefHandlerLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration's in-memory and disabled branches, property errors and handlers. */
class ReefAutoConfigurationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReefAutoConfiguration.class));

  record Question(String text, int n) {}

  record Answer(String text, String askedBy) {}

  /** Handlers of the tests. */
  static class Agents {
    final CompletableFuture<Spore> noted = new CompletableFuture<>();

    @ReefHandler(agent = "oracle")
    Answer answer(Question q, @ReefHeader("from_agent") String from) {
      return new Answer(q.text().toUpperCase() + "!".repeat(q.n()), from);
    }

    @ReefHandler(agent = "notes", channel = "side")
    void note(Spore spore, Map<String, Object> knowledge, ReefChannel channel) {
      noted.complete(spore);
    }

    @ReefHandler(agent = "failing")
    void fail(Question q) {
      throw new IllegalStateException("no " + q.text());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class AgentsConfig {
    @Bean
    Agents agents() {
      return new Agents();
    }
  }

  @Test
  void nothingConfiguredGivesAnInMemoryReef() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(Reef.class).hasSingleBean(ReefHealthIndicator.class);
          assertThat(context.getBean(ReefBackend.class)).isInstanceOf(InMemoryBackend.class);
          assertThat(context.getBean(Reef.class).name()).isEqualTo("main");
        });
  }

  @Test
  void optionsComeFromProperties() {
    runner
        .withPropertyValues(
            "reef.default-channel=orders",
            "reef.default-ask-timeout=3s",
            "reef.max-knowledge-bytes=4096",
            "reef.memory.prefetch=8")
        .run(
            context -> {
              Reef reef = context.getBean(Reef.class);
              assertThat(reef.name()).isEqualTo("orders");
              assertThat(reef.options().defaultAskTimeout()).isEqualTo(Duration.ofSeconds(3));
              assertThat(reef.options().maxKnowledgeBytes()).isEqualTo(4096);
            });
  }

  @Test
  void disabledGivesNoReef() {
    runner
        .withPropertyValues("reef.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .doesNotHaveBean(Reef.class)
                    .doesNotHaveBean(ReefBackend.class)
                    .doesNotHaveBean(ReefHandlerLifecycle.class));
  }

  @Test
  void anApplicationReefOrMapperIsUsed() {
    KnowledgeMapper strict =
        KnowledgeMapper.of(
            KnowledgeMapper.defaultObjectMapper()
                .copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    runner
        .withBean(KnowledgeMapper.class, () -> strict)
        .run(context -> assertThat(context.getBean(Reef.class).knowledgeMapper()).isSameAs(strict));
    try (Reef own = Reef.inMemory()) {
      runner
          .withBean(Reef.class, () -> own, bd -> bd.setDestroyMethodName(""))
          .run(context -> assertThat(context.getBean(Reef.class)).isSameAs(own));
    }
  }

  @Test
  void anInvalidValueFailsTheStartNamingTheProperty() {
    runner
        .withPropertyValues("reef.memory.prefetch=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("reef.memory.prefetch")
                    .hasMessageContaining("prefetch must be 1.."));
    runner
        .withPropertyValues("reef.default-channel=not.a.channel")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "Property reef.default-channel with value 'not.a.channel'"));
    runner
        .withPropertyValues("reef.retry.max-attempts=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("reef.retry.max-attempts"));
  }

  @Test
  void aValueOfTheWrongTypeFailsTheStartNamingTheProperty() {
    runner
        .withPropertyValues("reef.default-ask-timeout=soon")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("reef.default-ask-timeout"));
  }

  @Test
  void amqpRequestedWithoutABrokerLibraryOrWithABadUriFails() {
    runner
        .withPropertyValues("reef.amqp.uri=http://example.com")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("reef.amqp.uri")
                    .hasMessageNotContaining("example.com/"));
  }

  @Test
  void aHandlerAnswersATypedAskAndReadsHeaders() {
    runner
        .withUserConfiguration(AgentsConfig.class)
        .run(
            context -> {
              Reef reef = context.getBean(Reef.class);
              reef.declareMailbox("client");

              Answer answer =
                  reef.askTyped("client", "oracle", new Question("hi", 2), Answer.class, WAIT)
                      .get(10, TimeUnit.SECONDS);

              assertThat(answer).isEqualTo(new Answer("HI!!", "client"));
              reef.channel("side").send("client", "notes", Map.of("k", 1)).join();
              assertThat(context.getBean(Agents.class).noted.get(10, TimeUnit.SECONDS).knowledge())
                  .isEqualTo(Map.of("k", 1));
              assertThat(context.getBean(ReefHandlerLifecycle.class).handlers())
                  .contains("main/oracle -> Agents.answer", "side/notes -> Agents.note");
            });
  }

  @Test
  void aFailingHandlerIsRetriedThenDeadLettered() {
    runner
        .withUserConfiguration(AgentsConfig.class)
        .withPropertyValues("reef.retry.max-attempts=2", "reef.retry.initial-backoff=10ms")
        .run(
            context -> {
              Reef reef = context.getBean(Reef.class);

              reef.sendTyped("client", "failing", new Question("luck", 1)).join();
              reef.send("client", "failing", Map.of("text", List.of("not", "text"))).join();

              await().atMost(WAIT).until(() -> reef.stats().total(SporeEvent.DEAD_LETTERED) == 2);
              assertThat(reef.stats().total(SporeEvent.RETRIED)).isEqualTo(2);
            });
  }

  @Test
  void healthIsUpWhileHandlersRunAndOutOfServiceAfterStop() {
    runner
        .withUserConfiguration(AgentsConfig.class)
        .run(
            context -> {
              ReefHealthIndicator health = context.getBean(ReefHealthIndicator.class);
              assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
              assertThat(health.health(true).getDetails())
                  .containsEntry("backend", "InMemoryBackend")
                  .containsKey("mailboxes");

              context.getBean(ReefHandlerLifecycle.class).stop();

              assertThat(health.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            });
  }
}
