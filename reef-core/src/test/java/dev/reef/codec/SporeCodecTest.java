package dev.reef.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SporeCodecTest {
  private static final Instant CREATED = Instant.parse("2026-11-21T23:30:51.060797Z");

  private final SporeCodec codec = SporeCodec.ofDefaults();

  private static Spore fullSpore() {
    Map<String, Object> knowledge = new LinkedHashMap<>();
    knowledge.put("question", "status?");
    knowledge.put("n", 1);
    knowledge.put("big", new BigInteger("18446744073709551617"));
    knowledge.put("long", Long.MIN_VALUE);
    knowledge.put("neg_zero", -0.0);
    knowledge.put("tiny", Double.MIN_VALUE);
    knowledge.put("exact", new BigDecimal("1E+400"));
    knowledge.put("unicode", "Grüße \uD83E\uDEB8 שלום \u0007");
    knowledge.put("nested", Map.of("list", List.of(1, "two", true)));
    knowledge.put("nothing", null);
    knowledge.put("empty", Map.of());
    return Spore.builder()
        .id("a29d2285-5673-442a-9186-46dff2a9e237")
        .type(SporeType.REQUEST)
        .fromAgent("alice")
        .toAgent("bob")
        .knowledge(knowledge)
        .createdAt(CREATED)
        .expiresIn(Duration.ofSeconds(60))
        .priority(9)
        .replyTo("prev-id")
        .metadata(Map.of("tags", List.of("a", "b")))
        .knowledgeReferences(List.of("mem-1"))
        .dataReferences(List.of("s3://bucket/key"))
        .correlationId("c-1")
        .causationId("ca-1")
        .traceId("t-1")
        .runId("r-1")
        .idempotencyKey("i-1")
        .build();
  }

  @Test
  void roundTripsEveryFieldCompactAndPretty() {
    Spore spore = fullSpore();

    assertThat(codec.decode(codec.encode(spore))).isEqualTo(spore);
    assertThat(codec.decode(codec.encodeToString(spore))).isEqualTo(spore);
    SporeCodec pretty = SporeCodec.builder().prettyPrint(true).build();
    assertThat(pretty.encodeToString(spore)).contains("\n  \"spore_type\": \"request\",\n");
    assertThat(pretty.decode(pretty.encode(spore))).isEqualTo(spore);
  }

  @Test
  void roundTripsAMinimalSpore() {
    Spore spore = Spore.builder().type(SporeType.BROADCAST).fromAgent("a").build();

    Spore back = codec.decode(codec.encode(spore));

    assertThat(back).isEqualTo(spore);
    assertThat(back.knowledge()).isNull();
    assertThat(back.metadata()).isEmpty();
  }

  @Test
  void writesSnakeCaseFieldsInPravalsOrderWithUtcTimestamps() {
    Map<String, Object> doc = PravalJsonFixturesTest.parse(codec.encodeToString(fullSpore()));

    assertThat(new ArrayList<>(doc.keySet()))
        .containsExactly(
            "id",
            "spore_type",
            "from_agent",
            "to_agent",
            "knowledge",
            "created_at",
            "expires_at",
            "priority",
            "reply_to",
            "metadata",
            "knowledge_references",
            "data_references",
            "schema_version",
            "payload",
            "content_parts",
            "correlation_id",
            "causation_id",
            "trace_id",
            "run_id",
            "idempotency_key");
    assertThat(doc.get("created_at")).isEqualTo("2026-11-21T23:30:51.060797+00:00");
    assertThat(doc.get("expires_at")).isEqualTo("2026-11-21T23:31:51.060797+00:00");
    assertThat(doc.get("payload")).isEqualTo(doc.get("knowledge"));
    assertThat(doc.get("content_parts")).isEqualTo(List.of());
    assertThat(doc.get("schema_version")).isEqualTo("1.0");
  }

  @Test
  void pravalFieldsCanBeLeftOut() {
    SporeCodec lean = SporeCodec.builder().pravalFields(false).build();
    Spore spore = fullSpore();

    Map<String, Object> doc = PravalJsonFixturesTest.parse(lean.encodeToString(spore));

    assertThat(doc).doesNotContainKeys("payload", "content_parts");
    assertThat(lean.decode(lean.encode(spore))).isEqualTo(spore);
  }

  @Test
  void keepsUnknownTopLevelFieldsInMetadataAndWritesThemBack() {
    String json =
        "{\"id\":\"x\",\"spore_type\":\"knowledge\",\"from_agent\":\"a\","
            + "\"created_at\":\"2026-11-21T23:30:51\",\"knowledge\":{\"k\":1},"
            + "\"payload\":{\"k\":2},\"future_field\":[1,{\"z\":null}]}";

    Spore spore = codec.decode(json);

    assertThat(spore.metadata())
        .containsEntry("praval.payload", Map.of("k", 2))
        .containsEntry("praval.future_field", Arrays.asList(1, mapOfNull("z")));
    Map<String, Object> doc = PravalJsonFixturesTest.parse(codec.encodeToString(spore));
    assertThat(doc.get("payload")).isEqualTo(Map.of("k", 2));
    assertThat(doc.get("future_field")).isEqualTo(Arrays.asList(1, mapOfNull("z")));
    assertThat((Map<?, ?>) doc.get("metadata")).isEmpty();
    assertThat(codec.decode(codec.encode(spore))).isEqualTo(spore);
  }

  @Test
  void aMetadataKeyNamingAReefFieldStaysMetadata() {
    Spore spore =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("a")
            .metadata(Map.of("praval.id", "not-the-id"))
            .build();

    Map<String, Object> doc = PravalJsonFixturesTest.parse(codec.encodeToString(spore));

    assertThat(doc.get("id")).isEqualTo(spore.id());
    assertThat(PravalJsonFixturesTest.asMap(doc.get("metadata")))
        .containsEntry("praval.id", "not-the-id");
  }

  @Test
  void refusesAReservedMetadataKeyThatCollidesWithATopLevelField() {
    String json =
        "{\"id\":\"x\",\"spore_type\":\"knowledge\",\"from_agent\":\"a\","
            + "\"created_at\":\"2026-11-21T23:30:51\",\"knowledge\":{},\"payload\":{\"p\":1},"
            + "\"metadata\":{\"praval.payload\":{\"q\":2}}}";

    assertField(() -> codec.decode(json), "metadata", "reserved");
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-21T23:30:51.060797, 2026-11-21T23:30:51.060797Z",
    "2026-11-21T23:30:51, 2026-11-21T23:30:51Z",
    "2026-11-21T23:30:51Z, 2026-11-21T23:30:51Z",
    "2026-11-21T23:30:51.123Z, 2026-11-21T23:30:51.123Z",
    "2026-11-21T23:30:51.060797+00:00, 2026-11-21T23:30:51.060797Z",
    "2026-11-21T23:30:51.5+0000, 2026-11-21T23:30:51.500Z",
    "2026-11-22T01:30:51.060797+02:00, 2026-11-21T23:30:51.060797Z",
    "2026-11-21 23:30:51.060797, 2026-11-21T23:30:51.060797Z",
    "2026-11-21T23:30:51.123456789Z, 2026-11-21T23:30:51.123456789Z"
  })
  void readsTimestampsWithAndWithoutOffset(String text, String expected) {
    assertThat(Timestamps.parse("created_at", text)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void writesTimestampsWithSixOrNineDigitsAndAnOffset() {
    assertThat(Timestamps.format(Instant.parse("2026-11-21T23:30:51Z")))
        .isEqualTo("2026-11-21T23:30:51.000000+00:00");
    assertThat(Timestamps.format(Instant.parse("2026-01-02T03:04:05.060797Z")))
        .isEqualTo("2026-01-02T03:04:05.060797+00:00");
    assertThat(Timestamps.format(Instant.parse("2026-11-21T23:30:51.123456789Z")))
        .isEqualTo("2026-11-21T23:30:51.123456789+00:00");
    Instant t = Instant.parse("2026-11-21T23:30:51.000000001Z");
    assertThat(Timestamps.parse("created_at", Timestamps.format(t))).isEqualTo(t);
  }

  @Test
  void refusesBadTimestampsNamingTheField() {
    assertField(() -> Timestamps.parse("created_at", "yesterday"), "created_at", "yesterday");
    assertField(() -> Timestamps.parse("created_at", "2026-13-01T00:00:00"), "created_at", "ISO");
    assertField(() -> codec.decode(doc("\"expires_at\":\"soon\"")), "expires_at", "soon");
  }

  @Test
  void nonFiniteNumbersCanBeRefused() {
    SporeCodec strict = SporeCodec.builder().allowNonFiniteNumbers(false).build();
    Spore withNaN =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("a")
            .knowledge(Map.of("x", Double.NaN))
            .build();

    assertField(() -> strict.encode(withNaN), "knowledge", "NaN");
    assertField(
        () -> strict.decodeKnowledge("{\"x\":NaN}".getBytes(StandardCharsets.UTF_8)), "json", "");
    assertThat(codec.decodeKnowledge(codec.encodeKnowledge(withNaN.knowledge())).get("x"))
        .isEqualTo(Double.NaN);
  }

  @Test
  void keepsNumbersOutOfDoubleRangeExactly() {
    Map<String, Object> k =
        codec.decodeKnowledge(
            "{\"huge\":1e400,\"tiny\":1e-400,\"negzero\":-0.0,\"zero\":0e10}"
                .getBytes(StandardCharsets.UTF_8));

    assertThat(k.get("huge")).isEqualTo(new BigDecimal("1e400"));
    assertThat(k.get("tiny")).isEqualTo(new BigDecimal("1e-400"));
    assertThat(Double.doubleToRawLongBits((Double) k.get("negzero")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(k.get("zero")).isEqualTo(0.0);
  }

  @Test
  void knowledgeBodiesRoundTrip() {
    Map<String, Object> k = new LinkedHashMap<>(fullSpore().knowledge());

    byte[] body = codec.encodeKnowledge(k);

    assertThat(codec.decodeKnowledge(body)).isEqualTo(k);
    assertThat(new String(codec.encodeKnowledge(null), StandardCharsets.UTF_8)).isEqualTo("null");
    assertThat(codec.decodeKnowledge("null".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(codec.decodeKnowledge(" {} ".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void refusesBadKnowledgeBodies() {
    assertField(() -> codec.decodeKnowledge(utf8("[1,2]")), "knowledge", "an array");
    assertField(() -> codec.decodeKnowledge(utf8("\"text\"")), "knowledge", "a string");
    assertField(() -> codec.decodeKnowledge(utf8("42")), "knowledge", "a number");
    assertField(() -> codec.decodeKnowledge(utf8("{\"a\":")), "json", "malformed");
    assertField(() -> codec.decodeKnowledge(utf8("not json")), "json", "malformed");
    assertField(() -> codec.decodeKnowledge(utf8("")), "json", "empty");
    assertField(() -> codec.decodeKnowledge(utf8("{} {}")), "json", "after the knowledge");
    assertField(() -> codec.decodeKnowledge(utf8("{\"a\":1,\"a\":2}")), "json", "Duplicate");
    assertField(() -> codec.encodeKnowledge(Map.of("x", new Object())), "knowledge", "JSON-shaped");
    assertField(
        () -> codec.encodeKnowledge(Map.of("x", Map.of(1, 2))),
        "knowledge",
        "keys must be strings");
  }

  @Test
  void refusesMalformedAndNonObjectDocuments() {
    assertField(() -> codec.decode("{\"id\": "), "json", "malformed");
    assertField(() -> codec.decode("{'id': 'x'}"), "json", "malformed");
    assertField(() -> codec.decode(""), "json", "empty");
    assertField(() -> codec.decode("[1]"), "json", "an array");
    assertField(() -> codec.decode(doc("") + " []"), "json", "after the spore");
    assertField(() -> codec.decode("{\"id\":\"x\",\"id\":\"y\"}"), "json", "Duplicate");
  }

  @Test
  void refusesMissingRequiredFields() {
    String created = "\"created_at\":\"2026-11-21T23:30:51\"";
    assertField(
        () -> codec.decode("{\"spore_type\":\"knowledge\",\"from_agent\":\"a\"," + created + "}"),
        "id",
        "missing");
    assertField(
        () -> codec.decode("{\"id\":\"x\",\"from_agent\":\"a\"," + created + "}"),
        "spore_type",
        "missing");
    assertField(
        () -> codec.decode("{\"id\":\"x\",\"spore_type\":\"knowledge\"," + created + "}"),
        "from_agent",
        "missing");
    assertField(
        () -> codec.decode("{\"id\":\"x\",\"spore_type\":\"knowledge\",\"from_agent\":\"a\"}"),
        "created_at",
        "missing");
  }

  @Test
  void refusesBadPriorities() {
    assertField(() -> codec.decode(doc("\"priority\":0")), "priority", "was 0");
    assertField(() -> codec.decode(doc("\"priority\":11")), "priority", "was 11");
    assertField(() -> codec.decode(doc("\"priority\":5.5")), "priority", "5.5");
    assertField(() -> codec.decode(doc("\"priority\":\"5\"")), "priority", "a string");
    assertField(() -> codec.decode(doc("\"priority\":99999999999")), "priority", "99999999999");
    assertThat(codec.decode(doc("")).priority()).isEqualTo(Spore.DEFAULT_PRIORITY);
  }

  @Test
  void refusesWrongTypesNamingTheField() {
    assertField(() -> codec.decode(doc("\"knowledge\":[1,2]")), "knowledge", "an array");
    assertField(() -> codec.decode(doc("\"knowledge\":\"text\"")), "knowledge", "a string");
    assertField(() -> codec.decode(doc("\"to_agent\":7")), "to_agent", "a number");
    assertField(() -> codec.decode(doc("\"metadata\":[]")), "metadata", "an array");
    assertField(
        () -> codec.decode(doc("\"knowledge_references\":[1]")),
        "knowledge_references",
        "a number");
    assertField(() -> codec.decode(doc("\"data_references\":\"x\"")), "data_references", "string");
    assertField(() -> codec.decode(doc("\"trace_id\":{}")), "trace_id", "an object");
    assertField(() -> codec.decode(doc("\"schema_version\":1")), "schema_version", "a number");
    assertField(() -> codec.decode(doc("\"expires_at\":false")), "expires_at", "a boolean");
  }

  @Test
  void refusesBadValuesNamingTheField() {
    assertField(() -> codec.decode(doc("\"spore_type\":\"REQUEST\"")), "spore_type", "REQUEST");
    assertField(() -> codec.decode(doc("\"from_agent\":\"data..analyst\"")), "from_agent", "'..'");
    assertField(() -> codec.decode(doc("\"from_agent\":\"\"")), "from_agent", "blank");
    assertField(() -> codec.decode(doc("\"id\":\" \"")), "id", "blank");
  }

  @Test
  void emptyStringsInOptionalFieldsMeanAbsent() {
    Spore spore =
        codec.decode(
            doc(
                "\"to_agent\":\"\",\"reply_to\":\"\",\"expires_at\":\"\",\"correlation_id\":\"\","
                    + "\"causation_id\":\"\",\"trace_id\":\"\",\"run_id\":\"\","
                    + "\"idempotency_key\":\"\",\"schema_version\":\"\""));

    assertThat(spore.toAgent()).isNull();
    assertThat(spore.replyTo()).isNull();
    assertThat(spore.expiresAt()).isNull();
    assertThat(spore.correlationId()).isNull();
    assertThat(spore.causationId()).isNull();
    assertThat(spore.traceId()).isNull();
    assertThat(spore.runId()).isNull();
    assertThat(spore.idempotencyKey()).isNull();
    assertThat(spore.schemaVersion()).isEqualTo(Spore.SCHEMA_VERSION);
  }

  @Test
  void enforcesTheKnowledgeLimitWhenDecoding() {
    // 10 MiB + 1 byte of serialized knowledge: {"k":"<s>"} is 8 bytes plus the string.
    String big = "x".repeat((int) Spore.DEFAULT_MAX_KNOWLEDGE_BYTES - 8 + 1);
    String json = doc("\"knowledge\":{\"k\":\"" + big + "\"}");
    assertField(() -> codec.decode(json), "knowledge", "at most 10485760 bytes, was 10485761");

    String fits = doc("\"knowledge\":{\"k\":\"" + big.substring(1) + "\"}");
    assertThat(codec.decode(fits).knowledgeBytes()).isEqualTo(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);

    SporeCodec small = SporeCodec.builder().maxKnowledgeBytes(16).build();
    assertField(
        () -> small.decode(doc("\"knowledge\":{\"k\":\"0123456789\"}")), "knowledge", "at most 16");
  }

  @Test
  void refusesDocumentsOverTheSizeLimitBeforeParsing() {
    SporeCodec small = SporeCodec.builder().maxDocumentBytes(64).build();

    assertField(() -> small.decode(doc("")), "json", "at most 64 bytes");
    assertField(() -> small.decodeKnowledge(new byte[65]), "json", "at most 64 bytes");
    assertThat(SporeCodec.ofDefaults().maxDocumentBytes())
        .isEqualTo(16 * Spore.DEFAULT_MAX_KNOWLEDGE_BYTES + (1 << 20));
  }

  @Test
  void refusesInvalidOptions() {
    assertThatThrownBy(() -> SporeCodec.builder().maxKnowledgeBytes(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxKnowledgeBytes");
    assertThatThrownBy(() -> SporeCodec.builder().maxDocumentBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDocumentBytes");
  }

  @Test
  void refusesExcessiveNesting() {
    String deep = "[".repeat(1500) + "]".repeat(1500);
    assertField(() -> codec.decodeKnowledge(utf8("{\"d\":" + deep + "}")), "knowledge", "nesting");
    String veryDeep = "[".repeat(100_000) + "]".repeat(100_000);
    assertField(
        () -> codec.decode("{\"knowledge\":{\"a\":" + veryDeep + "}}"), "knowledge", "nesting");
    assertField(() -> codec.decode("{\"x\":" + veryDeep + "}"), "x", "nesting");
  }

  private static String doc(String extraFields) {
    String base =
        "\"id\":\"x\",\"spore_type\":\"knowledge\",\"from_agent\":\"a\","
            + "\"created_at\":\"2026-11-21T23:30:51\"";
    // a base field named again in extraFields is replaced, so the document has no duplicates
    StringBuilder sb = new StringBuilder("{");
    for (String field : base.split(",")) {
      String name = field.substring(0, field.indexOf(':'));
      if (!extraFields.contains(name + ":")) {
        sb.append(field).append(',');
      }
    }
    sb.append(extraFields);
    if (sb.charAt(sb.length() - 1) == ',') {
      sb.setLength(sb.length() - 1);
    }
    return sb.append('}').toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> mapOfNull(String key) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, null);
    return m;
  }

  private static void assertField(Runnable call, String field, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((SporeValidationException) e).field()).isEqualTo(field));
  }
}
