package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.ReefBackend;
import dev.reef.spring.oracle.OracleApp;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot application on the real broker whose {@code @ReefHandler} answers a typed ask from
 * another JVM (a plain reef in a child process, {@link SpringAskerAgent}).
 */
@ExtendWith(RabbitMqBroker.class)
@SpringBootTest(classes = OracleApp.class)
@DirtiesContext
class SpringHandlerCrossJvmIT {
  private static final String CHANNEL = TestBroker.unique("bootjvm");

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    registry.add("reef.amqp.uri", RabbitMqBroker::uri);
    registry.add("reef.default-channel", () -> CHANNEL);
  }

  @Autowired Reef reef;
  @Autowired ReefBackend backend;

  @Test
  void aHandlerAnswersAnAskFromAnotherJvm(TestBroker broker, @TempDir File dir) throws Exception {
    broker.deleteExchangeAfter("reef." + CHANNEL);
    broker.deleteQueueAfter("reef." + CHANNEL + ".oracle");
    broker.deleteQueueAfter("reef." + CHANNEL + ".asker");
    assertThat(backend).isInstanceOf(AmqpBackend.class);

    ChildJvm child =
        ChildJvm.launch(
            List.of("-Xmx128m"),
            SpringAskerAgent.class,
            List.of(CHANNEL),
            new File(dir, "asker.log"));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> child.printed("ANSWER ") || !child.process.isAlive());
      assertThat(child.starting("ANSWER ")).containsExactly("ANSWER FROM AFAR!!! asker");
      assertThat(child.process.waitFor()).isZero();
    } finally {
      child.process.destroy();
    }
  }
}
