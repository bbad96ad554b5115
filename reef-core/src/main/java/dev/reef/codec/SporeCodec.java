package dev.reef.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.reef.Spore;
import dev.reef.SporeValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes spores as JSON, in the format of docs/design.md#wire-format that the Python
 * Praval reef also speaks ({@code Spore.to_json} / {@code from_json}).
 *
 * <h2>Document</h2>
 *
 * <p>An object with the snake_case fields, in Praval's order: {@code id}, {@code spore_type},
 * {@code from_agent}, {@code to_agent}, {@code knowledge}, {@code created_at}, {@code expires_at},
 * {@code priority}, {@code reply_to}, {@code metadata}, {@code knowledge_references}, {@code
 * data_references}, {@code schema_version}, {@code payload}, {@code content_parts}, {@code
 * correlation_id}, {@code causation_id}, {@code trace_id}, {@code run_id}, {@code idempotency_key}.
 * Absent optional values are written as {@code null}; empty lists and objects as {@code []} and
 * {@code {}}. Output is compact UTF-8 unless {@link Builder#prettyPrint(boolean)} asks for Python's
 * {@code indent=2} layout; non-ASCII characters are written as UTF-8, not escaped.
 *
 * <h2>Timestamps</h2>
 *
 * <p>Written and read by {@link Timestamps}: written in UTC with a {@code +00:00} offset and six
 * fraction digits ({@code 2026-11-21T23:30:51.060797+00:00}); read with or without an offset (a
 * naive Praval timestamp such as {@code 2026-11-21T23:30:51} is taken as UTC), with {@code Z}, and
 * with 0–9 fraction digits.
 *
 * <h2>Numbers</h2>
 *
 * <p>Integers of any size are exact: {@link Integer}, {@link Long}, or {@link java.math.BigInteger}
 * beyond 64 bits. Numbers with a fraction or exponent are read as {@link Double} (Python's float,
 * so {@code -0.0}, {@code 5e-324} and {@code 0.30000000000000004} survive exactly), or as {@link
 * java.math.BigDecimal} when a double would overflow or underflow to zero. Python's non-standard
 * tokens {@code NaN}, {@code Infinity} and {@code -Infinity} are read as the matching {@link
 * Double} and written back as the same bare tokens, which Python reads but strict JSON parsers
 * refuse; {@link Builder#allowNonFiniteNumbers(boolean) allowNonFiniteNumbers(false)} refuses them
 * both ways instead.
 *
 * <h2>Praval-only fields</h2>
 *
 * <p>Praval's spore has two fields Reef's does not model: {@code payload} (a second copy of the
 * knowledge, usually equal to it) and {@code content_parts} (multimodal parts, usually empty).
 * Nothing is dropped: when reading, a {@code payload} that differs from the knowledge is kept in
 * the metadata under {@value #PRAVAL_PAYLOAD_KEY}, a non-empty {@code content_parts} under {@value
 * #PRAVAL_CONTENT_PARTS_KEY}, and any other unknown top-level field {@code f} under {@code
 * praval.f}. When writing, those metadata entries become the top-level fields again (and leave the
 * {@code metadata} object), so a Praval document read and written by this codec keeps every value.
 * Without them, {@code payload} is written as a copy of the knowledge and {@code content_parts} as
 * {@code []}, as Praval does ({@link Builder#pravalFields(boolean) pravalFields(false)} omits these
 * two defaults). The metadata prefix {@value #PRAVAL_METADATA_PREFIX} is therefore reserved: a
 * metadata key {@code praval.<name>} whose name is not a Reef field is written as a top-level
 * field.
 *
 * <h2>Reading rules</h2>
 *
 * <p>Required: {@code id}, {@code spore_type} (exactly one of the lower-case wire names), {@code
 * from_agent} and {@code created_at}. {@code priority} defaults to 5 and must be an integer from 1
 * to 10. {@code knowledge} and {@code metadata} must be JSON objects or null; the references arrays
 * of strings or null. An empty string in {@code to_agent}, {@code expires_at}, {@code reply_to},
 * {@code schema_version} or a tracing id means absent (null), as in Praval. Duplicate field names
 * anywhere and trailing content are refused. Every failure is a {@link SporeValidationException}
 * naming the field ({@code "json"} for text that is not JSON or over the decoding budget).
 *
 * <h2>Limits and the decoding budget</h2>
 *
 * <p>Reading applies the rules {@link Spore} applies when built, so a spore that builds is one this
 * codec reads back: the knowledge and the metadata nest at most {@link Spore#MAX_NESTING_DEPTH}
 * levels (refused naming the field before a deeper level is read), hold at most {@link
 * Spore#MAX_KNOWLEDGE_TOKENS} tokens each, and the knowledge's size is counted as {@link
 * #encodeKnowledge} writes it ({@link Spore#knowledgeBytes()} equals its length). The parser itself
 * runs under Jackson's {@link StreamReadConstraints}, so that a hostile document fails fast with
 * bounded memory instead of being built first: at most {@link #maxDocumentBytes()} bytes, a string
 * or a field name at most as long as the document, numbers of at most {@link
 * Spore#MAX_NUMBER_LENGTH} characters, nesting at most {@link Spore#MAX_NESTING_DEPTH} + 2 levels
 * (the document's own object and an envelope around the knowledge) and at most {@link
 * #MAX_DOCUMENT_TOKENS} tokens (a knowledge, its Praval {@code payload} copy and the metadata, plus
 * room for the other fields). Measured (SporeLimitsTest): decoding and building the largest spore
 * that builds ({@link Spore#MAX_KNOWLEDGE_TOKENS} tokens of small keys) allocates ~35 MiB; refusing
 * a body of a million small keys at the token limit allocates ~82 MiB in all, of which the ~400,000
 * entries read before the limit (~40 MiB) are live at once. See docs/reliability.md, "Hostile
 * input".
 *
 * <p>Thread-safety: immutable and thread-safe; share one instance.
 */
public final class SporeCodec {
  /** The metadata key prefix reserved for top-level fields Reef does not model: {@value}. */
  public static final String PRAVAL_METADATA_PREFIX = "praval.";

  /**
   * The metadata key that keeps a Praval {@code payload} differing from the knowledge: {@value}.
   */
  public static final String PRAVAL_PAYLOAD_KEY = "praval.payload";

  /** The metadata key that keeps a non-empty Praval {@code content_parts}: {@value}. */
  public static final String PRAVAL_CONTENT_PARTS_KEY = "praval.content_parts";

  /**
   * The most tokens the parser reads in one document: three fields of {@link
   * Spore#MAX_KNOWLEDGE_TOKENS} (the knowledge, Praval's {@code payload} copy of it, and the
   * metadata) and 65,536 more for the other fields, the references and an envelope: {@value}.
   */
  public static final long MAX_DOCUMENT_TOKENS = 3 * Spore.MAX_KNOWLEDGE_TOKENS + 65_536;

  /**
   * What an AMQP body may add around a knowledge at the limit: the Praval v2 envelope's field
   * names, references and metadata: {@value} bytes (1 MiB). See {@link #maxBodyBytes(long)}.
   */
  public static final long ENVELOPE_ALLOWANCE_BYTES = 1L << 20;

  /** The scope of an AMQP body: knowledge, or an envelope one level above it. */
  private static final JsonValueReader.Scope BODY_SCOPE =
      new JsonValueReader.Scope("knowledge", Spore.MAX_NESTING_DEPTH + 1);

  private static final SporeCodec DEFAULTS = builder().build();

  private final long maxKnowledgeBytes;
  private final long maxDocumentBytes;
  private final boolean prettyPrint;
  private final boolean allowNonFiniteNumbers;
  private final boolean pravalFields;
  private final JsonFactory factory;

  private SporeCodec(Builder b) {
    this.maxKnowledgeBytes = b.maxKnowledgeBytes;
    this.maxDocumentBytes =
        b.maxDocumentBytes > 0 ? b.maxDocumentBytes : defaultMaxDocumentBytes(b.maxKnowledgeBytes);
    this.prettyPrint = b.prettyPrint;
    this.allowNonFiniteNumbers = b.allowNonFiniteNumbers;
    this.pravalFields = b.pravalFields;
    JsonFactoryBuilder fb =
        new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS);
    if (allowNonFiniteNumbers) {
      fb.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    }
    fb.streamReadConstraints(readConstraints(maxDocumentBytes));
    // a knowledge at the depth limit inside a spore document or an envelope is written too
    fb.streamWriteConstraints(
        StreamWriteConstraints.builder().maxNestingDepth(Spore.MAX_NESTING_DEPTH + 2).build());
    this.factory = fb.build();
  }

  /** The parser's budget: see "Limits and the decoding budget" above. */
  static StreamReadConstraints readConstraints(long maxDocumentBytes) {
    int longest = (int) Math.min(maxDocumentBytes, Integer.MAX_VALUE - 8);
    return StreamReadConstraints.builder()
        .maxDocumentLength(maxDocumentBytes)
        .maxNestingDepth(Spore.MAX_NESTING_DEPTH + 2)
        .maxTokenCount(MAX_DOCUMENT_TOKENS)
        .maxNumberLength(Spore.MAX_NUMBER_LENGTH)
        .maxStringLength(longest)
        .maxNameLength(longest)
        .build();
  }

  /**
   * The largest AMQP body that can carry a knowledge within a limit: the rule a receiver checks a
   * body against before decoding it, so that every spore that builds with that limit is accepted. A
   * body is the knowledge itself (Reef's header layout: exactly {@link Spore#knowledgeBytes()}) or
   * a Praval v2 envelope holding it twice (knowledge and payload) with the references and metadata,
   * so the rule is {@code 2 × maxKnowledgeBytes + }{@value #ENVELOPE_ALLOWANCE_BYTES}. The
   * knowledge's own size is then checked exactly when the received spore is built.
   *
   * @param maxKnowledgeBytes the knowledge limit, at least 2
   * @return the body limit in bytes ({@link Long#MAX_VALUE} if it would overflow)
   */
  public static long maxBodyBytes(long maxKnowledgeBytes) {
    if (maxKnowledgeBytes < 2) {
      throw new IllegalArgumentException(
          "maxKnowledgeBytes must be at least 2, was " + maxKnowledgeBytes);
    }
    if (maxKnowledgeBytes >= (Long.MAX_VALUE - ENVELOPE_ALLOWANCE_BYTES) / 2) {
      return Long.MAX_VALUE;
    }
    return 2 * maxKnowledgeBytes + ENVELOPE_ALLOWANCE_BYTES;
  }

  /**
   * The codec with every default: 10 MiB knowledge limit, compact output, Praval's fields written,
   * NaN and Infinity accepted.
   *
   * @return the shared default codec
   */
  public static SporeCodec ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a codec with custom options.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes a spore as UTF-8 JSON.
   *
   * @param spore the spore, not null
   * @return the JSON document
   * @throws SporeValidationException if a value cannot be written (NaN or Infinity while they are
   *     refused)
   */
  public byte[] encode(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    long estimate = 512 + (pravalFields ? 2 : 1) * spore.knowledgeBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(estimate, 1 << 20));
    try (JsonGenerator g = generator(factory.createGenerator(out))) {
      SporeJsonFormat.write(g, spore, pravalFields, allowNonFiniteNumbers);
    } catch (IOException e) {
      throw writeError("spore", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes a spore as JSON text.
   *
   * @param spore the spore, not null
   * @return the JSON document
   * @throws SporeValidationException if a value cannot be written
   */
  public String encodeToString(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = generator(factory.createGenerator(out))) {
      SporeJsonFormat.write(g, spore, pravalFields, allowNonFiniteNumbers);
    } catch (IOException e) {
      throw writeError("spore", e);
    }
    return out.toString();
  }

  /**
   * Reads a spore from UTF-8 JSON (UTF-16 and UTF-32 are detected too).
   *
   * @param json the document, not null
   * @return the spore, validated with this codec's knowledge limit
   * @throws SporeValidationException naming the field, or {@code "json"} for malformed text or a
   *     document over {@link #maxDocumentBytes()}
   */
  public Spore decode(byte[] json) {
    Objects.requireNonNull(json, "json");
    checkDocumentSize(json.length);
    try (JsonParser p = factory.createParser(json)) {
      return SporeJsonFormat.read(p, maxKnowledgeBytes);
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /**
   * Reads a spore from JSON text.
   *
   * @param json the document, not null
   * @return the spore, validated with this codec's knowledge limit
   * @throws SporeValidationException naming the field, or {@code "json"} for malformed text or a
   *     document longer than {@link #maxDocumentBytes()} characters
   */
  public Spore decode(String json) {
    Objects.requireNonNull(json, "json");
    checkDocumentSize(json.length());
    try (JsonParser p = factory.createParser(json)) {
      return SporeJsonFormat.read(p, maxKnowledgeBytes);
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /**
   * Writes a knowledge object (or any JSON object, such as metadata) as compact UTF-8 JSON: the
   * AMQP message body. Never pretty-printed.
   *
   * @param knowledge a map with string keys and JSON-shaped values, or null (written as {@code
   *     null})
   * @return the JSON bytes
   * @throws SporeValidationException naming {@code knowledge} if a key is not a string, a value is
   *     not JSON-shaped, or a non-finite number is refused
   */
  public byte[] encodeKnowledge(@Nullable Map<String, ?> knowledge) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = factory.createGenerator(out)) {
      if (knowledge == null) {
        g.writeNull();
      } else {
        JsonValueWriter.writeObject(g, knowledge, "knowledge", allowNonFiniteNumbers);
      }
    } catch (IOException e) {
      throw writeError("knowledge", e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a knowledge body: a JSON object or {@code null}. Numbers follow the class rules. The
   * knowledge size limit is not applied here (the compact size is only known once a spore is built;
   * build it with {@link #maxKnowledgeBytes()}); the input must not exceed {@link
   * #maxDocumentBytes()}.
   *
   * @param json UTF-8 JSON, not null
   * @return a new mutable map in document order, owned by the caller, or null for {@code null}
   * @throws SporeValidationException {@code "json"} for malformed or over-long input, {@code
   *     "knowledge"} for a JSON value that is not an object or null
   */
  public @Nullable Map<String, Object> decodeKnowledge(byte[] json) {
    Objects.requireNonNull(json, "json");
    checkDocumentSize(json.length);
    try (JsonParser p = factory.createParser(json)) {
      JsonToken t = p.nextToken();
      Map<String, Object> result;
      if (t == JsonToken.START_OBJECT) {
        result = JsonValueReader.readObjectBody(p, BODY_SCOPE, 1);
      } else if (t == JsonToken.VALUE_NULL) {
        result = null;
      } else if (t == null) {
        throw new SporeValidationException("json", "the document is empty");
      } else {
        throw new SporeValidationException(
            "knowledge", "must be a JSON object or null, was " + JsonValueReader.describe(t));
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new SporeValidationException(
            "json",
            "unexpected content after the knowledge: " + JsonValueReader.describe(trailing));
      }
      return result;
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /**
   * The knowledge limit applied when decoding spores.
   *
   * @return the limit in bytes of compact UTF-8 JSON; default 10 MiB
   */
  public long maxKnowledgeBytes() {
    return maxKnowledgeBytes;
  }

  /**
   * The largest document accepted for decoding, checked before parsing.
   *
   * @return the limit in bytes (characters for a {@code String}); default 16 × the knowledge limit
   *     + 1 MiB
   */
  public long maxDocumentBytes() {
    return maxDocumentBytes;
  }

  /**
   * Whether spores are written with Python's {@code indent=2} layout.
   *
   * @return true for indented output; default false
   */
  public boolean prettyPrint() {
    return prettyPrint;
  }

  /**
   * Whether {@code NaN} and {@code ±Infinity} are read and written as bare tokens.
   *
   * @return true if they are accepted; default true
   */
  public boolean allowNonFiniteNumbers() {
    return allowNonFiniteNumbers;
  }

  /**
   * Whether Praval's {@code payload} and {@code content_parts} are written even when they hold only
   * their defaults (a copy of the knowledge, and {@code []}).
   *
   * @return true if always written; default true
   */
  public boolean pravalFields() {
    return pravalFields;
  }

  private JsonGenerator generator(JsonGenerator g) {
    if (prettyPrint) {
      g.setPrettyPrinter(new IndentPrettyPrinter());
    }
    return g;
  }

  private void checkDocumentSize(long length) {
    if (length > maxDocumentBytes) {
      throw new SporeValidationException(
          "json",
          "the document must be at most " + maxDocumentBytes + " bytes, was " + length + " bytes");
    }
  }

  private static long defaultMaxDocumentBytes(long maxKnowledgeBytes) {
    if (maxKnowledgeBytes >= (Long.MAX_VALUE - (1 << 20)) / 16) {
      return Long.MAX_VALUE;
    }
    return 16 * maxKnowledgeBytes + (1 << 20);
  }

  private static SporeValidationException readError(IOException e) {
    if (e instanceof JsonProcessingException) {
      JsonProcessingException j = (JsonProcessingException) e;
      JsonLocation loc = j.getLocation();
      String where =
          loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      String what = e instanceof StreamConstraintsException ? "too large: " : "malformed JSON: ";
      return new SporeValidationException("json", what + j.getOriginalMessage() + where, e);
    }
    return new SporeValidationException("json", "unreadable input: " + e.getMessage(), e);
  }

  private static RuntimeException writeError(String field, IOException e) {
    if (e instanceof JsonProcessingException) {
      return new SporeValidationException(
          field,
          "cannot be written as JSON: " + ((JsonProcessingException) e).getOriginalMessage(),
          e);
    }
    return new UncheckedIOException(e);
  }

  /**
   * Options for a {@link SporeCodec}. Not thread-safe; {@link #build()} may be called more than
   * once.
   */
  public static final class Builder {
    private long maxKnowledgeBytes = Spore.DEFAULT_MAX_KNOWLEDGE_BYTES;
    private long maxDocumentBytes;
    private boolean prettyPrint;
    private boolean allowNonFiniteNumbers = true;
    private boolean pravalFields = true;

    private Builder() {}

    /**
     * The knowledge limit applied to decoded spores; default {@link
     * Spore#DEFAULT_MAX_KNOWLEDGE_BYTES} (10 MiB).
     *
     * @param maxKnowledgeBytes bytes of compact UTF-8 JSON, at least 2
     * @return this builder
     * @throws IllegalArgumentException if below 2
     */
    public Builder maxKnowledgeBytes(long maxKnowledgeBytes) {
      if (maxKnowledgeBytes < 2) {
        throw new IllegalArgumentException(
            "maxKnowledgeBytes must be at least 2, was " + maxKnowledgeBytes);
      }
      this.maxKnowledgeBytes = maxKnowledgeBytes;
      return this;
    }

    /**
     * The largest document accepted for decoding, checked before parsing so that an oversized input
     * costs no parse; default 16 × the knowledge limit + 1 MiB (a Praval document holds the
     * knowledge twice, possibly indented and {@code \\u}-escaped).
     *
     * @param maxDocumentBytes the limit in bytes, at least 2
     * @return this builder
     * @throws IllegalArgumentException if below 2
     */
    public Builder maxDocumentBytes(long maxDocumentBytes) {
      if (maxDocumentBytes < 2) {
        throw new IllegalArgumentException(
            "maxDocumentBytes must be at least 2, was " + maxDocumentBytes);
      }
      this.maxDocumentBytes = maxDocumentBytes;
      return this;
    }

    /**
     * Whether to write spores in Python's {@code indent=2} layout (two spaces, one entry per line,
     * no trailing newline); default false (compact). Knowledge bodies are always compact.
     *
     * @param prettyPrint true for indented output
     * @return this builder
     */
    public Builder prettyPrint(boolean prettyPrint) {
      this.prettyPrint = prettyPrint;
      return this;
    }

    /**
     * Whether {@code NaN}, {@code Infinity} and {@code -Infinity} are read and written as bare
     * tokens, as Python's {@code json} does; default true. When false, reading them fails with
     * {@code "json"} and writing them fails with the field that holds them.
     *
     * @param allow true to accept them
     * @return this builder
     */
    public Builder allowNonFiniteNumbers(boolean allow) {
      this.allowNonFiniteNumbers = allow;
      return this;
    }

    /**
     * Whether to always write Praval's {@code payload} (default: a copy of the knowledge) and
     * {@code content_parts} (default: {@code []}); default true, so that the output is exactly
     * Praval's field set. When false they are written only when the metadata keeps a value for
     * them.
     *
     * @param pravalFields true to always write them
     * @return this builder
     */
    public Builder pravalFields(boolean pravalFields) {
      this.pravalFields = pravalFields;
      return this;
    }

    /**
     * Builds the codec.
     *
     * @return an immutable codec
     */
    public SporeCodec build() {
      return new SporeCodec(this);
    }
  }
}
