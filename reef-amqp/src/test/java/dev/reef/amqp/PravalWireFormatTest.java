package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.Frame;
import dev.reef.Spore;
import dev.reef.codec.SporeCodec;
import dev.reef.codec.Timestamps;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6: Reef speaks the Python Praval reef's AMQP format, checked against every message Praval
 * 0.8.1 put on the wire ({@code src/test/resources/praval/amqp-*.json}).
 *
 * <ul>
 *   <li>Reading: each recorded message, as the RabbitMQ Java client delivers it (properties and
 *       headers decoded by the client from the captured frame bytes), decodes with every field of
 *       the spore Praval sent, and at least everything Praval's own decoder recovers ({@code
 *       praval-decoded-*.json}).
 *   <li>Writing: the same spores encoded for a Praval-layout channel have Praval's routing key,
 *       exactly Praval's 14 headers as {@code longstr} with its values, its properties, and a body
 *       that Praval reads back to the same knowledge, payload, content parts and references.
 * </ul>
 */
class PravalWireFormatTest {
  private static final SporeCodec CODEC = SporeCodec.ofDefaults();
  private static final long MAX_BODY = 16L * 1024 * 1024;
  private static final String ENVELOPE = "_praval_spore_envelope";
  private static final Set<String> PRAVAL_HEADERS =
      Set.of(
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

  private final AmqpSporeMapper mapper = new AmqpSporeMapper();

  static List<String> cases() {
    return PravalWireFixture.cases();
  }

  @Test
  void everyRecordedCaseIsCovered() {
    assertThat(cases()).hasSize(20).contains("knowledge-untargeted");
    for (String name : cases()) {
      PravalWireFixture f = PravalWireFixture.load(name);
      assertThat(f.pravalDecoded()).as(name + ": Praval's own decoding").isNotEmpty();
      assertThat(f.routingKey).as(name + ": routing key").isEqualTo(f.json.get("routing_key"));
    }
  }

  /**
   * Issue 12 item 14: the KNOWLEDGE spore Praval sends with no {@code to_agent} routes like a
   * broadcast ({@code broadcast.knowledge}, {@code to_agent = ""}); Reef reads it as an undirected
   * knowledge spore and writes it back on the same route.
   */
  @Test
  void untargetedKnowledgeRoutesAsABroadcastOfKnowledge() throws Exception {
    PravalWireFixture f = PravalWireFixture.load("knowledge-untargeted");
    assertThat(f.routingKey).isEqualTo("broadcast.knowledge");
    assertThat(f.headerValues())
        .containsEntry("to_agent", "")
        .containsEntry("spore_type", "knowledge");

    Spore s = mapper.decode(f.routingKey, f.properties, f.body, MAX_BODY);

    assertThat(s.type()).isEqualTo(dev.reef.SporeType.KNOWLEDGE);
    assertThat(s.toAgent()).isNull();
    assertThat(s.fromAgent()).isEqualTo("alice");
    assertThat(s.knowledge()).isEqualTo(Map.of("fact", "water is wet"));
    assertThat(mapper.encode(s, HeaderLayout.PRAVAL, true, s.createdAt()).routingKey())
        .isEqualTo("broadcast.knowledge");
    assertThat(mapper.encode(s, HeaderLayout.REEF, true, s.createdAt()).routingKey())
        .isEqualTo("broadcast.knowledge");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theFixtureIsRebuiltExactlyAsRecorded(String name) {
    PravalWireFixture f = PravalWireFixture.load(name);

    // The frames decoded by the client agree with the fixture's JSON description of them.
    assertThat(f.properties).isEqualTo(f.propertiesFromJson());
    assertThat(new String(f.body, StandardCharsets.UTF_8)).isEqualTo(f.json.get("body"));
    assertThat(f.routingKey).isEqualTo(f.json.get("routing_key"));
    assertThat(f.exchange).isEqualTo(f.json.get("exchange"));
    assertThat(f.headerTypeTags().values()).containsOnly("S");
  }

  // ------------------------------------------------------------------------------------ reading

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodesEveryFieldOfTheSporePravalSent(String name) throws Exception {
    PravalWireFixture f = PravalWireFixture.load(name);
    Spore o = f.original;

    Spore s = mapper.decode(f.routingKey, f.properties, f.body, MAX_BODY);

    assertThat(s.id()).as("id").isEqualTo(o.id());
    assertThat(s.type()).as("spore_type").isEqualTo(o.type());
    assertThat(s.fromAgent()).as("from_agent").isEqualTo(o.fromAgent());
    assertThat(s.toAgent()).as("to_agent").isEqualTo(o.toAgent());
    assertThat(s.knowledge()).as("knowledge").isEqualTo(o.knowledge());
    assertThat(s.createdAt()).as("created_at (µs, from the header)").isEqualTo(o.createdAt());
    assertThat(s.expiresAt()).as("expires_at (from the header)").isEqualTo(o.expiresAt());
    assertThat(s.priority()).as("priority").isEqualTo(o.priority());
    assertThat(s.replyTo()).as("reply_to").isEqualTo(o.replyTo());
    assertThat(s.knowledgeReferences())
        .as("knowledge_references")
        .isEqualTo(o.knowledgeReferences());
    assertThat(s.dataReferences()).as("data_references").isEqualTo(o.dataReferences());
    assertThat(s.schemaVersion()).as("schema_version").isEqualTo(o.schemaVersion());
    assertThat(s.correlationId()).as("correlation_id").isEqualTo(o.correlationId());
    assertThat(s.causationId()).as("causation_id").isEqualTo(o.causationId());
    assertThat(s.traceId()).as("trace_id").isEqualTo(o.traceId());
    assertThat(s.runId()).as("run_id").isEqualTo(o.runId());
    assertThat(s.idempotencyKey()).as("idempotency_key").isEqualTo(o.idempotencyKey());
    // Praval never puts metadata on the wire; what arrives is what Reef keeps of the Praval-only
    // fields (a differing payload, content parts), under the same keys as the JSON codec.
    assertThat(s.metadata()).as("metadata").isEqualTo(pravalOnly(o.metadata()));
    // and nothing else differs
    assertThat(s).isEqualTo(o.toBuilder().metadata(pravalOnly(o.metadata())).build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void readsAtLeastWhatPravalItselfReads(String name) throws Exception {
    PravalWireFixture f = PravalWireFixture.load(name);
    Map<String, Object> decoded = f.pravalDecoded();
    Map<String, Object> pravalFields =
        PravalWireFixture.map(
            decoded.containsKey("decoded_fields")
                ? decoded.get("decoded_fields")
                : CODEC.decodeKnowledge(
                    PravalWireFixture.str(decoded.get("decoded_fields_text"))
                        .getBytes(StandardCharsets.UTF_8)));
    List<?> lost = (List<?>) decoded.get("fields_lost_or_changed");

    Spore s = mapper.decode(f.routingKey, f.properties, f.body, MAX_BODY);

    // Reef's spore in Praval's field vocabulary (the JSON codec rebuilds payload/content_parts).
    Map<String, Object> reef = CODEC.decodeKnowledge(CODEC.encode(s));
    Map<String, Object> original = CODEC.decodeKnowledge(CODEC.encode(f.original));
    assertThat(reef.keySet()).containsAll(pravalFields.keySet());
    for (String field : pravalFields.keySet()) {
      Object praval = PravalWireFixture.map(pravalFields.get(field)).get("value");
      Object ours = reef.get(field);
      if (field.equals("created_at") || field.equals("expires_at")) {
        assertThat(instant(field, ours)).as(field).isEqualTo(instant(field, praval));
      } else if (field.equals("metadata")) {
        // Praval never sends metadata, so neither decoder can recover it.
        assertThat(ours).as(field).isEqualTo(Map.of()).isEqualTo(praval);
      } else if (!lost.contains(field)) {
        assertThat(ours).as(field + " (as Praval reads it)").isEqualTo(praval);
      } else {
        // Praval loses it (envelope collision, "" for None); Reef keeps the sent value.
        assertThat(ours)
            .as(field + " (Praval loses it, Reef keeps it)")
            .isEqualTo(original.get(field));
      }
    }
  }

  @Test
  void keepsKnowledgeThatLooksLikeAnEnvelopeWherePravalLosesIt() throws Exception {
    PravalWireFixture f = PravalWireFixture.load("edge-envelope-collision");

    Spore s = mapper.decode(f.routingKey, f.properties, f.body, MAX_BODY);

    assertThat(s.knowledge()).containsEntry(ENVELOPE, "2.0").containsEntry("note", "user data");
  }

  // ------------------------------------------------------------------------------------ writing

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writesPravalsShapeForAPravalChannel(String name) throws Exception {
    PravalWireFixture f = PravalWireFixture.load(name);
    Spore spore = f.original;
    Instant now = spore.createdAt();

    AmqpSporeMapper.Outgoing out = mapper.encode(spore, HeaderLayout.PRAVAL, true, now);
    AMQP.BasicProperties wire = throughTheWire(out.properties());

    assertThat(out.routingKey()).as("routing key").isEqualTo(f.routingKey);
    // Headers: exactly Praval's 14, every one a longstr, with Praval's values ("" for absent,
    // naive microsecond timestamps, priority as text).
    Map<String, Object> headers = wire.getHeaders();
    assertThat(headers.keySet()).isEqualTo(PRAVAL_HEADERS);
    assertThat(headers.keySet()).isEqualTo(f.headerTypeTags().keySet());
    for (Map.Entry<String, Object> h : headers.entrySet()) {
      assertThat(h.getValue()).as(h.getKey() + " is a longstr").isInstanceOf(LongString.class);
      assertThat(h.getValue().toString())
          .as("header " + h.getKey())
          .isEqualTo(f.headerValues().get(h.getKey()));
    }
    // Properties Praval sets.
    AMQP.BasicProperties praval = f.properties;
    assertThat(wire.getContentType()).isEqualTo(praval.getContentType());
    assertThat(wire.getDeliveryMode()).isEqualTo(praval.getDeliveryMode());
    assertThat(wire.getPriority()).isEqualTo(praval.getPriority());
    assertThat(wire.getMessageId()).isEqualTo(praval.getMessageId());
    assertThat(wire.getTimestamp()).isEqualTo(praval.getTimestamp());
    // The expiration in real milliseconds; Praval's is 1000 times too large (README surprise 1).
    if (praval.getExpiration() != null) {
      long pravalMillis = Long.parseLong(praval.getExpiration()) / 1000;
      // publish at the instant Praval published (its TTL was computed then)
      Instant publishedAt = spore.expiresAt().minusMillis(pravalMillis);
      AMQP.BasicProperties atPublish =
          mapper.encode(spore, HeaderLayout.PRAVAL, true, publishedAt).properties();
      assertThat(Long.parseLong(atPublish.getExpiration()))
          .as("expiration in ms (Praval's wire value / 1000)")
          .isBetween(pravalMillis, pravalMillis + 1);
    } else if (spore.expiresAt() == null) {
      assertThat(wire.getExpiration()).isNull();
    }
    // Body: what Praval's reader makes of it equals what was sent.
    Map<String, Object> body = CODEC.decodeKnowledge(out.body());
    assertThat(pravalReads(body))
        .as("body as Praval reads it")
        .isEqualTo(expectedPravalView(spore));
    boolean envelopeNeeded =
        !spore.knowledgeReferences().isEmpty()
            || !spore.dataReferences().isEmpty()
            || !pravalOnly(spore.metadata()).isEmpty();
    if (envelopeNeeded) {
      assertThat(body).containsEntry(ENVELOPE, "2.0");
    }
    if (isEnvelope(f.bodyJson()) && !name.equals("edge-envelope-collision")) {
      // Praval's own body is read by the emulation exactly as Praval read it
      assertThat(pravalReads(f.bodyJson())).isEqualTo(expectedPravalView(spore));
      assertThat(body).containsAllEntriesOf(f.bodyJson());
    }
    if (!isEnvelope(body)) {
      assertThat(body).as("plain knowledge body").isEqualTo(f.bodyJson());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reefToReefOverAPravalChannelKeepsEveryField(String name) throws Exception {
    Spore spore = PravalWireFixture.load(name).original;

    AmqpSporeMapper.Outgoing out = mapper.encode(spore, HeaderLayout.PRAVAL, true, Instant.now());
    Spore back =
        mapper.decode(out.routingKey(), throughTheWire(out.properties()), out.body(), MAX_BODY);

    assertThat(back).isEqualTo(spore);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theReefLayoutKeepsEveryFieldOfPravalSpores(String name) throws Exception {
    Spore spore = PravalWireFixture.load(name).original; // metadata, payload, parts included

    AmqpSporeMapper.Outgoing out = mapper.encode(spore, HeaderLayout.REEF, true, Instant.now());
    Spore back =
        mapper.decode(out.routingKey(), throughTheWire(out.properties()), out.body(), MAX_BODY);

    assertThat(back).isEqualTo(spore);
  }

  /**
   * Issue 12 item 13: Praval takes the type from the {@code spore_type} header only (else {@code
   * knowledge}) and delivers a directed spore only when its {@code to_agent} header names the
   * routing key's agent. Every recorded spore written in the lean Reef layout is read that way as
   * the type and target it has.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aReefLayoutSporeCarriesTheTypePravalReads(String name) throws Exception {
    Spore spore = PravalWireFixture.load(name).original;

    AmqpSporeMapper.Outgoing out = mapper.encode(spore, HeaderLayout.REEF, true, Instant.now());
    Map<String, Object> headers = throughTheWire(out.properties()).getHeaders();

    Object type = headers.getOrDefault("spore_type", "knowledge"); // Praval's reading
    assertThat(type.toString()).isEqualTo(spore.type().wireName());
    String[] key = out.routingKey().split("\\.");
    if (spore.toAgent() != null) {
      assertThat(headers.get("to_agent").toString()).isEqualTo(key[1]);
    } else {
      assertThat(key[0]).isEqualTo("broadcast");
      assertThat(headers.get("to_agent")).isNull();
    }
    assertThat(headers.get("from_agent").toString()).isEqualTo(spore.fromAgent());
  }

  // ------------------------------------------------------------------------------------ helpers

  /** The properties after the RabbitMQ client wrote them to a frame and read them back. */
  private static AMQP.BasicProperties throughTheWire(AMQP.BasicProperties props)
      throws IOException {
    Frame frame = props.toFrame(1, 0);
    DataInputStream in = frame.getInputStream();
    in.readUnsignedShort(); // class id; the constructor reads weight and body size
    return new AMQP.BasicProperties(in);
  }

  private static Map<String, Object> pravalOnly(Map<String, Object> metadata) {
    Map<String, Object> kept = new LinkedHashMap<>();
    metadata.forEach(
        (k, v) -> {
          if (k.startsWith(SporeCodec.PRAVAL_METADATA_PREFIX)) {
            kept.put(k, v);
          }
        });
    return kept;
  }

  private static boolean isEnvelope(Map<String, Object> body) {
    return body != null && "2.0".equals(body.get(ENVELOPE));
  }

  /**
   * What Praval 0.8.1's decoder takes from a body (README surprise 8/9, the collision case): a body
   * whose {@code _praval_spore_envelope} is "2.0" is an envelope, anything else is the knowledge.
   */
  private static Map<String, Object> pravalReads(Map<String, Object> body) {
    Map<String, Object> view = new LinkedHashMap<>();
    if (isEnvelope(body)) {
      view.put("knowledge", body.get("knowledge"));
      view.put("payload", body.get("payload"));
      view.put("content_parts", body.get("content_parts"));
      view.put("knowledge_references", body.get("knowledge_references"));
      view.put("data_references", body.get("data_references"));
    } else {
      view.put("knowledge", body);
      view.put("payload", body);
      view.put("content_parts", List.of());
      view.put("knowledge_references", List.of());
      view.put("data_references", List.of());
    }
    return view;
  }

  private static Map<String, Object> expectedPravalView(Spore s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("knowledge", s.knowledge());
    view.put(
        "payload",
        s.metadata().containsKey(SporeCodec.PRAVAL_PAYLOAD_KEY)
            ? s.metadata().get(SporeCodec.PRAVAL_PAYLOAD_KEY)
            : s.knowledge());
    view.put(
        "content_parts", s.metadata().getOrDefault(SporeCodec.PRAVAL_CONTENT_PARTS_KEY, List.of()));
    view.put("knowledge_references", s.knowledgeReferences());
    view.put("data_references", s.dataReferences());
    return view;
  }

  private static Instant instant(String field, Object text) {
    return text == null ? null : Timestamps.parse(field, (String) text);
  }
}
