package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The W3C trace context on the wire: the standard {@code traceparent}/{@code tracestate} headers.
 */
class TraceHeadersTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123456Z");
  private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private final AmqpSporeMapper mapper = new AmqpSporeMapper();

  private static Spore traced(Map<String, Object> more) {
    Map<String, Object> metadata = new HashMap<>(more);
    metadata.put("traceparent", PARENT);
    metadata.put("tracestate", "rojo=00f067aa0ba902b7");
    return Spore.builder()
        .type(SporeType.REQUEST)
        .fromAgent("alice")
        .toAgent("bob")
        .createdAt(NOW)
        .metadata(metadata)
        .build();
  }

  @Test
  void theContextTravelsAsStandardHeadersAndComesBackIntoTheMetadata() throws Exception {
    Spore s = traced(Map.of());
    AmqpSporeMapper.Outgoing out = mapper.encode(s, HeaderLayout.REEF, true, NOW);
    Map<String, Object> headers = out.properties().getHeaders();
    assertThat(headers.get("traceparent").toString()).isEqualTo(PARENT);
    assertThat(headers.get("tracestate").toString()).isEqualTo("rojo=00f067aa0ba902b7");
    // not also in x-reef-metadata, and no Praval envelope just for it
    assertThat(headers).doesNotContainKey("x-reef-metadata");
    assertThat(new String(out.body(), StandardCharsets.UTF_8)).doesNotContain("envelope");

    Spore back = mapper.decode(out.routingKey(), out.properties(), out.body(), 1 << 20);
    assertThat(back.metadata()).isEqualTo(s.metadata());
    assertThat(TraceContext.read(back).traceparent()).isEqualTo(PARENT);
  }

  @Test
  void thePravalLayoutWritesExactlyPravalsHeadersAndNoEnvelopeForTheContext() throws Exception {
    Spore s = traced(Map.of());
    AmqpSporeMapper.Outgoing out = mapper.encode(s, HeaderLayout.PRAVAL, true, NOW);
    assertThat(out.properties().getHeaders())
        .hasSize(14)
        .doesNotContainKeys("traceparent", "tracestate");
    assertThat(new String(out.body(), StandardCharsets.UTF_8)).doesNotContain("envelope");
    Spore back = mapper.decode(out.routingKey(), out.properties(), out.body(), 1 << 20);
    assertThat(back.metadata()).isEmpty();
  }

  @Test
  void otherMetadataStillRidesInItsHeader() {
    Spore s = traced(Map.of("lang", "en"));
    Map<String, Object> headers =
        mapper.encode(s, HeaderLayout.REEF, true, NOW).properties().getHeaders();
    assertThat(headers.get("x-reef-metadata").toString())
        .contains("lang")
        .doesNotContain("traceparent");
  }

  @Test
  void aForeignPublishersHeaderIsReadEvenWhenMalformed() throws Exception {
    Map<String, Object> h = new HashMap<>();
    h.put("from_agent", "stranger");
    h.put("traceparent", "garbage");
    AMQP.BasicProperties p =
        new AMQP.BasicProperties.Builder().messageId("m-1").type("knowledge").headers(h).build();
    Spore s = mapper.decode("agent.bob.knowledge", p, "{}".getBytes(StandardCharsets.UTF_8), 100);
    // kept as it came: the reef counts it and starts a new trace when it is handled
    assertThat(s.metadata()).containsEntry("traceparent", "garbage");
  }
}
