package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 11, writing: a Praval channel given its Praval hosts' zone writes naive times that
 * a Praval host in that zone reads as the right instants (its wall clock), on a real broker.
 */
@ExtendWith(RabbitMqBroker.class)
class PravalZoneIT {
  @Test
  void aPravalChannelWithAZoneWritesThatZonesWallClock(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("praval");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    ZoneId newYork = ZoneId.of("America/New_York");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .pravalChannel(channel, exchange, newYork)
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("praval.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("praval.dead")))
            .build();
    try (Channel spy = broker.connection().createChannel()) {
      spy.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String pyQueue = broker.deleteQueueAfter(TestBroker.unique("praval.py_ny"));
      spy.queueDeclare(pyQueue, false, false, false, null);
      spy.queueBind(pyQueue, exchange, "agent.py_ny.*");
      backend.start((event, ch, agent, spore, error) -> {});
      Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Spore request =
          Spore.builder()
              .type(SporeType.REQUEST)
              .fromAgent("java")
              .toAgent("py_ny")
              .createdAt(created)
              .expiresAt(created.plusSeconds(60))
              .knowledge(Map.of("q", 1))
              .build();

      backend.publish(channel, request).get();

      GetResponse got = broker.get(pyQueue, Duration.ofSeconds(20));
      Map<String, Object> h = got.getProps().getHeaders();
      // What Python's datetime.now() on a New York host reads for these instants
      LocalDateTime wallCreated = LocalDateTime.ofInstant(created, newYork);
      assertThat(LocalDateTime.parse(h.get("created_at").toString())).isEqualTo(wallCreated);
      assertThat(LocalDateTime.parse(h.get("expires_at").toString()))
          .isEqualTo(wallCreated.plusSeconds(60));
      assertThat(got.getProps().getTimestamp().toInstant())
          .isEqualTo(created.truncatedTo(ChronoUnit.SECONDS));
      // and a Reef reader recovers the instants from the frame
      Spore back =
          new AmqpSporeMapper()
              .decode(got.getEnvelope().getRoutingKey(), got.getProps(), got.getBody(), 1 << 20);
      assertThat(back.createdAt()).isEqualTo(created);
      assertThat(back.expiresAt()).isEqualTo(created.plusSeconds(60));
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }
}
