package dev.reef.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.reef.SporeValidationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON values from a streaming parser into plain Java values: {@link LinkedHashMap} (order
 * kept), {@link ArrayList}, {@link String}, {@link Boolean}, {@code null} and numbers.
 *
 * <p>Numbers: integers become {@link Integer}, {@link Long} or, beyond 64 bits, {@link
 * java.math.BigInteger} (exact). Numbers with a fraction or an exponent become {@link Double} (the
 * same IEEE-754 double Python and JavaScript use, so {@code -0.0}, {@code 5e-324} and {@code
 * 1.7976931348623157e+308} are exact), except a finite number a double cannot hold (it would
 * overflow to infinity or underflow to zero), which becomes a {@link BigDecimal}. The non-standard
 * tokens {@code NaN}, {@code Infinity} and {@code -Infinity} (written by Python's {@code json}) are
 * read, when the parser allows them, as the matching {@link Double}.
 *
 * <p>Depth: each value is read with the depth of the container it starts (the root object is 1) and
 * a container deeper than the given limit is refused with a {@link SporeValidationException} naming
 * the field, before it is read; the recursion is therefore bounded by the limit.
 */
final class JsonValueReader {
  private JsonValueReader() {}

  /** Where a value is read: the field named in errors, and the deepest nesting allowed. */
  record Scope(String field, int maxDepth) {}

  /**
   * Reads a value whose first token is {@code t}, as the root of {@code scope} (a container is at
   * depth 1).
   */
  static Object readValue(JsonParser p, JsonToken t, Scope scope) throws IOException {
    return readValue(p, t, scope, 1);
  }

  private static Object readValue(JsonParser p, JsonToken t, Scope scope, int depth)
      throws IOException {
    switch (t) {
      case START_OBJECT:
        return readObjectBody(p, scope, depth);
      case START_ARRAY:
        return readArrayBody(p, scope, depth);
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return p.getIntValue();
          case LONG:
            return p.getLongValue();
          default:
            return p.getBigIntegerValue();
        }
      case VALUE_NUMBER_FLOAT:
        return readFloat(p);
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new SporeValidationException("json", "unexpected " + describe(t));
    }
  }

  /**
   * Reads the entries of an object whose START_OBJECT was just consumed, at {@code depth} in its
   * scope.
   */
  static Map<String, Object> readObjectBody(JsonParser p, Scope scope, int depth)
      throws IOException {
    requireDepth(scope, depth);
    Map<String, Object> map = new LinkedHashMap<>();
    String name;
    while ((name = p.nextFieldName()) != null) {
      map.put(name, readValue(p, p.nextToken(), scope, depth + 1));
    }
    return map;
  }

  private static List<Object> readArrayBody(JsonParser p, Scope scope, int depth)
      throws IOException {
    requireDepth(scope, depth);
    List<Object> list = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      list.add(readValue(p, t, scope, depth + 1));
    }
    return list;
  }

  private static void requireDepth(Scope scope, int depth) {
    if (depth > scope.maxDepth()) {
      throw new SporeValidationException(
          scope.field(),
          "nesting must be at most "
              + scope.maxDepth()
              + " levels of objects and arrays, found level "
              + depth);
    }
  }

  private static Object readFloat(JsonParser p) throws IOException {
    double d = p.getDoubleValue();
    if (Double.isInfinite(d) || d == 0.0) {
      String text = p.getText();
      int i = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
      if (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        BigDecimal exact = new BigDecimal(text);
        if (Double.isInfinite(d) || exact.signum() != 0) {
          return exact; // out of the double range: keep the number exactly
        }
      }
    }
    return d;
  }

  /** Describes a token for an error message: "a string", "an array", ... */
  static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the input";
    }
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return "token " + t;
    }
  }
}
