package dev.reef;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * An immutable knowledge message exchanged between agents.
 *
 * <p>Fields and their JSON names (docs/design.md#fields, the Python Praval format): {@code id},
 * {@code spore_type}, {@code from_agent}, {@code to_agent} (null = everyone on the channel but the
 * sender), {@code knowledge} (a JSON object or null), {@code created_at}, {@code expires_at} (null
 * = never), {@code priority} (1–10, default {@value #DEFAULT_PRIORITY}, higher is more urgent),
 * {@code reply_to} (the id of the spore this one answers), {@code metadata}, {@code
 * knowledge_references}, {@code data_references}, the tracing ids {@code correlation_id}, {@code
 * causation_id}, {@code trace_id}, {@code run_id}, {@code idempotency_key}, and {@code
 * schema_version}.
 *
 * <p>Built with {@link #builder()}; validated when built (a {@link SporeValidationException} names
 * the field and the limit). The knowledge and metadata are deep, unmodifiable copies of JSON-shaped
 * values: {@code null}, {@link String}, {@link Boolean}, {@link Number}, {@code Map<String, ?>} and
 * {@link Collection}; their iteration order is kept.
 *
 * <h2>Limits: one rule on every backend</h2>
 *
 * <p>The knowledge and metadata are checked when the spore is built, by the same rules the codec
 * ({@code dev.reef.codec.SporeCodec}) applies when it reads a spore or an AMQP body, so a spore
 * that builds is one the receiving side can read, on the in-memory backend and over AMQP alike:
 *
 * <ul>
 *   <li><b>Size</b>: the knowledge's serialized size ({@link #knowledgeBytes()}) is at most {@link
 *       #DEFAULT_MAX_KNOWLEDGE_BYTES} by default ({@link Builder#maxKnowledgeBytes(long)}). It is
 *       counted in the bytes the codec writes: compact UTF-8 JSON, where a character outside the
 *       Basic Multilingual Plane (an emoji such as U+1F600) is written as two {@code \\uXXXX}
 *       escapes, 12 bytes. The knowledge is the whole AMQP body in Reef's header layout, so the
 *       body of a spore at the limit is exactly the limit; a Praval v2 envelope holds it twice
 *       (knowledge and payload) plus references and metadata, which {@code
 *       SporeCodec.maxBodyBytes(long)} allows for.
 *   <li><b>Depth</b>: objects and arrays nest at most {@value #MAX_NESTING_DEPTH} levels in the
 *       knowledge and in the metadata (the field's own object is level 1), checked before going
 *       deeper, so a deep or cyclic map is a {@link SporeValidationException}, never a {@link
 *       StackOverflowError}. That is Jackson's default, so nothing the AMQP backend read before is
 *       refused now.
 *   <li><b>Tokens</b>: the knowledge and the metadata each hold at most {@value
 *       #MAX_KNOWLEDGE_TOKENS} JSON tokens, counted as a streaming parser counts them (the start
 *       and the end of each object and array, each field name, each scalar). The size limit bounds
 *       the bytes of a message, the token limit the heap its decoded form takes: a token costs up
 *       to ~100 bytes of heap decoded (a small key is a String and a map entry), so the million
 *       small keys that fit in a 9 MB body would take over 100 MiB; see docs/reliability.md,
 *       "Hostile input".
 *   <li><b>Numbers</b> have at most {@value #MAX_NUMBER_LENGTH} characters (Jackson's default;
 *       longer ones cost quadratic time to parse).
 * </ul>
 *
 * <p>Two receive-side attributes are not fields of the JSON: {@link #brokerUser()} (who the
 * transport says published it) and {@link #verifiedKeyId()} (whose signature the receiving reef
 * verified); see docs/security.md. They are not serialized and not part of {@link #equals}.
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 *
 * <p>Over 450 lines because a value type with sixteen documented fields, their accessors, one
 * validating builder and the limits it enforces belongs together; the JSON format lives in {@code
 * dev.reef.codec} and the JSON value rules in {@code JsonValues}.
 */
public final class Spore {
  /** The default priority: {@value}. */
  public static final int DEFAULT_PRIORITY = 5;

  /** The lowest priority: {@value}. */
  public static final int MIN_PRIORITY = 1;

  /** The highest priority: {@value}. */
  public static final int MAX_PRIORITY = 10;

  /** The default limit on the serialized knowledge: 10 MiB. */
  public static final long DEFAULT_MAX_KNOWLEDGE_BYTES = 10L * 1024 * 1024;

  /**
   * The deepest nesting of objects and arrays in the knowledge or the metadata, the field's own
   * object being level 1: {@value}. Checked when a spore is built and when one is decoded.
   */
  public static final int MAX_NESTING_DEPTH = 1000;

  /**
   * The most JSON tokens in the knowledge, and separately in the metadata: {@value}. Bounds the
   * heap a decoded spore takes; checked when a spore is built, and the codec's parser stops a
   * document that holds more than its fields may (see {@code SporeCodec}).
   */
  public static final long MAX_KNOWLEDGE_TOKENS = 250_000;

  /** The most characters in one number of the knowledge or the metadata: {@value}. */
  public static final int MAX_NUMBER_LENGTH = 1000;

  /** The schema version written by this library: {@value}. */
  public static final String SCHEMA_VERSION = "1.0";

  private final String id;
  private final SporeType type;
  private final String fromAgent;
  private final String toAgent;
  private final Map<String, Object> knowledge;
  private final long knowledgeBytes;
  private final Instant createdAt;
  private final Instant expiresAt;
  private final int priority;
  private final String replyTo;
  private final Map<String, Object> metadata;
  private final List<String> knowledgeReferences;
  private final List<String> dataReferences;
  private final String correlationId;
  private final String causationId;
  private final String traceId;
  private final String runId;
  private final String idempotencyKey;
  private final String schemaVersion;

  // Receive-side attributes: set by the receiving side, never serialized, not part of equals.
  private final String brokerUser;
  private final String verifiedKeyId;

  private Spore(Builder b) {
    this.id = b.id != null ? ReefNames.requireId("id", b.id) : newId();
    this.type = requireType(b.type);
    this.fromAgent = ReefNames.requireAgent("from_agent", b.fromAgent);
    this.toAgent = b.toAgent == null ? null : ReefNames.requireAgent("to_agent", b.toAgent);
    this.priority = requirePriority(b.priority);
    requireSizeLimit(b.maxKnowledgeBytes);
    if (b.frozenKnowledge) {
      this.knowledge = b.knowledge;
      this.knowledgeBytes = b.knowledgeBytes;
    } else if (b.knowledge == null) {
      this.knowledge = null;
      this.knowledgeBytes = 4;
    } else {
      JsonValues.Size size = new JsonValues.Size();
      this.knowledge = JsonValues.copyObject("knowledge", b.knowledge, size);
      this.knowledgeBytes = size.bytes;
      requireTokens("knowledge", size.tokens);
    }
    requireKnowledgeSize(knowledgeBytes, b.maxKnowledgeBytes);
    this.createdAt = b.createdAt != null ? b.createdAt : now();
    if (b.expiresIn != null) {
      this.expiresAt = this.createdAt.plus(b.expiresIn);
    } else {
      this.expiresAt = b.expiresAt;
    }
    this.replyTo = b.replyTo == null ? null : ReefNames.requireId("reply_to", b.replyTo);
    this.metadata = copyMetadata(b.metadata);
    this.knowledgeReferences = copyRefs("knowledge_references", b.knowledgeReferences);
    this.dataReferences = copyRefs("data_references", b.dataReferences);
    this.correlationId = optionalId("correlation_id", b.correlationId);
    this.causationId = optionalId("causation_id", b.causationId);
    this.traceId = optionalId("trace_id", b.traceId);
    this.runId = optionalId("run_id", b.runId);
    this.idempotencyKey = optionalId("idempotency_key", b.idempotencyKey);
    this.schemaVersion =
        b.schemaVersion == null
            ? SCHEMA_VERSION
            : requireNonBlank("schema_version", b.schemaVersion);
    this.brokerUser = null;
    this.verifiedKeyId = null;
  }

  /** A copy of {@code s} with other receive-side attributes; the fields are shared, not checked. */
  private Spore(Spore s, String brokerUser, String verifiedKeyId) {
    this.id = s.id;
    this.type = s.type;
    this.fromAgent = s.fromAgent;
    this.toAgent = s.toAgent;
    this.knowledge = s.knowledge;
    this.knowledgeBytes = s.knowledgeBytes;
    this.createdAt = s.createdAt;
    this.expiresAt = s.expiresAt;
    this.priority = s.priority;
    this.replyTo = s.replyTo;
    this.metadata = s.metadata;
    this.knowledgeReferences = s.knowledgeReferences;
    this.dataReferences = s.dataReferences;
    this.correlationId = s.correlationId;
    this.causationId = s.causationId;
    this.traceId = s.traceId;
    this.runId = s.runId;
    this.idempotencyKey = s.idempotencyKey;
    this.schemaVersion = s.schemaVersion;
    this.brokerUser = brokerUser;
    this.verifiedKeyId = verifiedKeyId;
  }

  /**
   * A new spore with every optional field at its default, validated like {@link Builder#build()}
   * would: what {@code send} and {@code broadcast} build for each call, without a builder.
   */
  private Spore(
      SporeType type, String fromAgent, String toAgent, Map<String, ?> knowledge, long maxBytes) {
    this.id = newId();
    this.type = requireType(type);
    this.fromAgent = ReefNames.requireAgent("from_agent", fromAgent);
    this.toAgent = toAgent == null ? null : ReefNames.requireAgent("to_agent", toAgent);
    this.priority = DEFAULT_PRIORITY;
    requireSizeLimit(maxBytes);
    if (knowledge == null) {
      this.knowledge = null;
      this.knowledgeBytes = 4;
    } else {
      JsonValues.Size size = new JsonValues.Size();
      this.knowledge = JsonValues.copyObject("knowledge", knowledge, size);
      this.knowledgeBytes = size.bytes;
      requireTokens("knowledge", size.tokens);
    }
    requireKnowledgeSize(knowledgeBytes, maxBytes);
    this.createdAt = now();
    this.expiresAt = null;
    this.replyTo = null;
    this.metadata = Collections.emptyMap();
    this.knowledgeReferences = Collections.emptyList();
    this.dataReferences = Collections.emptyList();
    this.correlationId = null;
    this.causationId = null;
    this.traceId = null;
    this.runId = null;
    this.idempotencyKey = null;
    this.schemaVersion = SCHEMA_VERSION;
    this.brokerUser = null;
    this.verifiedKeyId = null;
  }

  /**
   * A copy with string metadata entries added (replacing same-named ones) and tracing ids set,
   * without the builder's revalidation: for the reef's trace context ({@code TracePropagation}),
   * whose entries and ids are valid by construction (W3C strings, ids of valid spores).
   */
  private Spore(
      Spore o,
      Map<String, Object> metadata,
      String traceId,
      String causationId,
      String correlationId) {
    this.id = o.id;
    this.type = o.type;
    this.fromAgent = o.fromAgent;
    this.toAgent = o.toAgent;
    this.knowledge = o.knowledge;
    this.knowledgeBytes = o.knowledgeBytes;
    this.createdAt = o.createdAt;
    this.expiresAt = o.expiresAt;
    this.priority = o.priority;
    this.replyTo = o.replyTo;
    this.metadata = metadata;
    this.knowledgeReferences = o.knowledgeReferences;
    this.dataReferences = o.dataReferences;
    this.correlationId = correlationId;
    this.causationId = causationId;
    this.traceId = traceId;
    this.runId = o.runId;
    this.idempotencyKey = o.idempotencyKey;
    this.schemaVersion = o.schemaVersion;
    // An outgoing copy: the receive-side attributes never travel with it.
    this.brokerUser = null;
    this.verifiedKeyId = null;
  }

  /**
   * This spore with string metadata entries put (a null value removes the key) and the tracing ids
   * replaced; see the constructor above.
   */
  Spore withTracing(
      String key1,
      String value1,
      String key2,
      String value2,
      String traceId,
      String causationId,
      String correlationId) {
    if (metadata.isEmpty() && key1 != null && value1 != null && (key2 == null || value2 == null)) {
      // the common case (a plain spore gets its traceparent): one entry, no map to copy
      return new Spore(
          this, Collections.singletonMap(key1, value1), traceId, causationId, correlationId);
    }
    Map<String, Object> m = new java.util.LinkedHashMap<>(metadata);
    putOrRemove(m, key1, value1);
    putOrRemove(m, key2, value2);
    return new Spore(this, Collections.unmodifiableMap(m), traceId, causationId, correlationId);
  }

  private static void putOrRemove(Map<String, Object> m, String key, String value) {
    if (key == null) {
      return;
    }
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
  }

  /**
   * The same spore as {@code builder().type(type).fromAgent(from).toAgent(to).knowledge(knowledge)
   * .maxKnowledgeBytes(maxKnowledgeBytes).build()}, built without the builder.
   */
  static Spore of(
      SporeType type, String from, String to, Map<String, ?> knowledge, long maxKnowledgeBytes) {
    return new Spore(type, from, to, knowledge, maxKnowledgeBytes);
  }

  private static SporeType requireType(SporeType type) {
    if (type == null) {
      throw new SporeValidationException("spore_type", "must not be null");
    }
    return type;
  }

  private static int requirePriority(int priority) {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new SporeValidationException(
          "priority",
          "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", was " + priority);
    }
    return priority;
  }

  private static void requireSizeLimit(long maxKnowledgeBytes) {
    if (maxKnowledgeBytes < 2) {
      throw new SporeValidationException(
          "knowledge", "the size limit must be at least 2 bytes, was " + maxKnowledgeBytes);
    }
  }

  private static Map<String, Object> copyMetadata(Map<String, ?> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Collections.emptyMap();
    }
    JsonValues.Size size = new JsonValues.Size();
    Map<String, Object> copy = JsonValues.copyObject("metadata", metadata, size);
    requireTokens("metadata", size.tokens);
    return copy;
  }

  private static void requireTokens(String field, long tokens) {
    if (tokens > MAX_KNOWLEDGE_TOKENS) {
      throw new SporeValidationException(
          field,
          "must hold at most "
              + MAX_KNOWLEDGE_TOKENS
              + " JSON tokens (the decoding budget), was "
              + tokens
              + " tokens");
    }
  }

  private static void requireKnowledgeSize(long knowledgeBytes, long maxKnowledgeBytes) {
    if (knowledgeBytes > maxKnowledgeBytes) {
      throw new SporeValidationException(
          "knowledge",
          "serialized size must be at most "
              + maxKnowledgeBytes
              + " bytes, was "
              + knowledgeBytes
              + " bytes");
    }
  }

  /**
   * Starts a new spore. Required: the type and the sender; everything else has a default (a random
   * UUID id, created now, priority {@value #DEFAULT_PRIORITY}, no expiry).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding every field of this spore, to derive a changed copy.
   *
   * @return a builder initialized from this spore
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.type = type;
    b.fromAgent = fromAgent;
    b.toAgent = toAgent;
    b.knowledge = knowledge;
    b.frozenKnowledge = true;
    b.knowledgeBytes = knowledgeBytes;
    b.createdAt = createdAt;
    b.expiresAt = expiresAt;
    b.priority = priority;
    b.replyTo = replyTo;
    b.metadata = metadata;
    b.knowledgeReferences = knowledgeReferences;
    b.dataReferences = dataReferences;
    b.correlationId = correlationId;
    b.causationId = causationId;
    b.traceId = traceId;
    b.runId = runId;
    b.idempotencyKey = idempotencyKey;
    b.schemaVersion = schemaVersion;
    b.maxKnowledgeBytes = Long.MAX_VALUE;
    return b;
  }

  /**
   * A copy with one more knowledge reference.
   *
   * @param reference the reference, for example a memory id; non-blank
   * @return a new spore; this one is unchanged
   */
  public Spore withKnowledgeReference(String reference) {
    List<String> refs = new ArrayList<>(knowledgeReferences);
    refs.add(reference);
    return toBuilder().knowledgeReferences(refs).build();
  }

  /**
   * A copy with one more data reference.
   *
   * @param reference the reference, for example a URI; non-blank
   * @return a new spore; this one is unchanged
   */
  public Spore withDataReference(String reference) {
    List<String> refs = new ArrayList<>(dataReferences);
    refs.add(reference);
    return toBuilder().dataReferences(refs).build();
  }

  /**
   * The unique id ({@code id}).
   *
   * @return the id, never null
   */
  public String id() {
    return id;
  }

  /**
   * The type ({@code spore_type}).
   *
   * @return the type, never null
   */
  public SporeType type() {
    return type;
  }

  /**
   * The sender ({@code from_agent}).
   *
   * @return the sending agent, never null
   */
  public String fromAgent() {
    return fromAgent;
  }

  /**
   * The recipient ({@code to_agent}); null means every agent on the channel but the sender.
   *
   * @return the receiving agent, or null for an undirected spore
   */
  public @Nullable String toAgent() {
    return toAgent;
  }

  /**
   * Whether the spore names one recipient.
   *
   * @return true if {@link #toAgent()} is set
   */
  public boolean isDirected() {
    return toAgent != null;
  }

  /**
   * The knowledge payload ({@code knowledge}): an unmodifiable JSON object, or null.
   *
   * @return the knowledge, or null
   */
  public @Nullable Map<String, Object> knowledge() {
    return knowledge;
  }

  /**
   * The knowledge read as a type (a record or POJO) with {@link KnowledgeMapper#defaults()}. Use
   * {@link #knowledgeAs(Class, KnowledgeMapper)} with {@link Reef#knowledgeMapper()} when the reef
   * has a customised mapper.
   *
   * @param type the target type
   * @param <T> the target type
   * @return the value, or null when the knowledge is null
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public <T> @Nullable T knowledgeAs(Class<T> type) {
    return KnowledgeMapper.defaults().fromKnowledge(knowledge, type);
  }

  /**
   * The knowledge read as a generic type with {@link KnowledgeMapper#defaults()}.
   *
   * @param type the target type, for example {@code new TypeReference<Page<Order>>() {}}
   * @param <T> the target type
   * @return the value, or null when the knowledge is null
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public <T> @Nullable T knowledgeAs(com.fasterxml.jackson.core.type.TypeReference<T> type) {
    return KnowledgeMapper.defaults().fromKnowledge(knowledge, type);
  }

  /**
   * The knowledge read as a type with the given mapper (a reef's {@link Reef#knowledgeMapper()}).
   *
   * @param type the target type
   * @param mapper the mapper
   * @param <T> the target type
   * @return the value, or null when the knowledge is null
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public <T> @Nullable T knowledgeAs(Class<T> type, KnowledgeMapper mapper) {
    return mapper.fromKnowledge(knowledge, type);
  }

  /**
   * The size in bytes of the knowledge as the codec writes it (compact UTF-8 JSON, a character
   * outside the Basic Multilingual Plane as two escapes; see "Limits" above), as measured when the
   * spore was built: exactly the length of {@code SporeCodec.encodeKnowledge(knowledge())}.
   *
   * @return the serialized size ({@code 4} for null)
   */
  public long knowledgeBytes() {
    return knowledgeBytes;
  }

  /**
   * When the spore was created ({@code created_at}).
   *
   * @return the creation instant, never null
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * When the spore expires ({@code expires_at}); null means never.
   *
   * @return the expiry instant, or null
   */
  public @Nullable Instant expiresAt() {
    return expiresAt;
  }

  /**
   * Whether the spore has expired at the given instant.
   *
   * @param now the instant to compare with
   * @return true if it has an expiry at or before {@code now}
   */
  public boolean isExpired(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }

  /**
   * Whether the spore has expired now.
   *
   * @return true if it has an expiry at or before the current instant
   */
  public boolean isExpired() {
    return expiresAt != null && isExpired(Instant.now());
  }

  /**
   * The priority ({@code priority}), 1–10, higher is more urgent.
   *
   * @return the priority
   */
  public int priority() {
    return priority;
  }

  /**
   * The id of the spore this one answers ({@code reply_to}), or null.
   *
   * @return the answered spore's id, or null
   */
  public @Nullable String replyTo() {
    return replyTo;
  }

  /**
   * The metadata ({@code metadata}): an unmodifiable JSON object with string keys, empty if none.
   *
   * @return the metadata, never null
   */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /**
   * The knowledge references ({@code knowledge_references}), unmodifiable.
   *
   * @return the references, never null
   */
  public List<String> knowledgeReferences() {
    return knowledgeReferences;
  }

  /**
   * The data references ({@code data_references}), unmodifiable.
   *
   * @return the references, never null
   */
  public List<String> dataReferences() {
    return dataReferences;
  }

  /**
   * The correlation id ({@code correlation_id}), or null.
   *
   * @return the correlation id, or null
   */
  public @Nullable String correlationId() {
    return correlationId;
  }

  /**
   * The causation id ({@code causation_id}), or null.
   *
   * @return the causation id, or null
   */
  public @Nullable String causationId() {
    return causationId;
  }

  /**
   * The trace id ({@code trace_id}), or null.
   *
   * @return the trace id, or null
   */
  public @Nullable String traceId() {
    return traceId;
  }

  /**
   * The run id ({@code run_id}), or null.
   *
   * @return the run id, or null
   */
  public @Nullable String runId() {
    return runId;
  }

  /**
   * The idempotency key ({@code idempotency_key}), or null.
   *
   * @return the idempotency key, or null
   */
  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * The schema version ({@code schema_version}), {@value #SCHEMA_VERSION} unless read from the
   * wire.
   *
   * @return the schema version, never null
   */
  public String schemaVersion() {
    return schemaVersion;
  }

  /**
   * The broker user that published this spore, as the transport verified it: on AMQP the {@code
   * user_id} property, which RabbitMQ checks against the publishing connection's user; on the
   * in-memory backend the user its publishing backend was built with ({@code
   * InMemoryBackend.Builder#user}). A receive-side attribute: never serialized (a value in the JSON
   * body would be the sender's word, not the broker's), not part of {@link #equals}. See
   * docs/security.md.
   *
   * @return the verified user, or empty if the transport names none (a spore built locally, a
   *     foreign publisher that set no {@code user_id}, an in-memory backend without a user)
   */
  public java.util.Optional<String> brokerUser() {
    return java.util.Optional.ofNullable(brokerUser);
  }

  /**
   * The id of the key whose Ed25519 signature the receiving reef verified ({@code
   * dev.reef.security.SenderVerification}); a receive-side attribute like {@link #brokerUser()}.
   *
   * @return the key id, or empty if no signature was verified on receipt
   */
  public java.util.Optional<String> verifiedKeyId() {
    return java.util.Optional.ofNullable(verifiedKeyId);
  }

  /**
   * This spore as published by a broker user: what a backend hands its consumers. Clears {@link
   * #verifiedKeyId()}, so a spore a sender marked cannot pass for verified. Costs no validation.
   *
   * @param user the verified broker user, or null for none
   * @return this spore if it already says so, else a copy
   */
  public Spore withBrokerUser(@Nullable String user) {
    if (Objects.equals(user, brokerUser) && verifiedKeyId == null) {
      return this;
    }
    return new Spore(this, user, null);
  }

  /**
   * This spore marked as carrying a signature verified with the key {@code keyId}; called by the
   * receiving reef after verification.
   *
   * @param keyId the verified key's id, not null
   * @return a copy
   */
  public Spore withVerifiedKeyId(String keyId) {
    return new Spore(this, brokerUser, Objects.requireNonNull(keyId, "keyId"));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Spore)) {
      return false;
    }
    Spore s = (Spore) o;
    return priority == s.priority
        && id.equals(s.id)
        && type == s.type
        && fromAgent.equals(s.fromAgent)
        && Objects.equals(toAgent, s.toAgent)
        && Objects.equals(knowledge, s.knowledge)
        && createdAt.equals(s.createdAt)
        && Objects.equals(expiresAt, s.expiresAt)
        && Objects.equals(replyTo, s.replyTo)
        && metadata.equals(s.metadata)
        && knowledgeReferences.equals(s.knowledgeReferences)
        && dataReferences.equals(s.dataReferences)
        && Objects.equals(correlationId, s.correlationId)
        && Objects.equals(causationId, s.causationId)
        && Objects.equals(traceId, s.traceId)
        && Objects.equals(runId, s.runId)
        && Objects.equals(idempotencyKey, s.idempotencyKey)
        && schemaVersion.equals(s.schemaVersion);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + createdAt.hashCode();
  }

  /** A short description without the knowledge, safe to log. */
  @Override
  public String toString() {
    return "Spore{id="
        + id
        + ", type="
        + type.wireName()
        + ", from="
        + fromAgent
        + ", to="
        + (toAgent == null ? "*" : toAgent)
        + ", priority="
        + priority
        + (replyTo == null ? "" : ", replyTo=" + replyTo)
        + (expiresAt == null ? "" : ", expiresAt=" + expiresAt)
        + ", knowledgeBytes="
        + knowledgeBytes
        + "}";
  }

  /**
   * The current instant at microsecond precision: what the wire carries (ISO timestamps with six
   * fraction digits, as Python writes them), so a spore read back equals the one sent.
   */
  private static Instant now() {
    Instant now = Instant.now();
    int nanos = now.getNano();
    int excess = nanos % 1000;
    return excess == 0 ? now : Instant.ofEpochSecond(now.getEpochSecond(), nanos - excess);
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  private static String optionalId(String field, String value) {
    return value == null ? null : ReefNames.requireId(field, value);
  }

  private static String requireNonBlank(String field, String value) {
    if (value.isBlank()) {
      throw new SporeValidationException(field, "must not be blank");
    }
    return value;
  }

  private static List<String> copyRefs(String field, List<String> refs) {
    if (refs == null || refs.isEmpty()) {
      return Collections.emptyList();
    }
    List<String> copy = new ArrayList<>(refs.size());
    for (String r : refs) {
      if (r == null || r.isBlank()) {
        throw new SporeValidationException(field, "references must be non-blank strings");
      }
      copy.add(r);
    }
    return Collections.unmodifiableList(copy);
  }

  /**
   * Builds a {@link Spore}. Not thread-safe; {@link #build()} validates and may be called more than
   * once (each call with no explicit id draws a new one).
   */
  public static final class Builder {
    private String id;
    private SporeType type;
    private String fromAgent;
    private String toAgent;
    private Map<String, Object> knowledge;
    private boolean frozenKnowledge;
    private long knowledgeBytes;
    private Instant createdAt;
    private Instant expiresAt;
    private Duration expiresIn;
    private int priority = DEFAULT_PRIORITY;
    private String replyTo;
    private Map<String, ?> metadata;
    private List<String> knowledgeReferences;
    private List<String> dataReferences;
    private String correlationId;
    private String causationId;
    private String traceId;
    private String runId;
    private String idempotencyKey;
    private String schemaVersion;
    private long maxKnowledgeBytes = DEFAULT_MAX_KNOWLEDGE_BYTES;

    private Builder() {}

    /**
     * The id; default a random UUID.
     *
     * @param id non-blank, at most 255 UTF-8 bytes
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * The type; required.
     *
     * @param type the type
     * @return this builder
     */
    public Builder type(SporeType type) {
      this.type = type;
      return this;
    }

    /**
     * The sender; required.
     *
     * @param fromAgent an agent name (dot-separated words of {@code [A-Za-z0-9_:-]}, see {@link
     *     ReefNames})
     * @return this builder
     */
    public Builder fromAgent(String fromAgent) {
      this.fromAgent = fromAgent;
      return this;
    }

    /**
     * The recipient; default null (everyone on the channel but the sender).
     *
     * @param toAgent an agent name, or null
     * @return this builder
     */
    public Builder toAgent(@Nullable String toAgent) {
      this.toAgent = toAgent;
      return this;
    }

    /**
     * The knowledge: a JSON object or null (default null). Deep-copied when built.
     *
     * @param knowledge a map with string keys and JSON-shaped values, or null
     * @return this builder
     */
    @SuppressWarnings("unchecked")
    public Builder knowledge(@Nullable Map<String, ?> knowledge) {
      this.knowledge = (Map<String, Object>) knowledge;
      this.frozenKnowledge = false;
      return this;
    }

    /**
     * The creation instant; default the instant of {@link #build()}, truncated to microseconds.
     *
     * @param createdAt the instant
     * @return this builder
     */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /**
     * The expiry instant; default null (never). Replaces an earlier {@link #expiresIn(Duration)}.
     *
     * @param expiresAt the instant, or null
     * @return this builder
     */
    public Builder expiresAt(@Nullable Instant expiresAt) {
      this.expiresAt = expiresAt;
      this.expiresIn = null;
      return this;
    }

    /**
     * The expiry relative to the creation instant. Replaces an earlier {@link #expiresAt(Instant)}.
     *
     * @param expiresIn the time to live, or null for never
     * @return this builder
     */
    public Builder expiresIn(@Nullable Duration expiresIn) {
      this.expiresIn = expiresIn;
      this.expiresAt = null;
      return this;
    }

    /**
     * The priority; default {@value Spore#DEFAULT_PRIORITY}.
     *
     * @param priority 1–10, higher is more urgent
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * The id of the spore this one answers; default null.
     *
     * @param replyTo a spore id, or null
     * @return this builder
     */
    public Builder replyTo(@Nullable String replyTo) {
      this.replyTo = replyTo;
      return this;
    }

    /**
     * The metadata; default empty. Deep-copied when built.
     *
     * @param metadata a map with string keys and JSON-shaped values, or null for none
     * @return this builder
     */
    public Builder metadata(@Nullable Map<String, ?> metadata) {
      this.metadata = metadata;
      return this;
    }

    /**
     * The knowledge references; default none.
     *
     * @param references non-blank strings, or null for none
     * @return this builder
     */
    public Builder knowledgeReferences(@Nullable List<String> references) {
      this.knowledgeReferences = references;
      return this;
    }

    /**
     * The data references; default none.
     *
     * @param references non-blank strings, or null for none
     * @return this builder
     */
    public Builder dataReferences(@Nullable List<String> references) {
      this.dataReferences = references;
      return this;
    }

    /**
     * The correlation id; default null.
     *
     * @param correlationId a non-blank id, or null
     * @return this builder
     */
    public Builder correlationId(@Nullable String correlationId) {
      this.correlationId = correlationId;
      return this;
    }

    /**
     * The causation id; default null.
     *
     * @param causationId a non-blank id, or null
     * @return this builder
     */
    public Builder causationId(@Nullable String causationId) {
      this.causationId = causationId;
      return this;
    }

    /**
     * The trace id; default null.
     *
     * @param traceId a non-blank id, or null
     * @return this builder
     */
    public Builder traceId(@Nullable String traceId) {
      this.traceId = traceId;
      return this;
    }

    /**
     * The run id; default null.
     *
     * @param runId a non-blank id, or null
     * @return this builder
     */
    public Builder runId(@Nullable String runId) {
      this.runId = runId;
      return this;
    }

    /**
     * The idempotency key; default null. Receivers with deduplication on treat spores with the same
     * key as one.
     *
     * @param idempotencyKey a non-blank key, or null
     * @return this builder
     */
    public Builder idempotencyKey(@Nullable String idempotencyKey) {
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    /**
     * The schema version; default {@value Spore#SCHEMA_VERSION}. Set by decoders to keep what the
     * wire said.
     *
     * @param schemaVersion a non-blank version, or null for the default
     * @return this builder
     */
    public Builder schemaVersion(@Nullable String schemaVersion) {
      this.schemaVersion = schemaVersion;
      return this;
    }

    /**
     * The largest serialized knowledge this build accepts; default {@link
     * Spore#DEFAULT_MAX_KNOWLEDGE_BYTES} (10 MiB).
     *
     * @param maxKnowledgeBytes the limit in bytes of compact UTF-8 JSON, at least 2
     * @return this builder
     */
    public Builder maxKnowledgeBytes(long maxKnowledgeBytes) {
      this.maxKnowledgeBytes = maxKnowledgeBytes;
      return this;
    }

    /**
     * Validates and builds the spore.
     *
     * @return the spore
     * @throws SporeValidationException naming the first invalid field
     */
    public Spore build() {
      return new Spore(this);
    }
  }
}
