package dev.reef;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Typed knowledge: converts Java records and POJOs to a spore's knowledge (a JSON object) and back,
 * with a Jackson {@link ObjectMapper}. The wire format stays the Praval JSON of the knowledge map:
 * a record is converted to the same {@code Map<String, Object>} a hand-written knowledge would be,
 * and read back from it, so a Python agent sees plain JSON fields.
 *
 * <p>{@link #defaults()} registers the Java time ({@link java.time.Instant} as ISO-8601 text) and
 * JDK 8 ({@link java.util.Optional}) modules and ignores unknown fields (a Praval agent may send
 * more than a record declares). A reef uses the mapper of {@link ReefOptions#knowledgeMapper()};
 * pass {@link #of(ObjectMapper)} there to customise it.
 *
 * <p>A value that does not map is a {@link KnowledgeMappingException} naming its JSON path, never a
 * raw Jackson exception. Numbers: a JSON number with a fraction travels as an IEEE-754 double, so a
 * {@link java.math.BigDecimal} keeps up to 15 significant digits exactly across a broker; annotate
 * the field with {@code @JsonFormat(shape = STRING)} for more.
 */
public final class KnowledgeMapper {
  private static final KnowledgeMapper DEFAULTS = new KnowledgeMapper(defaultObjectMapper());

  private final ObjectMapper mapper;
  private final JavaType mapType;

  private KnowledgeMapper(ObjectMapper mapper) {
    this.mapper = mapper;
    this.mapType = mapper.getTypeFactory().constructMapType(Map.class, String.class, Object.class);
  }

  /**
   * The default mapper (shared, immutable).
   *
   * @return the default mapper
   */
  public static KnowledgeMapper defaults() {
    return DEFAULTS;
  }

  /**
   * A mapper using the given {@link ObjectMapper}, which the caller must not reconfigure after.
   *
   * @param mapper the Jackson mapper, for example a copy of {@link #defaultObjectMapper()}
   * @return a knowledge mapper
   */
  public static KnowledgeMapper of(ObjectMapper mapper) {
    return new KnowledgeMapper(Objects.requireNonNull(mapper, "mapper"));
  }

  /**
   * A new {@link ObjectMapper} configured as {@link #defaults()} uses it: a starting point for a
   * customised one.
   *
   * @return a new mapper
   */
  public static ObjectMapper defaultObjectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /**
   * The Jackson mapper.
   *
   * @return the mapper
   */
  public ObjectMapper objectMapper() {
    return mapper;
  }

  /**
   * Converts a value to knowledge. A {@code Map} passes through the mapper as well, so its values
   * may be records too.
   *
   * @param value a record, POJO or map that serializes to a JSON object
   * @return the knowledge map
   * @throws KnowledgeMappingException if the value does not serialize to a JSON object
   */
  public Map<String, Object> toKnowledge(Object value) {
    Objects.requireNonNull(value, "knowledge");
    try {
      return mapper.convertValue(value, mapType);
    } catch (IllegalArgumentException e) {
      throw mappingFailure(e, value.getClass().getTypeName(), "cannot write as knowledge");
    }
  }

  /**
   * Reads knowledge as a type.
   *
   * @param knowledge the knowledge map (null reads as null)
   * @param type the target type
   * @param <T> the target type
   * @return the value, null for a null knowledge
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public <T> @Nullable T fromKnowledge(@Nullable Map<String, ?> knowledge, Class<T> type) {
    return read(knowledge, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /**
   * Reads knowledge as a generic type.
   *
   * @param knowledge the knowledge map
   * @param type the target type, for example {@code new TypeReference<Page<Order>>() {}}
   * @param <T> the target type
   * @return the value
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public <T> @Nullable T fromKnowledge(@Nullable Map<String, ?> knowledge, TypeReference<T> type) {
    return read(knowledge, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /**
   * Reads knowledge as a reflected type (a method parameter's generic type, for example).
   *
   * @param knowledge the knowledge map
   * @param type the target type
   * @return the value
   * @throws KnowledgeMappingException if the knowledge does not map, naming the JSON path
   */
  public @Nullable Object fromKnowledge(@Nullable Map<String, ?> knowledge, Type type) {
    return read(knowledge, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  private <T> @Nullable T read(@Nullable Map<String, ?> knowledge, JavaType type) {
    if (knowledge == null) {
      return null;
    }
    try {
      return mapper.convertValue(knowledge, type);
    } catch (IllegalArgumentException e) {
      throw mappingFailure(e, type.toCanonical(), "cannot read knowledge as " + simpleName(type));
    }
  }

  private static KnowledgeMappingException mappingFailure(
      IllegalArgumentException e, String targetType, String fallback) {
    Throwable cause = e.getCause() instanceof JsonMappingException ? e.getCause() : e;
    if (!(cause instanceof JsonMappingException)) {
      return new KnowledgeMappingException("knowledge", targetType, fallback, e);
    }
    JsonMappingException jme = (JsonMappingException) cause;
    return new KnowledgeMappingException(path(jme), targetType, problem(jme, fallback), jme);
  }

  /** {@code knowledge.items[1].price} from Jackson's reference chain. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder("knowledge");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String problem(JsonMappingException e, String fallback) {
    if (e instanceof InvalidFormatException) {
      InvalidFormatException ife = (InvalidFormatException) e;
      return "cannot read " + describe(ife.getValue()) + " as " + simpleName(ife.getTargetType());
    }
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field";
    }
    if (e instanceof MismatchedInputException) {
      MismatchedInputException mie = (MismatchedInputException) e;
      String original = e.getOriginalMessage();
      if (original != null && original.startsWith("Missing required creator property")) {
        return "missing, required by " + simpleName(mie.getTargetType());
      }
      return mie.getTargetType() == null
          ? fallback + ": " + firstLine(original)
          : "does not match " + simpleName(mie.getTargetType()) + ": " + firstLine(original);
    }
    return fallback + ": " + firstLine(e.getOriginalMessage());
  }

  private static String describe(Object value) {
    if (value instanceof String) {
      String s = (String) value;
      return '"' + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + '"';
    }
    return String.valueOf(value);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String simpleName(Class<?> type) {
    return type == null ? "?" : type.getSimpleName();
  }

  private static String simpleName(JavaType type) {
    return type.getRawClass().getSimpleName();
  }
}
