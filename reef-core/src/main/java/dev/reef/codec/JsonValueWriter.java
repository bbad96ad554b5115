package dev.reef.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.reef.SporeValidationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Writes JSON-shaped Java values ({@code null}, {@link String}, {@link Boolean}, {@link Number},
 * {@code Map<String, ?>}, {@link Collection}) to a generator. {@code NaN} and {@code ±Infinity} are
 * written as Python's bare tokens when allowed, refused otherwise.
 */
final class JsonValueWriter {
  private JsonValueWriter() {}

  static void writeValue(JsonGenerator g, Object v, String field, boolean allowNonFinite)
      throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String) {
      g.writeString((String) v);
    } else if (v instanceof Map) {
      writeObject(g, (Map<?, ?>) v, field, allowNonFinite);
    } else if (v instanceof Collection) {
      g.writeStartArray();
      for (Object o : (Collection<?>) v) {
        writeValue(g, o, field, allowNonFinite);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).intValue());
    } else if (v instanceof Long) {
      g.writeNumber((Long) v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      checkFinite(d, field, allowNonFinite);
      g.writeNumber(d);
    } else if (v instanceof Float) {
      float f = (Float) v;
      checkFinite(f, field, allowNonFinite);
      g.writeNumber(f);
    } else if (v instanceof BigInteger) {
      g.writeNumber((BigInteger) v);
    } else if (v instanceof BigDecimal) {
      g.writeNumber((BigDecimal) v);
    } else {
      throw new SporeValidationException(
          field,
          "values must be JSON-shaped (null, String, Boolean, Number, Map<String, ?>, Collection),"
              + " found "
              + v.getClass().getName());
    }
  }

  static void writeObject(JsonGenerator g, Map<?, ?> map, String field, boolean allowNonFinite)
      throws IOException {
    g.writeStartObject();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new SporeValidationException(
            field,
            "object keys must be strings, found "
                + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
      }
      g.writeFieldName((String) e.getKey());
      writeValue(g, e.getValue(), field, allowNonFinite);
    }
    g.writeEndObject();
  }

  private static void checkFinite(double d, String field, boolean allowNonFinite) {
    if (!allowNonFinite && (Double.isNaN(d) || Double.isInfinite(d))) {
      throw new SporeValidationException(
          field,
          "NaN and Infinity are not JSON numbers and this codec is configured to refuse them, found "
              + d);
    }
  }
}
