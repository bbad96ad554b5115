package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpSporeMapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AmqpSporeMapper mapper = new AmqpSporeMapper();
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123456Z");

  private static Spore full() {
    return Spore.builder()
        .id("s-1")
        .type(SporeType.RESPONSE)
        .fromAgent("alice")
        .toAgent("bob")
        .knowledge(Map.of("answer", 42, "text", "héllo \uD83E\uDEB8"))
        .createdAt(NOW)
        .expiresAt(NOW.plusSeconds(60))
        .priority(8)
        .replyTo("req-7")
        .metadata(Map.of("lang", "en", "n", 3))
        .knowledgeReferences(List.of("mem:1", "mem:2"))
        .dataReferences(List.of("s3://bucket/x"))
        .correlationId("corr")
        .causationId("cause")
        .traceId("trace")
        .runId("run")
        .idempotencyKey("idem")
        .build();
  }

  private static Spore minimal() {
    return Spore.builder()
        .id("s-2")
        .type(SporeType.BROADCAST)
        .fromAgent("alice")
        .knowledge(Map.of("k", "v"))
        .createdAt(NOW)
        .build();
  }

  @Test
  void routingKeysFollowThePravalGrammar() {
    assertThat(AmqpSporeMapper.routingKey(full())).isEqualTo("agent.bob.response");
    assertThat(AmqpSporeMapper.routingKey(minimal())).isEqualTo("broadcast.broadcast");
  }

  @Test
  void propertiesCarryIdTypePriorityExpiryAndReplyTo() {
    AMQP.BasicProperties p = mapper.encode(full(), HeaderLayout.REEF, true, NOW).properties();
    assertThat(p.getMessageId()).isEqualTo("s-1");
    assertThat(p.getType()).isEqualTo("response");
    assertThat(p.getPriority()).isEqualTo(8);
    assertThat(p.getExpiration()).isEqualTo("60000");
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getContentEncoding()).isEqualTo("utf-8");
    assertThat(p.getCorrelationId()).isEqualTo("req-7");
    assertThat(p.getTimestamp()).isEqualTo(new Date(NOW.getEpochSecond() * 1000));

    AMQP.BasicProperties q = mapper.encode(minimal(), HeaderLayout.REEF, false, NOW).properties();
    assertThat(q.getExpiration()).isNull();
    assertThat(q.getCorrelationId()).isNull();
    assertThat(q.getDeliveryMode()).isEqualTo(1);
  }

  @Test
  void expirationIsTheRemainingMillisecondsRoundedUp() {
    Spore s = minimal().toBuilder().expiresAt(NOW.plusMillis(1500)).build();
    assertThat(AmqpSporeMapper.expiration(s, NOW.plusNanos(400_000))).isEqualTo("1500");
    assertThat(AmqpSporeMapper.expiration(s, NOW.plusMillis(1499).plusNanos(1000))).isEqualTo("1");
  }

  @Test
  void reefLayoutHasOnlyWhatNoPropertyCarries() {
    Map<String, Object> h =
        mapper.encode(full(), HeaderLayout.REEF, true, NOW).properties().getHeaders();
    assertThat(h)
        .containsOnlyKeys(
            "spore_type",
            "from_agent",
            "to_agent",
            "created_at",
            "expires_at",
            "version",
            "correlation_id",
            "causation_id",
            "trace_id",
            "run_id",
            "idempotency_key",
            "x-reef-metadata",
            "x-reef-knowledge-references",
            "x-reef-data-references");
    assertThat(h.get("created_at")).isEqualTo("2026-11-22T10:00:00.123456Z");
    assertThat(h.get("expires_at")).isEqualTo("2026-11-22T10:01:00.123456Z");
    assertThat(h.get("x-reef-knowledge-references")).isEqualTo("[\"mem:1\",\"mem:2\"]");

    Map<String, Object> lean =
        mapper.encode(minimal(), HeaderLayout.REEF, true, NOW).properties().getHeaders();
    assertThat(lean).containsOnlyKeys("spore_type", "from_agent", "created_at", "version");
  }

  @Test
  void pravalLayoutHasExactlyTheFourteenStringHeaders() {
    Map<String, Object> h =
        mapper.encode(minimal(), HeaderLayout.PRAVAL, true, NOW).properties().getHeaders();
    assertThat(h)
        .containsOnlyKeys(
            "spore_id",
            "spore_type",
            "from_agent",
            "to_agent",
            "created_at",
            "expires_at",
            "priority",
            "reply_to",
            "version",
            "correlation_id",
            "causation_id",
            "trace_id",
            "run_id",
            "idempotency_key");
    assertThat(h.values()).allMatch(v -> v instanceof String);
    assertThat(h.get("to_agent")).isEqualTo("");
    assertThat(h.get("expires_at")).isEqualTo("");
    assertThat(h.get("priority")).isEqualTo("5");
    assertThat(h.get("created_at")).isEqualTo("2026-11-22T10:00:00.123456");
    assertThat(AmqpSporeMapper.pravalTime(Instant.parse("2026-11-21T23:30:51Z")))
        .isEqualTo("2026-11-21T23:30:51");
  }

  @Test
  void bodyIsTheKnowledgeAsUtf8Json() throws IOException {
    byte[] body = mapper.encode(full(), HeaderLayout.REEF, true, NOW).body();
    assertThat(JSON.readTree(body))
        .isEqualTo(JSON.readTree("{\"answer\":42,\"text\":\"héllo \uD83E\uDEB8\"}"));
    Spore empty = minimal().toBuilder().knowledge(null).build();
    assertThat(new String(mapper.encode(empty, HeaderLayout.REEF, true, NOW).body(), "UTF-8"))
        .isEqualTo("null");
  }

  @Test
  void bothLayoutsRoundTripEveryField() throws Exception {
    for (HeaderLayout layout : HeaderLayout.values()) {
      for (Spore s : List.of(full(), minimal())) {
        AmqpSporeMapper.Outgoing out = mapper.encode(s, layout, true, NOW);
        Spore back = mapper.decode(out.routingKey(), out.properties(), out.body(), 1024 * 1024);
        // The Praval layout keeps microseconds, which NOW has exactly.
        assertThat(back).as(layout.name()).isEqualTo(s);
      }
    }
  }

  @Test
  void readsHeadersWrittenAsOtherAmqpTypes() throws Exception {
    Map<String, Object> h = new HashMap<>();
    h.put("from_agent", "alice");
    h.put("priority", 9);
    h.put("created_at", new Date(NOW.toEpochMilli()));
    AMQP.BasicProperties p =
        new AMQP.BasicProperties.Builder().messageId("m-1").type("request").headers(h).build();
    Spore s = mapper.decode("agent.bob.request", p, "{}".getBytes(StandardCharsets.UTF_8), 100);
    assertThat(s.priority()).isEqualTo(9);
    assertThat(s.toAgent()).isEqualTo("bob");
    assertThat(s.createdAt()).isEqualTo(Instant.ofEpochMilli(NOW.toEpochMilli()));
    assertThat(s.type()).isEqualTo(SporeType.REQUEST);
  }

  @Test
  void readsPravalFixturesWithNaiveTimestampsAndEmptyStrings() throws Exception {
    Spore req = decodeFixture("amqp-request.json");
    assertThat(req.id()).isEqualTo("a29d2285-5673-442a-9186-46dff2a9e237");
    assertThat(req.type()).isEqualTo(SporeType.REQUEST);
    assertThat(req.fromAgent()).isEqualTo("alice");
    assertThat(req.toAgent()).isEqualTo("bob");
    assertThat(req.priority()).isEqualTo(9);
    assertThat(req.createdAt()).isEqualTo(Instant.parse("2026-11-21T23:30:51.060797Z"));
    assertThat(req.expiresAt()).isEqualTo(Instant.parse("2026-11-21T23:31:51.060723Z"));
    assertThat(req.replyTo()).isNull();
    assertThat(req.correlationId()).isNull();
    assertThat(req.knowledge()).containsEntry("question", "status?").containsEntry("n", 1);

    Spore empty = decodeFixture("amqp-edge-empty-strings.json");
    assertThat(empty.toAgent()).isNull();
    assertThat(empty.replyTo()).isNull();
    assertThat(empty.traceId()).isNull();

    Spore refs = decodeFixture("amqp-references.json");
    assertThat(refs.knowledgeReferences()).isNotEmpty();
    assertThat(refs.knowledge()).doesNotContainKey("_praval_spore_envelope");

    Spore tracing = decodeFixture("amqp-tracing-ids.json");
    assertThat(tracing.correlationId()).isNotNull();
    assertThat(tracing.traceId()).isNotNull();
    assertThat(tracing.runId()).isNotNull();
    assertThat(tracing.idempotencyKey()).isNotNull();
  }

  @Test
  void malformedInputIsRejectedWithTheReason() {
    assertMalformed(props(Map.of("from_agent", "a")), "not json", "body is not JSON");
    assertMalformed(props(Map.of("from_agent", "a")), "[1,2]", "JSON object or null");
    assertMalformed(props(Map.of()), "{}", "from_agent");
    assertMalformed(props(Map.of("from_agent", "a", "priority", "11")), "{}", "priority");
    assertMalformed(props(Map.of("from_agent", "a", "priority", "high")), "{}", "priority");
    assertMalformed(
        props(Map.of("from_agent", "a", "created_at", "yesterday")), "{}", "created_at");
    assertMalformed(props(Map.of("from_agent", "a", "spore_type", "REQUEST")), "{}", "spore type");
    assertMalformed(props(Map.of("from_agent", "bad name")), "{}", "from_agent");
    AMQP.BasicProperties noId =
        new AMQP.BasicProperties.Builder()
            .type("knowledge")
            .headers(Map.of("from_agent", "a"))
            .build();
    assertMalformed(noId, "{}", "spore id");
    assertThatThrownBy(
            () ->
                mapper.decode(
                    "broadcast.knowledge",
                    props(Map.of("from_agent", "a")),
                    "{\"k\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8),
                    10))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("exceeds the limit of 10 bytes");
    assertThatThrownBy(
            () ->
                mapper.decode(
                    "broadcast.knowledge",
                    props(Map.of("from_agent", "a")),
                    new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'},
                    100))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void attemptsComeFromTheHeader() {
    assertThat(AmqpSporeMapper.attempts(props(Map.of()))).isEqualTo(1);
    assertThat(AmqpSporeMapper.attempts(props(Map.of("x-reef-attempts", 3)))).isEqualTo(3);
    assertThat(AmqpSporeMapper.attempts(props(Map.of("x-reef-attempts", "4")))).isEqualTo(4);
  }

  @Test
  void masksPasswordsInUris() {
    assertThat(AmqpBackend.mask(java.net.URI.create("amqps://u:secret@h:5671/v?x=1")))
        .isEqualTo("amqps://u:***@h:5671/v")
        .doesNotContain("secret");
    assertThat(AmqpBackend.mask(java.net.URI.create("amqp://h"))).isEqualTo("amqp://h");
  }

  @Test
  void builderValidatesOptions() {
    assertThatThrownBy(() -> AmqpBackend.builder().uri("http://h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().prefetch(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().confirmWindow(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().exchange("bad.channel", "x"))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://u:p@h:5672/%zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("u:p");
    AmqpBackend b =
        AmqpBackend.builder().uri("amqp://u:pw@h/").pravalChannel("py", "praval.spores").build();
    assertThat(b.exchangeFor("py")).isEqualTo("praval.spores");
    assertThat(b.exchangeFor("main")).isEqualTo("reef.main");
    assertThat(b.mailboxQueueFor("main", "bob")).isEqualTo("reef.main.bob");
    assertThat(b.toString()).doesNotContain("pw");
  }

  @Test
  void providerHandlesAmqpSchemes() {
    AmqpBackendProvider p = new AmqpBackendProvider();
    assertThat(p.supports(java.net.URI.create("amqp://h"))).isTrue();
    assertThat(p.supports(java.net.URI.create("AMQPS://h"))).isTrue();
    assertThat(p.supports(java.net.URI.create("memory://h"))).isFalse();
    assertThat(p.create(java.net.URI.create("amqp://h"))).isInstanceOf(AmqpBackend.class);
    assertThat(java.util.ServiceLoader.load(dev.reef.spi.ReefBackendProvider.class).stream())
        .anyMatch(x -> x.type() == AmqpBackendProvider.class);
  }

  @Test
  void amqpsUsesVerifiedTlsOnPort5671AndAmqpDoesNot() throws Exception {
    com.rabbitmq.client.ConnectionFactory tls =
        AmqpBackend.builder().uri("amqps://u:p@broker.example").build().connectionFactory();
    assertThat(tls.isSSL()).isTrue();
    assertThat(tls.getPort()).isEqualTo(5671);
    assertThat(tls.getUsername()).isEqualTo("u");
    com.rabbitmq.client.ConnectionFactory plain =
        AmqpBackend.builder().uri("amqp://u:p@broker.example/vh").build().connectionFactory();
    assertThat(plain.isSSL()).isFalse();
    assertThat(plain.getPort()).isEqualTo(5672);
    assertThat(plain.getVirtualHost()).isEqualTo("vh");
    assertThat(plain.isAutomaticRecoveryEnabled()).isTrue();
    assertThat(plain.isTopologyRecoveryEnabled()).isTrue();
    assertThatThrownBy(
            () -> AmqpBackend.builder().uri("amqp://u:sec:ret@h/").build().connectionFactory())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sec")
        .hasMessageNotContaining("ret");
  }

  private void assertMalformed(AMQP.BasicProperties p, String body, String expected) {
    assertThatThrownBy(
            () ->
                mapper.decode(
                    "broadcast.knowledge", p, body.getBytes(StandardCharsets.UTF_8), 1000))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(expected);
  }

  private static AMQP.BasicProperties props(Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder()
        .messageId("m-1")
        .type("knowledge")
        .headers(new HashMap<>(headers))
        .build();
  }

  private Spore decodeFixture(String name) throws Exception {
    JsonNode f;
    try (InputStream in = getClass().getResourceAsStream("/praval/" + name)) {
      f = JSON.readTree(in);
    }
    JsonNode p = f.get("properties");
    Map<String, Object> headers = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : f.get("headers").properties()) {
      headers.put(e.getKey(), e.getValue().asText());
    }
    AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder().headers(headers);
    if (!p.get("message_id").isNull()) {
      b.messageId(p.get("message_id").asText());
    }
    if (!p.get("priority").isNull()) {
      b.priority(p.get("priority").asInt());
    }
    if (!p.get("timestamp").isNull()) {
      b.timestamp(new Date(p.get("timestamp").asLong() * 1000));
    }
    if (!p.get("expiration").isNull()) {
      b.expiration(p.get("expiration").asText());
    }
    return mapper.decode(
        f.get("routing_key").asText(),
        b.build(),
        f.get("body").asText().getBytes(StandardCharsets.UTF_8),
        1024 * 1024);
  }
}
