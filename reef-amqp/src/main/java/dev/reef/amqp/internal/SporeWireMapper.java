package dev.reef.amqp.internal;

import static dev.reef.amqp.internal.WireValues.firstNonEmpty;
import static dev.reef.amqp.internal.WireValues.putIfPresent;
import static dev.reef.amqp.internal.WireValues.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.rabbitmq.client.AMQP;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.amqp.HeaderLayout;
import dev.reef.codec.SporeCodec;
import dev.reef.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole spore ↔ AMQP message mapping of docs/design.md#amqp-mapping, testable without a broker:
 * routing keys, properties, the two header layouts (the Praval one in {@link PravalLayout}), the
 * body, and one reader that accepts both layouts. <b>Internal, not API</b> (public for reef-amqp's
 * package and the benchmarks). Thread-safe (stateless).
 */
public class SporeWireMapper {
  public static final String CONTENT_TYPE = "application/json";
  public static final String CONTENT_ENCODING = "utf-8";

  public static final String H_SPORE_ID = "spore_id";
  public static final String H_SPORE_TYPE = "spore_type";
  public static final String H_FROM = "from_agent";
  public static final String H_TO = "to_agent";
  public static final String H_CREATED = "created_at";
  public static final String H_EXPIRES = "expires_at";
  public static final String H_PRIORITY = "priority";
  public static final String H_REPLY_TO = "reply_to";
  public static final String H_VERSION = "version";
  public static final String H_CORRELATION = "correlation_id";
  public static final String H_CAUSATION = "causation_id";
  public static final String H_TRACE = "trace_id";
  public static final String H_RUN = "run_id";
  public static final String H_IDEMPOTENCY = "idempotency_key";
  public static final String H_METADATA = "x-reef-metadata";

  /**
   * The W3C trace context headers ({@code traceparent}, {@code tracestate}), written in the Reef
   * layout from the spore's metadata keys of the same names (which then stay out of {@link
   * #H_METADATA}), and read back into them in both. The Praval layout writes exactly Praval's
   * headers, and keeps the trace context out of its envelope too: it does not travel there. The
   * Reef layout leaves out {@link #H_TRACE} when the {@code traceparent} carries the same trace id;
   * the reader derives it ({@link TraceHeaders}).
   */
  public static final String H_TRACEPARENT = TraceContext.TRACEPARENT;

  /** See {@link #H_TRACEPARENT}. */
  public static final String H_TRACESTATE = TraceContext.TRACESTATE;

  public static final String H_KNOWLEDGE_REFS = "x-reef-knowledge-references";
  public static final String H_DATA_REFS = "x-reef-data-references";

  /** Delivery attempt of a redelivered copy (an int; absent means 1). */
  public static final String H_ATTEMPTS = "x-reef-attempts";

  public static final String PRAVAL_ENVELOPE = PravalLayout.ENVELOPE;

  private static final SporeCodec CODEC = SporeCodec.ofDefaults();

  /** Creates a mapper (stateless; one can be shared). */
  public SporeWireMapper() {}

  /**
   * What goes on the wire for one spore.
   *
   * @param routingKey the routing key
   * @param properties the properties, headers included
   * @param body the body
   */
  public record Outgoing(String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  /**
   * The routing key of the Praval grammar.
   *
   * @param spore the spore
   * @return {@code agent.<to>.<type>} for a directed spore, {@code broadcast.<type>} otherwise
   */
  public static String routingKey(Spore spore) {
    String type = spore.type().wireName();
    return spore.toAgent() == null ? "broadcast." + type : "agent." + spore.toAgent() + "." + type;
  }

  /**
   * Encodes a spore, Praval-layout times in UTC.
   *
   * @param spore the spore
   * @param layout the header layout
   * @param persistent delivery mode 2 if true, else 1
   * @param now the publish time, for the relative {@code expiration}
   * @return the message
   */
  public Outgoing encode(Spore spore, HeaderLayout layout, boolean persistent, Instant now) {
    return encode(spore, layout, ZoneOffset.UTC, persistent, now, 0);
  }

  /**
   * Encodes a spore, with the broker TTL extended by a grace period, Praval-layout times in UTC.
   *
   * @param expiryGraceMillis added to the {@code expiration} property (0 = exactly the remaining
   *     lifetime)
   * @return the message
   */
  public Outgoing encode(
      Spore spore, HeaderLayout layout, boolean persistent, Instant now, long expiryGraceMillis) {
    return encode(spore, layout, ZoneOffset.UTC, persistent, now, expiryGraceMillis);
  }

  /**
   * Encodes a spore.
   *
   * @param pravalZone the zone of the Praval hosts: the Praval layout writes its naive times as
   *     wall-clock times there (ignored by the Reef layout)
   * @return the message
   * @throws IllegalStateException if the spore cannot be serialized (cannot happen for a valid one)
   */
  public Outgoing encode(
      Spore spore,
      HeaderLayout layout,
      ZoneId pravalZone,
      boolean persistent,
      Instant now,
      long expiryGraceMillis) {
    boolean praval = layout == HeaderLayout.PRAVAL;
    Map<String, Object> headers =
        praval ? PravalLayout.headers(spore, pravalZone) : reefHeaders(spore);
    if (!praval) {
      // Praval's layout stays exactly Praval's 14 headers: no trace context on those channels
      TraceHeaders.put(spore.metadata(), headers);
    }
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
    byte[] body =
        praval ? PravalLayout.body(spore, CODEC) : CODEC.encodeKnowledge(spore.knowledge());
    return new Outgoing(routingKey(spore), b.build(), body);
  }

  /**
   * The {@code expiration} property: the remaining lifetime in whole milliseconds, rounded up and
   * at least 1, or null without an expiry.
   *
   * @return the property value or null
   */
  public static String expiration(Spore spore, Instant now) {
    return expiration(spore, now, 0);
  }

  /**
   * {@link #expiration(Spore, Instant)} plus a grace period in milliseconds.
   *
   * @return the property value or null
   */
  public static String expiration(Spore spore, Instant now, long graceMillis) {
    if (spore.expiresAt() == null) {
      return null;
    }
    long micros = ChronoUnit.MICROS.between(now, spore.expiresAt());
    long millis = Math.max(1, (micros + 999) / 1000);
    return Long.toString(millis + graceMillis);
  }

  /**
   * The lean layout: what no property carries exactly, plus {@code spore_type}, the one header
   * Praval needs to read the type (without it Praval takes every spore for knowledge).
   */
  private static Map<String, Object> reefHeaders(Spore s) {
    Map<String, Object> h = new HashMap<>(16);
    h.put(H_SPORE_TYPE, s.type().wireName());
    h.put(H_FROM, s.fromAgent());
    if (s.toAgent() != null) {
      h.put(H_TO, s.toAgent());
    }
    h.put(H_CREATED, WireValues.isoUtc(s.createdAt()));
    if (s.expiresAt() != null) {
      h.put(H_EXPIRES, WireValues.isoUtc(s.expiresAt()));
    }
    h.put(H_VERSION, s.schemaVersion());
    putIfPresent(h, H_CORRELATION, s.correlationId());
    putIfPresent(h, H_CAUSATION, s.causationId());
    if (!TraceHeaders.derivable(s.traceId(), s.metadata())) {
      putIfPresent(h, H_TRACE, s.traceId()); // else the reader derives it from the traceparent
    }
    putIfPresent(h, H_RUN, s.runId());
    putIfPresent(h, H_IDEMPOTENCY, s.idempotencyKey());
    try {
      Map<String, Object> metadata = TraceHeaders.without(s.metadata());
      if (!metadata.isEmpty()) {
        h.put(H_METADATA, new String(CODEC.encodeKnowledge(metadata), StandardCharsets.UTF_8));
      }
      if (!s.knowledgeReferences().isEmpty()) {
        h.put(H_KNOWLEDGE_REFS, WireValues.JSON.writeValueAsString(s.knowledgeReferences()));
      }
      if (!s.dataReferences().isEmpty()) {
        h.put(H_DATA_REFS, WireValues.JSON.writeValueAsString(s.dataReferences()));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the metadata of " + s, e);
    }
    return h;
  }

  /**
   * Reads a message of either layout. Naive times (no offset, as Praval writes them) are local
   * times of the sending host, whose UTC offset is inferred from the {@code timestamp} property
   * (see {@link PravalLayout#utcOffsetSeconds}); without one they are UTC.
   *
   * @param routingKey the routing key it was published with (a fallback for the type and target)
   * @param props its properties
   * @param body its body
   * @param maxBodyBytes the largest body accepted
   * @return the spore
   * @throws MalformedWireException naming what is wrong
   */
  public Spore read(String routingKey, AMQP.BasicProperties props, byte[] body, long maxBodyBytes)
      throws MalformedWireException {
    if (body == null) {
      body = new byte[0];
    }
    if (body.length > maxBodyBytes) {
      throw new MalformedWireException(
          "body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    Spore.Builder b = Spore.builder().maxKnowledgeBytes(Math.max(2, maxBodyBytes));

    String id = firstNonEmpty(str(headers, H_SPORE_ID), props.getMessageId());
    if (id == null) {
      throw new MalformedWireException("no spore id (header spore_id or property message_id)");
    }
    b.id(id);

    // The type is the routing key's last word, the target what lies between "agent." and it
    // (agent names may contain dots; types never do).
    int lastDot = routingKey == null ? -1 : routingKey.lastIndexOf('.');
    String type = firstNonEmpty(str(headers, H_SPORE_TYPE), props.getType());
    if (type == null && lastDot > 0) {
      type = routingKey.substring(lastDot + 1);
    }
    if (type == null) {
      throw new MalformedWireException("no spore type (header spore_type or property type)");
    }
    try {
      b.type(SporeType.fromWireName(type));
    } catch (SporeValidationException e) {
      throw new MalformedWireException("bad spore type: " + e.getMessage(), e);
    }

    String from = str(headers, H_FROM);
    if (from == null) {
      throw new MalformedWireException("missing header from_agent");
    }
    b.fromAgent(from);

    if (headers.containsKey(H_TO)) {
      b.toAgent(str(headers, H_TO));
    } else if (routingKey != null && routingKey.startsWith("agent.") && lastDot > 6) {
      b.toAgent(routingKey.substring(6, lastDot));
    }

    readTimes(headers, props, b);

    b.priority(WireValues.priority(headers.get(H_PRIORITY), props.getPriority()));
    b.replyTo(firstNonEmpty(str(headers, H_REPLY_TO), props.getCorrelationId()));
    String version = str(headers, H_VERSION);
    if (version != null) {
      b.schemaVersion(version);
    }
    b.correlationId(str(headers, H_CORRELATION));
    b.causationId(str(headers, H_CAUSATION));
    b.traceId(TraceHeaders.traceId(headers, H_TRACE));
    b.runId(str(headers, H_RUN));
    b.idempotencyKey(str(headers, H_IDEMPOTENCY));

    Map<String, Object> metadata =
        new LinkedHashMap<>(WireValues.jsonObjectHeader(headers, H_METADATA));
    TraceHeaders.read(headers, metadata);
    List<String> knowledgeRefs = WireValues.jsonListHeader(headers, H_KNOWLEDGE_REFS);
    List<String> dataRefs = WireValues.jsonListHeader(headers, H_DATA_REFS);

    Map<String, Object> knowledge;
    try {
      knowledge = CODEC.decodeKnowledge(body);
    } catch (SporeValidationException e) {
      String problem = e.getMessage().substring(e.field().length() + 2);
      throw new MalformedWireException(
          ("json".equals(e.field()) ? "body is not JSON: " : "body ") + problem, e);
    }
    if (PravalLayout.isEnvelope(knowledge)) {
      PravalLayout.Unwrapped u = PravalLayout.unwrap(knowledge, knowledgeRefs, dataRefs, metadata);
      knowledge = u.knowledge();
      knowledgeRefs = u.knowledgeRefs();
      dataRefs = u.dataRefs();
    }
    b.knowledge(knowledge);
    b.metadata(metadata);
    b.knowledgeReferences(knowledgeRefs);
    b.dataReferences(dataRefs);
    try {
      return b.build();
    } catch (SporeValidationException e) {
      throw new MalformedWireException(e.getMessage(), e);
    }
  }

  /**
   * {@code created_at} and {@code expires_at}: a naive {@code created_at} is shifted by the
   * sender's UTC offset inferred from the {@code timestamp} property, and so is a naive {@code
   * expires_at}; no {@code created_at} header: the {@code timestamp} property, else now.
   */
  private static void readTimes(
      Map<String, Object> headers, AMQP.BasicProperties props, Spore.Builder b)
      throws MalformedWireException {
    Date stamp = props.getTimestamp();
    Instant created = WireValues.time(headers, H_CREATED);
    int offset = 0;
    if (created != null && stamp != null && WireValues.isNaiveTime(headers, H_CREATED)) {
      offset = PravalLayout.utcOffsetSeconds(created, stamp);
      created = created.minusSeconds(offset);
    }
    if (created == null && stamp != null) {
      created = stamp.toInstant();
    }
    b.createdAt(created != null ? created : Instant.now());
    Instant expires = WireValues.time(headers, H_EXPIRES);
    if (expires != null && offset != 0 && WireValues.isNaiveTime(headers, H_EXPIRES)) {
      expires = expires.minusSeconds(offset);
    }
    b.expiresAt(expires);
  }

  /**
   * The delivery attempt a message carries: its {@code x-reef-attempts} header, else 1.
   *
   * @return the attempt, at least 1
   */
  public static int attempts(AMQP.BasicProperties props) {
    Map<String, Object> h = props.getHeaders();
    return WireValues.attempts(h == null ? null : h.get(H_ATTEMPTS));
  }

  /**
   * ISO-8601 in UTC with a {@code Z} offset and as many fraction digits as needed.
   *
   * @return the text
   */
  public static String isoUtc(Instant t) {
    return WireValues.isoUtc(t);
  }

  /**
   * Python's naive {@code isoformat()} of the UTC time: microseconds, none when zero.
   *
   * @return the text
   */
  public static String pravalTime(Instant t) {
    return WireValues.naiveUtc(t);
  }

  /**
   * Python's naive {@code isoformat()} of the wall-clock time in a zone.
   *
   * @return the text
   */
  public static String pravalTime(Instant t, ZoneId zone) {
    return PravalLayout.naiveTime(t, zone);
  }
}
