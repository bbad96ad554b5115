package dev.reef;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-shaped values ({@code null}, {@link String}, {@link Boolean},
 * {@link Number}, {@code Map<String, ?>}, {@link Collection}), measuring on the way the size in
 * bytes of their compact UTF-8 JSON form exactly as {@code dev.reef.codec.SporeCodec} writes it (a
 * character outside the Basic Multilingual Plane is written as two {@code \\uXXXX} escapes, 12
 * bytes) and the number of JSON tokens a parser reads back. One walk does both, so validating the
 * knowledge costs no serialization. The walk refuses nesting deeper than {@link
 * Spore#MAX_NESTING_DEPTH} before it goes deeper, so a deep or cyclic map is a {@link
 * SporeValidationException}, never a {@link StackOverflowError}.
 */
final class JsonValues {
  private JsonValues() {}

  /**
   * Accumulates the serialized size while copying, and the tokens as a streaming parser counts them
   * (start and end of each object and array, each field name, each scalar).
   */
  static final class Size {
    long bytes;
    long tokens;
  }

  /** The classes of {@code Map.of(...)} / {@code Map.copyOf(...)}: deeply immutable containers. */
  private static final Class<?> MAP_1 = Map.of("k", "v").getClass();

  private static final Class<?> MAP_N = Map.of("k", "v", "k2", "v2").getClass();

  /** A JDK immutable map of scalars, shared as a spore's knowledge, and its measured size. */
  private static final class Measured {
    final Map<?, ?> map;
    final long bytes;

    Measured(Map<?, ?> map, long bytes) {
      this.map = map;
      this.bytes = bytes;
    }

    long tokens() {
      return 2 + 2L * map.size();
    }
  }

  /**
   * The last map shared by {@link #shareIfScalar}: senders usually pass the same constant {@code
   * Map.of(...)} again and again, and such a map of scalars is deeply immutable, so the very same
   * instance (compared by identity) has the same size and needs no second walk. Racy by design:
   * {@link Measured} has final fields, so a reader sees a complete entry or an older one (a miss).
   */
  private static Measured lastShared = new Measured(Map.of(), 2);

  /**
   * Copies a JSON object, the root of a field (its depth is 1).
   *
   * @throws SporeValidationException naming the field if a value is not JSON-shaped, a key is not a
   *     string, a number is longer than {@link Spore#MAX_NUMBER_LENGTH} characters or the nesting
   *     is deeper than {@link Spore#MAX_NESTING_DEPTH}
   */
  static Map<String, Object> copyObject(String field, Map<?, ?> map, Size size) {
    return copyObject(field, map, size, 1);
  }

  private static Map<String, Object> copyObject(String field, Map<?, ?> map, Size size, int depth) {
    requireDepth(field, depth);
    if (map.isEmpty()) {
      size.bytes += 2;
      size.tokens += 2;
      return Collections.emptyMap();
    }
    if (map.getClass() == MAP_1 || map.getClass() == MAP_N) {
      Measured last = lastShared;
      if (last.map == map) {
        size.bytes += last.bytes;
        size.tokens += last.tokens();
        @SuppressWarnings("unchecked")
        Map<String, Object> same = (Map<String, Object>) map;
        return same;
      }
      Map<String, Object> shared = shareIfScalar(field, map, size);
      if (shared != null) {
        return shared;
      }
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 4 / 3 + 1));
    size.bytes += 1 + map.size(); // braces and commas: '{' + (n - 1) commas + '}'
    size.tokens += 2 + map.size(); // start, end and the field names
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (!(key instanceof String)) {
        throw new SporeValidationException(
            field, "object keys must be strings, found " + typeName(key));
      }
      String k = (String) key;
      size.bytes += stringBytes(k) + 1;
      copy.put(k, copyValue(field, e.getValue(), size, depth));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static void requireDepth(String field, int depth) {
    if (depth > Spore.MAX_NESTING_DEPTH) {
      throw new SporeValidationException(
          field,
          "nesting must be at most "
              + Spore.MAX_NESTING_DEPTH
              + " levels of objects and arrays (the field's own object is level 1)");
    }
  }

  /**
   * A JDK immutable map ({@code Map.of}) whose values are all immutable scalars needs no copy: it
   * is validated and measured, and returned as it is (its iteration order is fixed, like a copy's).
   * Returns null, having counted nothing, if a key is not a string or a value is not a scalar.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> shareIfScalar(String field, Map<?, ?> map, Size size) {
    long bytes = 1 + map.size();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      Object value = e.getValue();
      if (!(key instanceof String) || !isScalar(value)) {
        return null;
      }
      bytes += stringBytes((String) key) + 1 + scalarBytes(value);
    }
    size.bytes += bytes;
    size.tokens += 2 + 2L * map.size();
    lastShared = new Measured(map, bytes);
    return (Map<String, Object>) map;
  }

  private static boolean isScalar(Object v) {
    return v instanceof String
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof Double
        || v instanceof Float; // big numbers go through copyValue, which checks their length
  }

  private static boolean isNumber(Object v) {
    return v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger
        || v instanceof BigDecimal
        || v instanceof Double
        || v instanceof Float;
  }

  private static long scalarBytes(Object v) {
    if (v instanceof String) {
      return stringBytes((String) v);
    }
    if (v instanceof Boolean) {
      return ((Boolean) v) ? 4 : 5;
    }
    return numberBytes(v);
  }

  /** Characters of a number's JSON form: its {@code toString}, without building it for integers. */
  private static long numberBytes(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return decimalDigits(((Number) v).longValue());
    }
    return v.toString().length();
  }

  /** The length of {@code Long.toString(v)}. */
  static int decimalDigits(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    int n = 1;
    if (v < 0) {
      n++;
      v = -v;
    }
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  private static Object copyValue(String field, Object value, Size size, int depth) {
    size.tokens++; // a scalar, or the start of an object or array (copyObject adds the rest)
    if (value == null) {
      size.bytes += 4;
      return null;
    }
    if (value instanceof String) {
      size.bytes += stringBytes((String) value);
      return value;
    }
    if (value instanceof Boolean) {
      size.bytes += ((Boolean) value) ? 4 : 5;
      return value;
    }
    if (isNumber(value)) {
      long length = numberBytes(value);
      if (length > Spore.MAX_NUMBER_LENGTH) {
        throw new SporeValidationException(
            field,
            "numbers must have at most "
                + Spore.MAX_NUMBER_LENGTH
                + " characters, found one of "
                + length);
      }
      size.bytes += length;
      return value;
    }
    if (value instanceof Map) {
      size.tokens--; // counted by copyObject
      return copyObject(field, (Map<?, ?>) value, size, depth + 1);
    }
    if (value instanceof Collection) {
      requireDepth(field, depth + 1);
      Collection<?> c = (Collection<?>) value;
      size.tokens++; // the end of the array
      if (c.isEmpty()) {
        size.bytes += 2;
        return Collections.emptyList();
      }
      List<Object> copy = new ArrayList<>(c.size());
      size.bytes += 1 + c.size();
      for (Object o : c) {
        copy.add(copyValue(field, o, size, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new SporeValidationException(
        field,
        "values must be JSON-shaped (null, String, Boolean, Number, Map<String, ?>, Collection),"
            + " found "
            + typeName(value));
  }

  /**
   * Bytes of the string as the codec writes it as a JSON string literal, quotes included: UTF-8,
   * except that each UTF-16 surrogate (half of a character outside the Basic Multilingual Plane,
   * such as an emoji) is a six-byte {@code \\uXXXX} escape, as Jackson's UTF-8 generator writes it.
   */
  static long stringBytes(String s) {
    long n = 2;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\') {
          n += 2;
        } else if (c < 0x20) {
          n += (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') ? 2 : 6;
        } else {
          n += 1;
        }
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isSurrogate(c)) {
        n += 6; // the codec writes each surrogate as a \\uXXXX escape (Jackson's UTF-8 output)
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String typeName(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
