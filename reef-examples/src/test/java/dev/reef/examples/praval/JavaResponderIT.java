package dev.reef.examples.praval;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.reef.Reef;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.codec.SporeCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Praval example on a real broker: a request published exactly the way Python Praval 0.8.1
 * publishes one (its 14 {@code longstr} headers, naive timestamps, its 1000×-too-large {@code
 * expiration}, a plain JSON body) is answered by {@link JavaResponder} with a response Praval's
 * receive path accepts: routed to {@code agent.<requester>.response}, {@code to_agent} = the
 * requester, {@code reply_to} = the request id, Praval's 14 string headers.
 */
@ExtendWith(RabbitMqBroker.class)
class JavaResponderIT {
  private static final DateTimeFormatter PYTHON_ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

  @Test
  void answersARequestFromAPythonPravalAgent(TestBroker broker) throws Exception {
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("praval.dlx"));
    String dlq = broker.deleteQueueAfter(TestBroker.unique("praval.dead"));
    String javaAgent = TestBroker.unique("java_agent");
    String pyAgent = TestBroker.unique("py_client");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .pravalChannel(JavaResponder.CHANNEL, exchange)
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .build();
    try (Reef reef = Reef.create(backend);
        Channel python = broker.connection().createChannel()) {
      broker.deleteQueueAfter(backend.mailboxQueueFor(JavaResponder.CHANNEL, javaAgent));
      JavaResponder.answerRequests(reef.channel(JavaResponder.CHANNEL), javaAgent);
      // The Python agent's queue, bound the way Praval binds its agents' queues.
      python.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String pyQueue = broker.deleteQueueAfter(TestBroker.unique("praval.py_client"));
      python.queueDeclare(pyQueue, false, false, false, null);
      python.queueBind(pyQueue, exchange, "agent." + pyAgent + ".*");

      String requestId = UUID.randomUUID().toString();
      LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      Map<String, Object> headers = new TreeMap<>(); // pamqp writes them sorted
      headers.put("spore_id", requestId);
      headers.put("spore_type", "request");
      headers.put("from_agent", pyAgent);
      headers.put("to_agent", javaAgent);
      headers.put("created_at", PYTHON_ISO.format(now));
      headers.put("expires_at", PYTHON_ISO.format(now.plusSeconds(60)));
      headers.put("priority", "5");
      headers.put("reply_to", "");
      headers.put("version", "1.0");
      headers.put("correlation_id", "");
      headers.put("causation_id", "");
      headers.put("trace_id", "");
      headers.put("run_id", "");
      headers.put("idempotency_key", "");
      AMQP.BasicProperties props =
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .deliveryMode(2)
              .priority(5)
              .messageId(requestId)
              .timestamp(new Date(now.toEpochSecond(ZoneOffset.UTC) * 1000))
              .expiration("59999000")
              .headers(headers)
              .build();
      python.basicPublish(
          exchange,
          "agent." + javaAgent + ".request",
          false,
          props,
          "{\"question\": \"ping\", \"n\": 1}".getBytes(StandardCharsets.UTF_8));

      GetResponse reply = broker.get(pyQueue, Duration.ofSeconds(20));

      assertThat(reply.getEnvelope().getRoutingKey()).isEqualTo("agent." + pyAgent + ".response");
      Map<String, Object> h = reply.getProps().getHeaders();
      assertThat(h.keySet()).isEqualTo(headers.keySet());
      assertThat(h.values()).allMatch(v -> v instanceof LongString);
      assertThat(h.get("spore_type").toString()).isEqualTo("response");
      assertThat(h.get("from_agent").toString()).isEqualTo(javaAgent);
      assertThat(h.get("to_agent").toString()).isEqualTo(pyAgent);
      assertThat(h.get("reply_to").toString()).isEqualTo(requestId);
      assertThat(h.get("spore_id").toString()).isEqualTo(reply.getProps().getMessageId());
      assertThat(SporeCodec.ofDefaults().decodeKnowledge(reply.getBody()))
          .containsEntry("echo", Map.of("question", "ping", "n", 1))
          .containsEntry("agent", javaAgent);
    }
  }
}
