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
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
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
    assertThat(s.traceId()).as("no trace id is derived from a malformed traceparent").isNull();
  }

  @Test
  void theLeanLayoutLeavesOutATraceIdTheTraceparentCarriesAndTheReaderDerivesIt() throws Exception {
    Spore s = traced(Map.of()).toBuilder().traceId(TRACE_ID).build();
    AmqpSporeMapper.Outgoing out = mapper.encode(s, HeaderLayout.REEF, true, NOW);
    assertThat(out.properties().getHeaders())
        .containsKey("traceparent")
        .doesNotContainKey("trace_id");
    Spore back = mapper.decode(out.routingKey(), out.properties(), out.body(), 1 << 20);
    assertThat(back.traceId()).isEqualTo(TRACE_ID);
    assertThat(back.metadata()).isEqualTo(s.metadata());
  }

  @Test
  void aTraceIdOtherThanTheTraceparentsIsWritten() throws Exception {
    for (String id : new String[] {"trace-1", "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"}) {
      Spore s = traced(Map.of()).toBuilder().traceId(id).build();
      AmqpSporeMapper.Outgoing out = mapper.encode(s, HeaderLayout.REEF, true, NOW);
      assertThat(out.properties().getHeaders().get("trace_id").toString()).isEqualTo(id);
      Spore back = mapper.decode(out.routingKey(), out.properties(), out.body(), 1 << 20);
      assertThat(back.traceId()).isEqualTo(id);
    }
  }

  @Test
  void aTraceIdBesideAnInvalidTraceparentIsWritten() throws Exception {
    // chars 3..35 match, but the traceparent is malformed: the reader could not derive it
    String bad = "00-" + TRACE_ID + "-0000000000000000-01";
    Spore s =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .createdAt(NOW)
            .metadata(Map.of("traceparent", bad))
            .traceId(TRACE_ID)
            .build();
    AmqpSporeMapper.Outgoing out = mapper.encode(s, HeaderLayout.REEF, true, NOW);
    assertThat(out.properties().getHeaders().get("trace_id").toString()).isEqualTo(TRACE_ID);
  }

  @Test
  void thePravalLayoutStillWritesTheTraceId() {
    Spore s = traced(Map.of()).toBuilder().traceId(TRACE_ID).build();
    assertThat(
            mapper
                .encode(s, HeaderLayout.PRAVAL, true, NOW)
                .properties()
                .getHeaders()
                .get("trace_id")
                .toString())
        .isEqualTo(TRACE_ID);
  }

  @Test
  void aForeignTraceparentWithoutTraceIdGivesTheSporeItsTraceId() throws Exception {
    Map<String, Object> h = new HashMap<>();
    h.put("from_agent", "stranger");
    h.put("traceparent", PARENT);
    AMQP.BasicProperties p =
        new AMQP.BasicProperties.Builder().messageId("m-1").type("knowledge").headers(h).build();
    Spore s = mapper.decode("agent.bob.knowledge", p, "{}".getBytes(StandardCharsets.UTF_8), 100);
    assertThat(s.traceId()).isEqualTo(TRACE_ID);
  }
}
