package dev.reef.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A canonical JSON form of a JSON-shaped value, the same bytes for equal values whatever the map
 * order: what a signature covers (docs/security.md#canonical-form). The rules: compact UTF-8 (no
 * whitespace); object members sorted by key, comparing UTF-16 code units ({@link
 * String#compareTo}), at every level; arrays in their order; strings escaped as the JSON spec
 * requires ({@code \"}, {@code \\}, {@code \b \f \n \r \t}, other control characters as {@code
 * \\u00XX}), and each character outside the Basic Multilingual Plane as its two UTF-16 surrogates
 * escaped as {@code \\uXXXX} with upper-case hex (as the spore codec writes them); every other
 * character as its UTF-8 bytes; integers in decimal; other numbers as Java's shortest round-trip
 * text of a {@code double} ({@link Double#toString}, e.g. {@code 0.1}, {@code 1.0E-7}); {@code NaN}
 * and infinities refused. Thread-safe.
 */
public final class CanonicalJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private CanonicalJson() {}

  /**
   * The canonical bytes of a value.
   *
   * @param value null, a String, Boolean, Number, {@code Map<String, ?>} or Collection of those
   * @return compact UTF-8 JSON with sorted keys
   * @throws dev.reef.SporeValidationException if the value is not JSON-shaped or holds NaN or an
   *     infinity
   */
  public static byte[] write(@Nullable Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeValue(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new dev.reef.SporeValidationException("canonical", "object keys must be strings");
        }
        sorted.put((String) e.getKey(), e.getValue());
      }
      g.writeStartObject();
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        g.writeFieldName(e.getKey());
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection) {
      g.writeStartArray();
      for (Object o : (Collection<?>) v) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Float || v instanceof Double) {
      // A float is written as the double the receiver decodes, so both ends agree.
      double d = v instanceof Float ? Double.parseDouble(v.toString()) : (Double) v;
      JsonValueWriter.writeValue(g, d, "canonical", false);
    } else {
      JsonValueWriter.writeValue(g, v, "canonical", false);
    }
  }
}
