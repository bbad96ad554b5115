package dev.reef.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.codec.SporeCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole spore ↔ AMQP message mapping of DESIGN §4, in one place so that it can be tested
 * without a broker: routing keys, properties, the two header layouts, the body, and one reader that
 * accepts both layouts. Thread-safe (stateless apart from a thread-safe Jackson mapper).
 */
final class AmqpSporeMapper {
  static final String CONTENT_TYPE = "application/json";
  static final String CONTENT_ENCODING = "utf-8";

  static final String H_SPORE_ID = "spore_id";
  static final String H_SPORE_TYPE = "spore_type";
  static final String H_FROM = "from_agent";
  static final String H_TO = "to_agent";
  static final String H_CREATED = "created_at";
  static final String H_EXPIRES = "expires_at";
  static final String H_PRIORITY = "priority";
  static final String H_REPLY_TO = "reply_to";
  static final String H_VERSION = "version";
  static final String H_CORRELATION = "correlation_id";
  static final String H_CAUSATION = "causation_id";
  static final String H_TRACE = "trace_id";
  static final String H_RUN = "run_id";
  static final String H_IDEMPOTENCY = "idempotency_key";
  static final String H_METADATA = "x-reef-metadata";
  static final String H_KNOWLEDGE_REFS = "x-reef-knowledge-references";
  static final String H_DATA_REFS = "x-reef-data-references";

  /** Delivery attempt of a redelivered copy (an int; absent means 1). */
  static final String H_ATTEMPTS = "x-reef-attempts";

  static final String H_DEAD_REASON = "x-reef-dead-reason";
  static final String H_ERROR = "x-reef-error";
  static final String H_DEAD_QUEUE = "x-reef-queue";
  static final String H_DEAD_EXCHANGE = "x-reef-exchange";
  static final String H_DEAD_ROUTING_KEY = "x-reef-routing-key";

  static final String PRAVAL_ENVELOPE = "_praval_spore_envelope";

  private static final DateTimeFormatter PRAVAL_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private static final SporeCodec CODEC = SporeCodec.ofDefaults();

  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** What goes on the wire for one spore. */
  record Outgoing(String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  /**
   * The routing key of the Praval grammar.
   *
   * @return {@code agent.<to>.<type>} for a directed spore, {@code broadcast.<type>} otherwise
   */
  static String routingKey(Spore spore) {
    String type = spore.type().wireName();
    return spore.toAgent() == null ? "broadcast." + type : "agent." + spore.toAgent() + "." + type;
  }

  /**
   * Encodes a spore.
   *
   * @param now the publish time, for the relative {@code expiration}
   * @throws IllegalStateException if the knowledge cannot be serialized (cannot happen for a valid
   *     spore)
   */
  Outgoing encode(Spore spore, HeaderLayout layout, boolean persistent, Instant now) {
    return encode(spore, layout, persistent, now, 0);
  }

  /**
   * Encodes a spore, with the broker TTL extended by a grace period.
   *
   * @param expiryGraceMillis added to the {@code expiration} property (0 = exactly the remaining
   *     lifetime)
   */
  Outgoing encode(
      Spore spore, HeaderLayout layout, boolean persistent, Instant now, long expiryGraceMillis) {
    Map<String, Object> headers =
        layout == HeaderLayout.PRAVAL ? pravalHeaders(spore) : reefHeaders(spore);
    AMQP.BasicProperties.Builder b =
        new AMQP.BasicProperties.Builder()
            .contentType(CONTENT_TYPE)
            .contentEncoding(CONTENT_ENCODING)
            .deliveryMode(persistent ? 2 : 1)
            .messageId(spore.id())
            .timestamp(new Date(spore.createdAt().getEpochSecond() * 1000))
            .priority(spore.priority())
            .type(spore.type().wireName())
            .headers(headers);
    if (spore.replyTo() != null) {
      b.correlationId(spore.replyTo());
    }
    String expiration = expiration(spore, now, expiryGraceMillis);
    if (expiration != null) {
      b.expiration(expiration);
    }
    return new Outgoing(routingKey(spore), b.build(), body(spore, layout));
  }

  /**
   * The {@code expiration} property: the remaining lifetime in whole milliseconds, rounded up and
   * at least 1, or null without an expiry.
   */
  static String expiration(Spore spore, Instant now) {
    return expiration(spore, now, 0);
  }

  /** {@link #expiration(Spore, Instant)} plus a grace period in milliseconds. */
  static String expiration(Spore spore, Instant now, long graceMillis) {
    if (spore.expiresAt() == null) {
      return null;
    }
    long micros = ChronoUnit.MICROS.between(now, spore.expiresAt());
    long millis = Math.max(1, (micros + 999) / 1000);
    return Long.toString(millis + graceMillis);
  }

  private Map<String, Object> reefHeaders(Spore s) {
    Map<String, Object> h = new HashMap<>(16);
    h.put(H_FROM, s.fromAgent());
    if (s.toAgent() != null) {
      h.put(H_TO, s.toAgent());
    }
    h.put(H_CREATED, isoUtc(s.createdAt()));
    if (s.expiresAt() != null) {
      h.put(H_EXPIRES, isoUtc(s.expiresAt()));
    }
    h.put(H_VERSION, s.schemaVersion());
    putIfPresent(h, H_CORRELATION, s.correlationId());
    putIfPresent(h, H_CAUSATION, s.causationId());
    putIfPresent(h, H_TRACE, s.traceId());
    putIfPresent(h, H_RUN, s.runId());
    putIfPresent(h, H_IDEMPOTENCY, s.idempotencyKey());
    try {
      if (!s.metadata().isEmpty()) {
        h.put(H_METADATA, new String(CODEC.encodeKnowledge(s.metadata()), StandardCharsets.UTF_8));
      }
      if (!s.knowledgeReferences().isEmpty()) {
        h.put(H_KNOWLEDGE_REFS, json.writeValueAsString(s.knowledgeReferences()));
      }
      if (!s.dataReferences().isEmpty()) {
        h.put(H_DATA_REFS, json.writeValueAsString(s.dataReferences()));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the metadata of " + s, e);
    }
    return h;
  }

  private Map<String, Object> pravalHeaders(Spore s) {
    Map<String, Object> h = new HashMap<>(20);
    h.put(H_SPORE_ID, s.id());
    h.put(H_SPORE_TYPE, s.type().wireName());
    h.put(H_FROM, s.fromAgent());
    h.put(H_TO, orEmpty(s.toAgent()));
    h.put(H_CREATED, pravalTime(s.createdAt()));
    h.put(H_EXPIRES, s.expiresAt() == null ? "" : pravalTime(s.expiresAt()));
    h.put(H_PRIORITY, Integer.toString(s.priority()));
    h.put(H_REPLY_TO, orEmpty(s.replyTo()));
    h.put(H_VERSION, s.schemaVersion());
    h.put(H_CORRELATION, orEmpty(s.correlationId()));
    h.put(H_CAUSATION, orEmpty(s.causationId()));
    h.put(H_TRACE, orEmpty(s.traceId()));
    h.put(H_RUN, orEmpty(s.runId()));
    h.put(H_IDEMPOTENCY, orEmpty(s.idempotencyKey()));
    return h;
  }

  private byte[] body(Spore s, HeaderLayout layout) {
    if (layout == HeaderLayout.REEF) {
      // References and metadata as JSON headers: set on the properties' header map.
      return CODEC.encodeKnowledge(s.knowledge());
    }
    Map<String, Object> meta = s.metadata();
    Map<String, Object> plainMeta = new LinkedHashMap<>(meta);
    plainMeta.remove(SporeCodec.PRAVAL_PAYLOAD_KEY);
    plainMeta.remove(SporeCodec.PRAVAL_CONTENT_PARTS_KEY);
    boolean needsEnvelope =
        !s.knowledgeReferences().isEmpty()
            || !s.dataReferences().isEmpty()
            || meta.containsKey(SporeCodec.PRAVAL_PAYLOAD_KEY)
            || meta.containsKey(SporeCodec.PRAVAL_CONTENT_PARTS_KEY)
            || !plainMeta.isEmpty()
            // plain knowledge holding the envelope marker would be misread by Praval
            || (s.knowledge() != null && s.knowledge().containsKey(PRAVAL_ENVELOPE));
    if (!needsEnvelope) {
      return CODEC.encodeKnowledge(s.knowledge());
    }
    // Praval's v2 envelope carries the references and Praval's payload and content parts (kept in
    // metadata by the JSON codec); Reef's own metadata rides along (Praval ignores it).
    Map<String, Object> env = new LinkedHashMap<>();
    env.put(PRAVAL_ENVELOPE, "2.0");
    env.put("knowledge", s.knowledge());
    env.put(
        "payload",
        meta.containsKey(SporeCodec.PRAVAL_PAYLOAD_KEY)
            ? meta.get(SporeCodec.PRAVAL_PAYLOAD_KEY)
            : s.knowledge());
    env.put("content_parts", meta.getOrDefault(SporeCodec.PRAVAL_CONTENT_PARTS_KEY, List.of()));
    env.put("knowledge_references", s.knowledgeReferences());
    env.put("data_references", s.dataReferences());
    if (!plainMeta.isEmpty()) {
      env.put("metadata", plainMeta);
    }
    return CODEC.encodeKnowledge(env);
  }

  /**
   * Reads a message of either layout.
   *
   * @param routingKey the routing key it was published with (a fallback for the type and target)
   * @param props its properties
   * @param body its body
   * @param maxBodyBytes the largest body accepted
   * @return the spore
   * @throws MalformedMessageException naming what is wrong
   */
  Spore decode(String routingKey, AMQP.BasicProperties props, byte[] body, long maxBodyBytes)
      throws MalformedMessageException {
    if (body == null) {
      body = new byte[0];
    }
    if (body.length > maxBodyBytes) {
      throw new MalformedMessageException(
          "body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    Spore.Builder b = Spore.builder().maxKnowledgeBytes(Math.max(2, maxBodyBytes));

    String id = firstNonEmpty(str(headers, H_SPORE_ID), props.getMessageId());
    if (id == null) {
      throw new MalformedMessageException("no spore id (header spore_id or property message_id)");
    }
    b.id(id);

    String type = firstNonEmpty(str(headers, H_SPORE_TYPE), props.getType());
    String[] words = routingKey == null ? new String[0] : routingKey.split("\\.", -1);
    if (type == null && words.length >= 2) {
      type = words[words.length - 1];
    }
    if (type == null) {
      throw new MalformedMessageException("no spore type (header spore_type or property type)");
    }
    try {
      b.type(SporeType.fromWireName(type));
    } catch (SporeValidationException e) {
      throw new MalformedMessageException("bad spore type: " + e.getMessage(), e);
    }

    String from = str(headers, H_FROM);
    if (from == null) {
      throw new MalformedMessageException("missing header from_agent");
    }
    b.fromAgent(from);

    if (headers.containsKey(H_TO)) {
      b.toAgent(str(headers, H_TO));
    } else if (words.length == 3 && "agent".equals(words[0])) {
      b.toAgent(words[1]);
    }

    Instant created = time(headers, H_CREATED);
    if (created == null && props.getTimestamp() != null) {
      created = props.getTimestamp().toInstant();
    }
    b.createdAt(created != null ? created : Instant.now());
    b.expiresAt(time(headers, H_EXPIRES));

    b.priority(priority(headers.get(H_PRIORITY), props.getPriority()));
    b.replyTo(firstNonEmpty(str(headers, H_REPLY_TO), props.getCorrelationId()));
    String version = str(headers, H_VERSION);
    if (version != null) {
      b.schemaVersion(version);
    }
    b.correlationId(str(headers, H_CORRELATION));
    b.causationId(str(headers, H_CAUSATION));
    b.traceId(str(headers, H_TRACE));
    b.runId(str(headers, H_RUN));
    b.idempotencyKey(str(headers, H_IDEMPOTENCY));

    Map<String, Object> metadata = new LinkedHashMap<>(jsonObjectHeader(headers, H_METADATA));
    List<String> knowledgeRefs = jsonListHeader(headers, H_KNOWLEDGE_REFS);
    List<String> dataRefs = jsonListHeader(headers, H_DATA_REFS);

    Map<String, Object> knowledge;
    try {
      knowledge = CODEC.decodeKnowledge(body);
    } catch (SporeValidationException e) {
      String problem = e.getMessage().substring(e.field().length() + 2);
      throw new MalformedMessageException(
          ("json".equals(e.field()) ? "body is not JSON: " : "body ") + problem, e);
    }
    if (knowledge != null
        && "2.0".equals(String.valueOf(knowledge.get(PRAVAL_ENVELOPE)))
        && knowledge.containsKey("knowledge")) {
      Map<String, Object> env = knowledge;
      Object k = env.get("knowledge");
      if (k != null && !(k instanceof Map)) {
        throw new MalformedMessageException("envelope knowledge must be a JSON object or null");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> inner = (Map<String, Object>) k;
      knowledge = inner;
      knowledgeRefs = merge(knowledgeRefs, stringList(env.get("knowledge_references")));
      dataRefs = merge(dataRefs, stringList(env.get("data_references")));
      Object payload = env.get("payload");
      if (env.containsKey("payload") && !Objects.equals(payload, inner)) {
        metadata.put(SporeCodec.PRAVAL_PAYLOAD_KEY, payload);
      }
      Object parts = env.get("content_parts");
      if (parts != null && !(parts instanceof Collection && ((Collection<?>) parts).isEmpty())) {
        metadata.put(SporeCodec.PRAVAL_CONTENT_PARTS_KEY, parts);
      }
      Object envMeta = env.get("metadata");
      if (envMeta instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) envMeta).entrySet()) {
          metadata.putIfAbsent(String.valueOf(e.getKey()), e.getValue());
        }
      }
    }
    b.knowledge(knowledge);
    b.metadata(metadata);
    b.knowledgeReferences(knowledgeRefs);
    b.dataReferences(dataRefs);
    try {
      return b.build();
    } catch (SporeValidationException e) {
      throw new MalformedMessageException(e.getMessage(), e);
    }
  }

  /** The delivery attempt a message carries: its {@code x-reef-attempts} header, else 1. */
  static int attempts(AMQP.BasicProperties props) {
    Map<String, Object> h = props.getHeaders();
    Object v = h == null ? null : h.get(H_ATTEMPTS);
    if (v instanceof Number) {
      return Math.max(1, ((Number) v).intValue());
    }
    if (v != null) {
      try {
        return Math.max(1, Integer.parseInt(text(v).trim()));
      } catch (NumberFormatException e) {
        return 1;
      }
    }
    return 1;
  }

  // --- values ---------------------------------------------------------------------------------

  /** ISO-8601 in UTC with a {@code Z} offset and as many fraction digits as needed. */
  static String isoUtc(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  /** Python's naive {@code isoformat()} of the UTC time: microseconds, none when zero. */
  static String pravalTime(Instant t) {
    LocalDateTime ldt = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    String s = PRAVAL_TIME.format(ldt);
    int micros = ldt.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }

  /**
   * Parses a timestamp: ISO-8601 with or without an offset (without one, UTC), or an AMQP timestamp
   * value.
   */
  static Instant parseTime(Object v) throws MalformedMessageException {
    if (v instanceof Date) {
      return ((Date) v).toInstant();
    }
    String s = text(v).trim();
    try {
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(s);
      if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
        return OffsetDateTime.from(t).toInstant();
      }
      return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      throw new MalformedMessageException("malformed timestamp '" + abbreviate(s) + "'", e);
    }
  }

  private static Instant time(Map<String, Object> h, String name) throws MalformedMessageException {
    Object v = h.get(name);
    if (v == null || (!(v instanceof Date) && text(v).isEmpty())) {
      return null;
    }
    try {
      return parseTime(v);
    } catch (MalformedMessageException e) {
      throw new MalformedMessageException("header " + name + ": " + e.getMessage(), e);
    }
  }

  private static int priority(Object header, Integer property) throws MalformedMessageException {
    int p;
    if (header == null || (!(header instanceof Number) && text(header).isEmpty())) {
      if (property == null) {
        return Spore.DEFAULT_PRIORITY;
      }
      p = property;
    } else if (header instanceof BigDecimal) {
      try {
        p = ((BigDecimal) header).intValueExact();
      } catch (ArithmeticException e) {
        throw new MalformedMessageException("bad priority " + header);
      }
    } else if (header instanceof Number) {
      p = ((Number) header).intValue();
    } else {
      try {
        p = Integer.parseInt(text(header).trim());
      } catch (NumberFormatException e) {
        throw new MalformedMessageException(
            "bad priority '" + abbreviate(text(header)) + "': not an integer");
      }
    }
    if (p < Spore.MIN_PRIORITY || p > Spore.MAX_PRIORITY) {
      throw new MalformedMessageException(
          "bad priority " + p + ": must be " + Spore.MIN_PRIORITY + ".." + Spore.MAX_PRIORITY);
    }
    return p;
  }

  private Map<String, Object> jsonObjectHeader(Map<String, Object> h, String name)
      throws MalformedMessageException {
    String v = str(h, name);
    if (v == null) {
      return Map.of();
    }
    try {
      Object o = json.readValue(v, Object.class);
      if (!(o instanceof Map)) {
        throw new MalformedMessageException("header " + name + " must be a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      return m;
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("header " + name + " is not JSON", e);
    }
  }

  private List<String> jsonListHeader(Map<String, Object> h, String name)
      throws MalformedMessageException {
    String v = str(h, name);
    if (v == null) {
      return List.of();
    }
    try {
      List<String> list = stringList(json.readValue(v, Object.class));
      if (list == null) {
        throw new MalformedMessageException("header " + name + " must be a JSON array of strings");
      }
      return list;
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("header " + name + " is not JSON", e);
    }
  }

  private static List<String> stringList(Object o) {
    if (!(o instanceof Collection)) {
      return o == null ? List.of() : null;
    }
    List<String> out = new ArrayList<>();
    for (Object e : (Collection<?>) o) {
      if (!(e instanceof String)) {
        return null;
      }
      out.add((String) e);
    }
    return out;
  }

  private static List<String> merge(List<String> a, List<String> b)
      throws MalformedMessageException {
    if (b == null) {
      throw new MalformedMessageException("envelope references must be arrays of strings");
    }
    if (a.isEmpty()) {
      return b;
    }
    List<String> out = new ArrayList<>(a);
    for (String s : b) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** A header as a string: null when absent or empty (Praval's "absent"). */
  static String str(Map<String, Object> h, String name) {
    Object v = h.get(name);
    if (v == null) {
      return null;
    }
    String s = text(v);
    return s.isEmpty() ? null : s;
  }

  static String text(Object v) {
    if (v instanceof LongString) {
      return new String(((LongString) v).getBytes(), StandardCharsets.UTF_8);
    }
    if (v instanceof byte[]) {
      return new String((byte[]) v, StandardCharsets.UTF_8);
    }
    return String.valueOf(v);
  }

  private static String firstNonEmpty(String a, String b) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    return b == null || b.isEmpty() ? null : b;
  }

  private static void putIfPresent(Map<String, Object> h, String k, String v) {
    if (v != null) {
      h.put(k, v);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
