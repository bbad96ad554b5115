package dev.reef.amqp.internal;

import static dev.reef.amqp.internal.SporeWireMapper.H_CAUSATION;
import static dev.reef.amqp.internal.SporeWireMapper.H_CORRELATION;
import static dev.reef.amqp.internal.SporeWireMapper.H_CREATED;
import static dev.reef.amqp.internal.SporeWireMapper.H_EXPIRES;
import static dev.reef.amqp.internal.SporeWireMapper.H_FROM;
import static dev.reef.amqp.internal.SporeWireMapper.H_IDEMPOTENCY;
import static dev.reef.amqp.internal.SporeWireMapper.H_PRIORITY;
import static dev.reef.amqp.internal.SporeWireMapper.H_REPLY_TO;
import static dev.reef.amqp.internal.SporeWireMapper.H_RUN;
import static dev.reef.amqp.internal.SporeWireMapper.H_SPORE_ID;
import static dev.reef.amqp.internal.SporeWireMapper.H_SPORE_TYPE;
import static dev.reef.amqp.internal.SporeWireMapper.H_TO;
import static dev.reef.amqp.internal.SporeWireMapper.H_TRACE;
import static dev.reef.amqp.internal.SporeWireMapper.H_VERSION;
import static dev.reef.amqp.internal.WireValues.orEmpty;

import dev.reef.Spore;
import dev.reef.codec.SporeCodec;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Python Praval 0.8.1 side of the mapping: its 14 string headers with naive local times, its v2
 * body envelope, and the UTC offset of a Praval host inferred from a message (docs/praval-
 * compatibility.md). Stateless.
 */
final class PravalLayout {
  static final String ENVELOPE = "_praval_spore_envelope";

  /** The widest UTC offset of any zone in use (Kiribati, UTC+14; the lowest is UTC−12). */
  static final int MAX_OFFSET_SECONDS = 14 * 3600;

  /** Offsets are inferred to the quarter hour (every zone in use is a multiple of 15 min). */
  static final int QUARTER_HOUR_SECONDS = 900;

  /**
   * How far the naive {@code created_at} may be from a whole quarter hour off the {@code timestamp}
   * property: Praval's property is {@code created_at} truncated to whole seconds, so the remainder
   * is in [0, 1) s; a few seconds allow for a publisher that rounds or stamps a little later.
   */
  static final int SLACK_SECONDS = 5;

  private PravalLayout() {}

  /**
   * Exactly Praval's 14 headers, all strings, {@code ""} for absent, naive times in {@code zone}.
   */
  static Map<String, Object> headers(Spore s, ZoneId zone) {
    Map<String, Object> h = new HashMap<>(20);
    h.put(H_SPORE_ID, s.id());
    h.put(H_SPORE_TYPE, s.type().wireName());
    h.put(H_FROM, s.fromAgent());
    h.put(H_TO, orEmpty(s.toAgent()));
    h.put(H_CREATED, naiveTime(s.createdAt(), zone));
    h.put(H_EXPIRES, s.expiresAt() == null ? "" : naiveTime(s.expiresAt(), zone));
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

  /** Python's naive {@code isoformat()} of the wall-clock time in {@code zone}. */
  static String naiveTime(Instant t, ZoneId zone) {
    if (zone == ZoneOffset.UTC) {
      return WireValues.naiveUtc(t);
    }
    return WireValues.naiveUtc(t.plusSeconds(zone.getRules().getOffset(t).getTotalSeconds()));
  }

  /**
   * The UTC offset of the host that wrote a naive {@code created_at}, from the {@code timestamp}
   * property (absolute epoch seconds of the same instant): their difference, to the quarter hour.
   *
   * @param naiveAsUtc the naive {@code created_at} read as if it were UTC
   * @param timestamp the {@code timestamp} property
   * @return the offset in seconds (east positive), 0 when the difference is no whole quarter hour
   *     within ±{@value #SLACK_SECONDS} s or is beyond ±14 h (then the naive time is taken as UTC)
   */
  static int utcOffsetSeconds(Instant naiveAsUtc, Date timestamp) {
    long diff = naiveAsUtc.getEpochSecond() - Math.floorDiv(timestamp.getTime(), 1000L);
    long quarter = Math.round(diff / (double) QUARTER_HOUR_SECONDS) * QUARTER_HOUR_SECONDS;
    if (Math.abs(diff - quarter) > SLACK_SECONDS || Math.abs(quarter) > MAX_OFFSET_SECONDS) {
      return 0;
    }
    return (int) quarter;
  }

  /**
   * The body on a Praval channel: the knowledge, or Praval's v2 envelope when references, Praval's
   * payload or content parts, metadata, or knowledge holding the envelope marker must travel.
   */
  static byte[] body(Spore s, SporeCodec codec) {
    Map<String, Object> meta = s.metadata();
    // the trace context travels as the traceparent / tracestate headers
    Map<String, Object> plainMeta = new LinkedHashMap<>(TraceHeaders.without(meta));
    plainMeta.remove(SporeCodec.PRAVAL_PAYLOAD_KEY);
    plainMeta.remove(SporeCodec.PRAVAL_CONTENT_PARTS_KEY);
    boolean needsEnvelope =
        !s.knowledgeReferences().isEmpty()
            || !s.dataReferences().isEmpty()
            || meta.containsKey(SporeCodec.PRAVAL_PAYLOAD_KEY)
            || meta.containsKey(SporeCodec.PRAVAL_CONTENT_PARTS_KEY)
            || !plainMeta.isEmpty()
            // plain knowledge holding the envelope marker would be misread by Praval
            || (s.knowledge() != null && s.knowledge().containsKey(ENVELOPE));
    if (!needsEnvelope) {
      return codec.encodeKnowledge(s.knowledge());
    }
    // Praval's v2 envelope carries the references and Praval's payload and content parts (kept in
    // metadata by the JSON codec); Reef's own metadata rides along (Praval ignores it).
    Map<String, Object> env = new LinkedHashMap<>();
    env.put(ENVELOPE, "2.0");
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
    return codec.encodeKnowledge(env);
  }

  /** Whether a decoded body is Praval's v2 envelope (marker "2.0" and a {@code knowledge} key). */
  static boolean isEnvelope(Map<String, Object> body) {
    return body != null
        && "2.0".equals(String.valueOf(body.get(ENVELOPE)))
        && body.containsKey("knowledge");
  }

  /** What an envelope carries, merged with what the headers carried. */
  record Unwrapped(
      Map<String, Object> knowledge, List<String> knowledgeRefs, List<String> dataRefs) {}

  /**
   * Opens an envelope: its knowledge, its references merged after the headers' ones, and Praval's
   * payload (when it differs), content parts and Reef's metadata put into {@code metadata}.
   */
  static Unwrapped unwrap(
      Map<String, Object> env,
      List<String> knowledgeRefs,
      List<String> dataRefs,
      Map<String, Object> metadata)
      throws MalformedWireException {
    Object k = env.get("knowledge");
    if (k != null && !(k instanceof Map)) {
      throw new MalformedWireException("envelope knowledge must be a JSON object or null");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) k;
    List<String> kRefs =
        merge(knowledgeRefs, WireValues.stringList(env.get("knowledge_references")));
    List<String> dRefs = merge(dataRefs, WireValues.stringList(env.get("data_references")));
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
    return new Unwrapped(inner, kRefs, dRefs);
  }

  private static List<String> merge(List<String> a, List<String> b) throws MalformedWireException {
    if (b == null) {
      throw new MalformedWireException("envelope references must be arrays of strings");
    }
    if (a.isEmpty()) {
      return b;
    }
    List<String> out = new java.util.ArrayList<>(a);
    for (String s : b) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }
}
