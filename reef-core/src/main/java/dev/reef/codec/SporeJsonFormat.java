package dev.reef.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The spore's JSON document (docs/design.md#wire-format, the Python Praval {@code Spore.to_json}
 * layout): field names, order, null handling and the Praval-only fields kept in metadata. See
 * {@link SporeCodec} for the documented rules.
 */
final class SporeJsonFormat {
  /** Every top-level field the Reef spore models. Anything else is an extension field. */
  static final Set<String> REEF_FIELDS =
      Set.of(
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
          "correlation_id",
          "causation_id",
          "trace_id",
          "run_id",
          "idempotency_key");

  static final String PAYLOAD = "payload";
  static final String CONTENT_PARTS = "content_parts";

  private SporeJsonFormat() {}

  // ---------------------------------------------------------------------------------- writing

  static void write(JsonGenerator g, Spore s, boolean pravalFields, boolean allowNonFinite)
      throws IOException {
    Map<String, Object> meta = s.metadata();
    boolean hasExtensions = false;
    for (String k : meta.keySet()) {
      if (extensionField(k) != null) {
        hasExtensions = true;
        break;
      }
    }
    g.writeStartObject();
    g.writeStringField("id", s.id());
    g.writeStringField("spore_type", s.type().wireName());
    g.writeStringField("from_agent", s.fromAgent());
    writeNullable(g, "to_agent", s.toAgent());
    g.writeFieldName("knowledge");
    JsonValueWriter.writeValue(g, s.knowledge(), "knowledge", allowNonFinite);
    g.writeStringField("created_at", Timestamps.format(s.createdAt()));
    writeNullable(g, "expires_at", s.expiresAt() == null ? null : Timestamps.format(s.expiresAt()));
    g.writeNumberField("priority", s.priority());
    writeNullable(g, "reply_to", s.replyTo());
    g.writeFieldName("metadata");
    g.writeStartObject();
    for (Map.Entry<String, Object> e : meta.entrySet()) {
      if (!hasExtensions || extensionField(e.getKey()) == null) {
        g.writeFieldName(e.getKey());
        JsonValueWriter.writeValue(g, e.getValue(), "metadata", allowNonFinite);
      }
    }
    g.writeEndObject();
    writeStrings(g, "knowledge_references", s.knowledgeReferences());
    writeStrings(g, "data_references", s.dataReferences());
    g.writeStringField("schema_version", s.schemaVersion());
    if (meta.containsKey(SporeCodec.PRAVAL_PAYLOAD_KEY)) {
      g.writeFieldName(PAYLOAD);
      JsonValueWriter.writeValue(
          g, meta.get(SporeCodec.PRAVAL_PAYLOAD_KEY), "metadata", allowNonFinite);
    } else if (pravalFields) {
      g.writeFieldName(PAYLOAD);
      JsonValueWriter.writeValue(g, s.knowledge(), "knowledge", allowNonFinite);
    }
    if (meta.containsKey(SporeCodec.PRAVAL_CONTENT_PARTS_KEY)) {
      g.writeFieldName(CONTENT_PARTS);
      JsonValueWriter.writeValue(
          g, meta.get(SporeCodec.PRAVAL_CONTENT_PARTS_KEY), "metadata", allowNonFinite);
    } else if (pravalFields) {
      g.writeFieldName(CONTENT_PARTS);
      g.writeStartArray();
      g.writeEndArray();
    }
    writeNullable(g, "correlation_id", s.correlationId());
    writeNullable(g, "causation_id", s.causationId());
    writeNullable(g, "trace_id", s.traceId());
    writeNullable(g, "run_id", s.runId());
    writeNullable(g, "idempotency_key", s.idempotencyKey());
    if (hasExtensions) {
      for (Map.Entry<String, Object> e : meta.entrySet()) {
        String field = extensionField(e.getKey());
        if (field != null && !field.equals(PAYLOAD) && !field.equals(CONTENT_PARTS)) {
          g.writeFieldName(field);
          JsonValueWriter.writeValue(g, e.getValue(), "metadata", allowNonFinite);
        }
      }
    }
    g.writeEndObject();
  }

  /**
   * The top-level field a metadata key stands for ({@code praval.<field>} where the field is not
   * one the Reef spore models), or null for an ordinary metadata key.
   */
  static String extensionField(String metadataKey) {
    if (metadataKey.length() > SporeCodec.PRAVAL_METADATA_PREFIX.length()
        && metadataKey.startsWith(SporeCodec.PRAVAL_METADATA_PREFIX)) {
      String field = metadataKey.substring(SporeCodec.PRAVAL_METADATA_PREFIX.length());
      return REEF_FIELDS.contains(field) ? null : field;
    }
    return null;
  }

  private static void writeNullable(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  private static void writeStrings(JsonGenerator g, String name, Collection<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  // ---------------------------------------------------------------------------------- reading

  /** Reads a spore document; the parser is before the first token. */
  static Spore read(JsonParser p, long maxKnowledgeBytes) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new SporeValidationException("json", "the document is empty");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new SporeValidationException(
          "json", "a spore must be a JSON object, was " + JsonValueReader.describe(first));
    }
    String id = null;
    String type = null;
    String fromAgent = null;
    String toAgent = null;
    Map<String, Object> knowledge = null;
    String createdAt = null;
    String expiresAt = null;
    Integer priority = null;
    String replyTo = null;
    Map<String, Object> metadata = null;
    List<String> knowledgeRefs = null;
    List<String> dataRefs = null;
    String schemaVersion = null;
    String correlationId = null;
    String causationId = null;
    String traceId = null;
    String runId = null;
    String idempotencyKey = null;
    Map<String, Object> extensions = null;

    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "id":
          id = string(p, t, name, false);
          break;
        case "spore_type":
          type = string(p, t, name, false);
          break;
        case "from_agent":
          fromAgent = string(p, t, name, false);
          break;
        case "to_agent":
          toAgent = emptyToNull(string(p, t, name, true));
          break;
        case "knowledge":
          knowledge = objectOrNull(p, t, name);
          break;
        case "created_at":
          createdAt = string(p, t, name, false);
          break;
        case "expires_at":
          expiresAt = emptyToNull(string(p, t, name, true));
          break;
        case "priority":
          priority = priority(p, t);
          break;
        case "reply_to":
          replyTo = emptyToNull(string(p, t, name, true));
          break;
        case "metadata":
          metadata = objectOrNull(p, t, name);
          break;
        case "knowledge_references":
          knowledgeRefs = strings(p, t, name);
          break;
        case "data_references":
          dataRefs = strings(p, t, name);
          break;
        case "schema_version":
          schemaVersion = emptyToNull(string(p, t, name, true));
          break;
        case "correlation_id":
          correlationId = emptyToNull(string(p, t, name, true));
          break;
        case "causation_id":
          causationId = emptyToNull(string(p, t, name, true));
          break;
        case "trace_id":
          traceId = emptyToNull(string(p, t, name, true));
          break;
        case "run_id":
          runId = emptyToNull(string(p, t, name, true));
          break;
        case "idempotency_key":
          idempotencyKey = emptyToNull(string(p, t, name, true));
          break;
        default:
          if (extensions == null) {
            extensions = new LinkedHashMap<>();
          }
          extensions.put(
              name,
              JsonValueReader.readValue(
                  p, t, new JsonValueReader.Scope(name, Spore.MAX_NESTING_DEPTH)));
          break;
      }
    }
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      throw new SporeValidationException(
          "json",
          "unexpected content after the spore object: " + JsonValueReader.describe(trailing));
    }
    requirePresent("id", id);
    requirePresent("spore_type", type);
    requirePresent("from_agent", fromAgent);
    requirePresent("created_at", createdAt);

    if (extensions != null) {
      metadata = mergeExtensions(metadata, extensions, knowledge);
    }
    Spore.Builder b =
        Spore.builder()
            .id(id)
            .type(SporeType.fromWireName(type))
            .fromAgent(fromAgent)
            .toAgent(toAgent)
            .knowledge(knowledge)
            .createdAt(Timestamps.parse("created_at", createdAt))
            .expiresAt(expiresAt == null ? null : Timestamps.parse("expires_at", expiresAt))
            .replyTo(replyTo)
            .metadata(metadata)
            .knowledgeReferences(knowledgeRefs)
            .dataReferences(dataRefs)
            .schemaVersion(schemaVersion)
            .correlationId(correlationId)
            .causationId(causationId)
            .traceId(traceId)
            .runId(runId)
            .idempotencyKey(idempotencyKey)
            .maxKnowledgeBytes(maxKnowledgeBytes);
    if (priority != null) {
      b.priority(priority);
    }
    return b.build();
  }

  /**
   * Keeps the fields Reef does not model in the metadata under {@code praval.<field>}, except a
   * {@code payload} equal to the knowledge and an empty {@code content_parts}, which Reef rebuilds
   * when writing.
   */
  private static Map<String, Object> mergeExtensions(
      Map<String, Object> metadata, Map<String, Object> extensions, Map<String, Object> knowledge) {
    Map<String, Object> merged = metadata == null ? new LinkedHashMap<>() : metadata;
    for (Map.Entry<String, Object> e : extensions.entrySet()) {
      String field = e.getKey();
      Object value = e.getValue();
      if (field.equals(PAYLOAD) && Objects.equals(value, knowledge)) {
        continue;
      }
      if (field.equals(CONTENT_PARTS) && value instanceof List && ((List<?>) value).isEmpty()) {
        continue;
      }
      String key = SporeCodec.PRAVAL_METADATA_PREFIX + field;
      if (merged.containsKey(key)) {
        throw new SporeValidationException(
            "metadata",
            "the key '"
                + key
                + "' is reserved for the top-level field '"
                + field
                + "', which is present too");
      }
      merged.put(key, value);
    }
    return merged;
  }

  private static String string(JsonParser p, JsonToken t, String field, boolean nullable)
      throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL && nullable) {
      return null;
    }
    throw new SporeValidationException(
        field,
        "must be a string" + (nullable ? " or null" : "") + ", was " + JsonValueReader.describe(t));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static Map<String, Object> objectOrNull(JsonParser p, JsonToken t, String field)
      throws IOException {
    if (t == JsonToken.START_OBJECT) {
      return JsonValueReader.readObjectBody(
          p, new JsonValueReader.Scope(field, Spore.MAX_NESTING_DEPTH), 1);
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new SporeValidationException(
        field, "must be a JSON object or null, was " + JsonValueReader.describe(t));
  }

  private static Integer priority(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.INT) {
        return p.getIntValue();
      }
      throw new SporeValidationException(
          "priority",
          "must be between "
              + Spore.MIN_PRIORITY
              + " and "
              + Spore.MAX_PRIORITY
              + ", was "
              + p.getText());
    }
    throw new SporeValidationException(
        "priority",
        "must be an integer between "
            + Spore.MIN_PRIORITY
            + " and "
            + Spore.MAX_PRIORITY
            + ", was "
            + JsonValueReader.describe(t)
            + (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_STRING
                ? " " + abbreviate(p.getText())
                : ""));
  }

  private static List<String> strings(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new SporeValidationException(
          field, "must be an array of strings, was " + JsonValueReader.describe(t));
    }
    List<String> list = new ArrayList<>();
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (e != JsonToken.VALUE_STRING) {
        throw new SporeValidationException(
            field, "must be an array of strings, found " + JsonValueReader.describe(e));
      }
      list.add(p.getText());
    }
    return list;
  }

  private static void requirePresent(String field, String value) {
    if (value == null) {
      throw new SporeValidationException(field, "is required but missing");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
