package dev.reef.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.reef.Spore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code json-<case>.json} written by Praval 0.8.1's {@code Spore.to_json()} decodes with
 * every field equal to the fixture's own value (parsed independently with Jackson databind), and
 * survives a write back without losing anything.
 */
class PravalJsonFixturesTest {
  /** An independent reader: Jackson databind, with Python's NaN/Infinity tokens allowed. */
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private static final List<String> TRACING_IDS =
      List.of("correlation_id", "causation_id", "trace_id", "run_id", "idempotency_key");

  private final SporeCodec codec = SporeCodec.ofDefaults();

  static Stream<String> cases() {
    Map<String, Object> manifest = parse(resource("manifest.json"));
    List<String> names = new ArrayList<>();
    for (Object c : (List<?>) manifest.get("cases")) {
      names.add((String) ((Map<?, ?>) c).get("case"));
    }
    return names.stream();
  }

  @Test
  void theManifestListsEveryJsonFixture() {
    assertThat(cases()).hasSize(20).contains("knowledge-directed", "edge-nonfinite-floats", "full");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodesEveryFieldOfPravalJson(String name) {
    String text = resource("json-" + name + ".json");
    Map<String, Object> doc = parse(text);

    Spore spore = codec.decode(text);

    assertThat(spore.id()).isEqualTo(doc.get("id"));
    assertThat(spore.type().wireName()).isEqualTo(doc.get("spore_type"));
    assertThat(spore.fromAgent()).isEqualTo(doc.get("from_agent"));
    assertThat(spore.toAgent()).isEqualTo(emptyToNull(doc.get("to_agent")));
    assertThat(spore.knowledge()).isEqualTo(doc.get("knowledge"));
    assertThat(spore.createdAt()).isEqualTo(naiveUtc(doc.get("created_at")));
    assertThat(spore.expiresAt()).isEqualTo(naiveUtc(doc.get("expires_at")));
    assertThat(spore.priority()).isEqualTo(doc.get("priority"));
    assertThat(spore.replyTo()).isEqualTo(emptyToNull(doc.get("reply_to")));
    assertThat(spore.knowledgeReferences()).isEqualTo(doc.get("knowledge_references"));
    assertThat(spore.dataReferences()).isEqualTo(doc.get("data_references"));
    assertThat(spore.schemaVersion()).isEqualTo(doc.get("schema_version"));
    assertThat(spore.correlationId()).isEqualTo(emptyToNull(doc.get("correlation_id")));
    assertThat(spore.causationId()).isEqualTo(emptyToNull(doc.get("causation_id")));
    assertThat(spore.traceId()).isEqualTo(emptyToNull(doc.get("trace_id")));
    assertThat(spore.runId()).isEqualTo(emptyToNull(doc.get("run_id")));
    assertThat(spore.idempotencyKey()).isEqualTo(emptyToNull(doc.get("idempotency_key")));

    // Praval-only fields: kept in metadata exactly when Reef could not rebuild them.
    Map<String, Object> expectedMetadata = new LinkedHashMap<>(asMap(doc.get("metadata")));
    if (!Objects.equals(doc.get("payload"), doc.get("knowledge"))) {
      expectedMetadata.put(SporeCodec.PRAVAL_PAYLOAD_KEY, doc.get("payload"));
    }
    if (!((List<?>) doc.get("content_parts")).isEmpty()) {
      expectedMetadata.put(SporeCodec.PRAVAL_CONTENT_PARTS_KEY, doc.get("content_parts"));
    }
    assertThat(spore.metadata()).isEqualTo(expectedMetadata);
    // Every top-level field of the fixture is one the codec maps (none lands anywhere unknown).
    assertThat(doc.keySet())
        .allMatch(
            k ->
                SporeJsonFormat.REEF_FIELDS.contains(k)
                    || k.equals("payload")
                    || k.equals("content_parts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writesPravalJsonBackWithoutLosingAnything(String name) {
    Map<String, Object> original = parse(resource("json-" + name + ".json"));

    Spore spore = codec.decode(resource("json-" + name + ".json"));
    Map<String, Object> rewritten = parse(codec.encodeToString(spore));

    // Same fields in Praval's order, the same values; timestamps as instants, "" as null.
    assertThat(new ArrayList<>(rewritten.keySet())).isEqualTo(new ArrayList<>(original.keySet()));
    for (String field : original.keySet()) {
      Object was = original.get(field);
      Object now = rewritten.get(field);
      if (field.equals("created_at") || field.equals("expires_at")) {
        assertThat(now == null ? null : Timestamps.parse(field, (String) now))
            .as(field)
            .isEqualTo(naiveUtc(was));
      } else {
        assertThat(now).as(field).isEqualTo(emptyToNull(was));
      }
    }
    // And reading the rewritten document gives the same spore.
    assertThat(codec.decode(codec.encode(spore))).isEqualTo(spore);
  }

  @Test
  void keepsEdgeNumbersExact() {
    Map<String, Object> k = codec.decode(resource("json-edge-numbers.json")).knowledge();

    assertThat(k.get("int_2_53_plus_1")).isEqualTo(9007199254740993L);
    assertThat(k.get("int64_max")).isEqualTo(Long.MAX_VALUE);
    assertThat(k.get("int64_min")).isEqualTo(Long.MIN_VALUE);
    assertThat(k.get("uint64_max_plus_1")).isEqualTo(new BigInteger("18446744073709551617"));
    assertThat(k.get("float_0_1_plus_0_2")).isEqualTo(0.1 + 0.2);
    assertThat(Double.doubleToRawLongBits((Double) k.get("float_neg_zero")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(k.get("float_tiny")).isEqualTo(Double.MIN_VALUE);
    assertThat(k.get("float_max")).isEqualTo(Double.MAX_VALUE);
    assertThat(k.get("float_1e16")).isEqualTo(1e16);
    assertThat(k.get("float_1_5")).isEqualTo(1.5);

    // and they are written so that they read back identically
    String written = new String(codec.encodeKnowledge(k), StandardCharsets.UTF_8);
    assertThat(written).contains("18446744073709551617").contains("-0.0");
    assertThat(codec.decodeKnowledge(codec.encodeKnowledge(k))).isEqualTo(k);
  }

  @Test
  void readsPythonNonFiniteTokensAsDoubles() {
    Spore spore = codec.decode(resource("json-edge-nonfinite-floats.json"));

    assertThat((Double) spore.knowledge().get("nan")).isNaN();
    assertThat(spore.knowledge().get("inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(spore.knowledge().get("neg_inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(spore.knowledge().get("ok")).isEqualTo(1.0);
    String body = new String(codec.encodeKnowledge(spore.knowledge()), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"nan\":NaN,\"inf\":Infinity,\"neg_inf\":-Infinity,\"ok\":1.0}");
  }

  @Test
  void readsUnicodeAndEscapesExactly() {
    Spore spore = codec.decode(resource("json-knowledge-directed.json"));

    assertThat((String) spore.knowledge().get("text"))
        .contains("Grüße aus Köln")
        .contains("\uD83E\uDEB8\uD83D\uDC20")
        .contains("שלום");
    assertThat(spore.knowledge().get("escapes"))
        .isEqualTo("quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul-free");
    assertThat(spore.knowledge().get("float_whole")).isEqualTo(2.0);
    assertThat(spore.knowledge().get("int")).isEqualTo(42);
  }

  @Test
  void keepsADifferingPayloadAndContentPartsInMetadata() {
    Spore full = codec.decode(resource("json-full.json"));

    assertThat(full.metadata())
        .containsEntry("m", 1)
        .containsEntry(SporeCodec.PRAVAL_PAYLOAD_KEY, Map.of("q", "everything", "raw", true))
        .containsKey(SporeCodec.PRAVAL_CONTENT_PARTS_KEY);
    Spore plain = codec.decode(resource("json-request.json"));
    assertThat(plain.metadata()).isEmpty();
  }

  @Test
  void takesEmptyStringsAsAbsent() {
    Spore spore = codec.decode(resource("json-edge-empty-strings.json"));

    assertThat(spore.toAgent()).isNull();
    assertThat(spore.replyTo()).isNull();
    assertThat(spore.correlationId()).isNull();
    assertThat(spore.traceId()).isNull();
    assertThat(spore.knowledge()).containsEntry("empty", "");
  }

  @Test
  void prettyPrintsInPravalsLayout() {
    SporeCodec pretty = SporeCodec.builder().prettyPrint(true).build();
    for (String name :
        List.of("broadcast", "full", "content-parts", "metadata", "knowledge-null")) {
      String praval = resource("json-" + name + ".json");
      String ours = pretty.encodeToString(pretty.decode(praval));
      // Identical text once our UTC offset is taken off the timestamps.
      assertThat(ours.replace(".000000+00:00\"", "\"").replace("+00:00\"", "\""))
          .as(name)
          .isEqualTo(unescapeAstral(praval));
    }
  }

  /** Praval escapes non-ASCII (ensure_ascii); this codec writes UTF-8. */
  private static String unescapeAstral(String s) {
    return s.replace("\\ud83e\\udeb8", "\uD83E\uDEB8");
  }

  private static Instant naiveUtc(Object text) {
    return text == null ? null : LocalDateTime.parse((String) text).toInstant(ZoneOffset.UTC);
  }

  private static Object emptyToNull(Object v) {
    return "".equals(v) ? null : v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String json) {
    try {
      return MAPPER.readValue(json, LinkedHashMap.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String resource(String name) {
    try (InputStream in = PravalJsonFixturesTest.class.getResourceAsStream("/praval/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /praval/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
