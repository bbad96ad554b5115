package dev.reef.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The message shape every AMQP benchmark moves: a JSON knowledge object of about 1 KB. */
final class Payload {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The 1 KB knowledge, shared (it is immutable in use). */
  static final Map<String, Object> KNOWLEDGE = knowledge();

  /** The knowledge serialized once, for sizing. */
  static final byte[] KNOWLEDGE_JSON = toJson(KNOWLEDGE);

  private Payload() {}

  private static Map<String, Object> knowledge() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("topic", "benchmark");
    k.put("confidence", 0.87);
    k.put("tags", List.of("alpha", "beta", "gamma"));
    k.put("count", 42);
    StringBuilder text = new StringBuilder();
    while (text.length() < 900) {
      text.append("The quick brown fox jumps over the lazy dog. ");
    }
    k.put("text", text.substring(0, 900));
    return Collections.unmodifiableMap(k);
  }

  /** The knowledge plus a sequence number, for latency runs. */
  static Map<String, Object> withSeq(long seq) {
    Map<String, Object> k = new LinkedHashMap<>(KNOWLEDGE);
    k.put("seq", seq);
    return k;
  }

  static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(byte[] body) {
    try {
      return JSON.readValue(body, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String describe() {
    return KNOWLEDGE_JSON.length
        + " B JSON ("
        + new String(KNOWLEDGE_JSON, 0, 40, StandardCharsets.UTF_8)
        + "...)";
  }
}
