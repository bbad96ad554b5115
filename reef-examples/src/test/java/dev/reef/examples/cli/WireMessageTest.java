package dev.reef.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireMessageTest {
  private static final Instant AT = Instant.parse("2026-11-22T01:02:03.456Z");

  @Test
  void readsReefsLayoutFromPropertiesAndHeaders() {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .messageId("0123456789abcdef")
            .type("response")
            .priority(7)
            .correlationId("fedcba9876543210")
            .headers(Map.of("from_agent", "writer", "to_agent", "coordinator"))
            .build();
    WireMessage m = message("agent.coordinator.response", props, "{\"summary\":\"ok\"}");

    assertThat(m.line(AT, false))
        .isEqualTo(
            "01:02:03.456  agent.coordinator.response writer      -> coordinator response"
                + "     p7  id=01234567 re=fedcba98  {\"summary\":\"ok\"}");
  }

  @Test
  void readsPravalsStringHeadersWithEmptyStringsForAbsentValues() {
    Map<String, Object> headers = new HashMap<>();
    headers.put("spore_id", "praval-1");
    headers.put("spore_type", "broadcast");
    headers.put("from_agent", "py_agent");
    headers.put("to_agent", "");
    headers.put("priority", "3");
    headers.put("reply_to", "");
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().headers(headers).build();
    WireMessage m = message("broadcast.broadcast", props, "{}");

    assertThat(m.id()).isEqualTo("praval-1");
    assertThat(m.type()).isEqualTo("broadcast");
    assertThat(m.to()).isEqualTo("*");
    assertThat(m.priority()).isEqualTo(3);
    assertThat(m.line(AT, false)).contains("py_agent    -> *", "p3 ", "id=praval-1  {}");
  }

  @Test
  void aDeadLetterNamesItsMailboxFromReefsHeaderOrElseTheBrokersRecord() {
    AMQP.BasicProperties byReef =
        new AMQP.BasicProperties.Builder()
            .messageId("id-1")
            .type("knowledge")
            .priority(5)
            .headers(
                Map.of(
                    "from_agent", "alice",
                    "to_agent", "worker",
                    "x-reef-dead-reason", "failed",
                    "x-reef-error", "java.lang.IllegalStateException: disk full",
                    "x-reef-attempts", 2,
                    "x-reef-queue", "reef.jobs.worker"))
            .build();
    assertThat(message("agent.worker.knowledge", byReef, "{}").deadLine())
        .isEqualTo(
            "  id-1  alice -> worker  knowledge p5  from reef.jobs.worker  reason=failed"
                + " attempts=2 error=java.lang.IllegalStateException: disk full");

    AMQP.BasicProperties byBroker =
        new AMQP.BasicProperties.Builder()
            .messageId("id-2")
            .headers(
                Map.of(
                    "from_agent", "alice",
                    "x-death", List.of(Map.of("queue", "reef.jobs.worker", "reason", "expired")),
                    "x-first-death-reason", "expired"))
            .build();
    WireMessage expired = message("agent.worker.knowledge", byBroker, "{}");
    assertThat(expired.originQueue()).isEqualTo("reef.jobs.worker");
    assertThat(expired.deadReason()).isEqualTo("expired");
  }

  @Test
  void longBodiesAreCutUnlessFullIsAsked() {
    String body = "{\"text\":\"" + "x".repeat(200) + "\"}";
    WireMessage m = message("k", new AMQP.BasicProperties.Builder().build(), body);
    assertThat(m.body(false)).hasSize(100).endsWith("...");
    assertThat(m.body(true)).isEqualTo(body);
  }

  private static WireMessage message(String key, AMQP.BasicProperties props, String body) {
    return new WireMessage(
        new Envelope(1, false, "reef.x", key), props, body.getBytes(StandardCharsets.UTF_8));
  }
}
