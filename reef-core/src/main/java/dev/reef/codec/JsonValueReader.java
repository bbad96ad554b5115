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
 */
final class JsonValueReader {
  private JsonValueReader() {}

  static Object readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        return readObjectBody(p);
      case START_ARRAY:
        return readArrayBody(p);
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

  /** Reads the entries of an object whose START_OBJECT was just consumed. */
  static Map<String, Object> readObjectBody(JsonParser p) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    String name;
    while ((name = p.nextFieldName()) != null) {
      map.put(name, readValue(p, p.nextToken()));
    }
    return map;
  }

  /** Reads the elements of an array whose START_ARRAY was just consumed. */
  static List<Object> readArrayBody(JsonParser p) throws IOException {
    List<Object> list = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      list.add(readValue(p, t));
    }
    return list;
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
