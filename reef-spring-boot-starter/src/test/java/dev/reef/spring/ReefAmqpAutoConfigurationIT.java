package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spring.actuate.ReefHealthIndicator;
import dev.reef.spring.autoconfigure.ReefAutoConfiguration;
import dev.reef.spring.oracle.OracleApp;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The RabbitMQ branches of the auto-configuration on a real broker: {@code reef.amqp.uri}, the
 * application's {@code spring.rabbitmq.*} reused, and that reuse switched off.
 */
@ExtendWith(RabbitMqBroker.class)
class ReefAmqpAutoConfigurationIT {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReefAutoConfiguration.class));

  private String channel;
  private String[] common;

  @BeforeEach
  void names(TestBroker broker) {
    channel = TestBroker.unique("boot");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteQueueAfter("reef." + channel + ".oracle");
    broker.deleteQueueAfter("reef." + channel + ".client");
    common =
        new String[] {
          "reef.default-channel=" + channel,
          "reef.amqp.dead-letter-exchange=" + broker.deleteExchangeAfter(TestBroker.unique("dlx")),
          "reef.amqp.dead-letter-queue=" + broker.deleteQueueAfter(TestBroker.unique("dead"))
        };
  }

  @Test
  void reefAmqpUriGivesARabbitReefWithHandlers() {
    runner
        .withPropertyValues(common)
        .withPropertyValues("reef.amqp.uri=" + RabbitMqBroker.uri(), "reef.amqp.prefetch=4")
        .withBean(OracleApp.Oracle.class)
        .run(
            context -> {
              assertThat(context.getBean(ReefBackend.class)).isInstanceOf(AmqpBackend.class);
              assertAnswers(context.getBean(Reef.class));
              ReefHealthIndicator health = context.getBean(ReefHealthIndicator.class);
              assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
              assertThat(health.health(true).getDetails()).containsEntry("connected", true);
            });
  }

  @Test
  void springRabbitmqPropertiesAreReused() {
    URI uri = URI.create(RabbitMqBroker.uri());
    String[] credentials =
        uri.getUserInfo() == null
            ? new String[] {"guest", "guest"}
            : uri.getUserInfo().split(":", 2);
    String vhost =
        uri.getPath() == null || uri.getPath().length() <= 1 ? "/" : uri.getPath().substring(1);
    runner
        .withPropertyValues(common)
        .withPropertyValues(
            "spring.rabbitmq.host=" + uri.getHost(),
            "spring.rabbitmq.port=" + (uri.getPort() < 0 ? 5672 : uri.getPort()),
            "spring.rabbitmq.username=" + credentials[0],
            "spring.rabbitmq.password=" + credentials[1],
            "spring.rabbitmq.virtual-host=" + vhost)
        .withBean(OracleApp.Oracle.class)
        .run(
            context -> {
              assertThat(context.getBean(ReefBackend.class)).isInstanceOf(AmqpBackend.class);
              assertAnswers(context.getBean(Reef.class));
            });
  }

  @Test
  void springRabbitmqIsIgnoredWhenReuseIsOff() {
    runner
        .withPropertyValues(
            "spring.rabbitmq.host=broker.invalid", "reef.amqp.use-spring-rabbitmq=false")
        .run(
            context ->
                assertThat(context.getBean(ReefBackend.class)).isInstanceOf(InMemoryBackend.class));
  }

  @Test
  void aWrongPasswordFailsTheStart() {
    URI uri = URI.create(RabbitMqBroker.uri());
    runner
        .withPropertyValues(common)
        .withPropertyValues(
            "reef.amqp.host=" + uri.getHost(),
            "reef.amqp.port=" + (uri.getPort() < 0 ? 5672 : uri.getPort()),
            "reef.amqp.username=reef-no-such-user",
            "reef.amqp.password=wrong")
        .run(context -> assertThat(context).hasFailed());
  }

  private static void assertAnswers(Reef reef) throws Exception {
    reef.declareMailbox("client");
    OracleApp.Answer answer =
        reef.askTyped(
                "client",
                "oracle",
                new OracleApp.Question("hello", 1),
                OracleApp.Answer.class,
                Duration.ofSeconds(15))
            .get(15, TimeUnit.SECONDS);
    assertThat(answer).isEqualTo(new OracleApp.Answer("HELLO!", "client"));
  }
}
