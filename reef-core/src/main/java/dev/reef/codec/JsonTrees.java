package dev.reef.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Jackson trees to the plain Java values spore knowledge holds: objects as insertion-ordered maps,
 * arrays as lists, integers as {@code Long} ({@code BigInteger} if larger), other numbers as {@code
 * Double}, JSON null as null. One mapping for the records that carry such values (directory cards,
 * task records).
 */
public final class JsonTrees {
  private JsonTrees() {}

  /**
   * The members of a JSON object.
   *
   * @param object an object node
   * @return a new mutable map, in the object's member order
   */
  public static Map<String, @Nullable Object> toMap(JsonNode object) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      out.put(e.getKey(), toValue(e.getValue()));
    }
    return out;
  }

  /**
   * One JSON value.
   *
   * @param v any node
   * @return the Java value, or null for JSON null (and for node kinds JSON does not have)
   */
  public static @Nullable Object toValue(JsonNode v) {
    if (v.isObject()) {
      return toMap(v);
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.forEach(x -> out.add(toValue(x)));
      return out;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber()) {
      BigInteger big = v.bigIntegerValue();
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    return null;
  }
}
