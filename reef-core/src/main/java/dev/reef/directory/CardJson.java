package dev.reef.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.SporeValidationException;
import dev.reef.codec.JsonTrees;
import dev.reef.security.SporeSignatures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of a card (see docs/directory.md): deep-frozen metadata, encode and decode. */
final class CardJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private CardJson() {}

  static Map<String, Object> freezeObject(String field, Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new SporeValidationException(field, "keys must be strings");
      }
      out.put((String) e.getKey(), freeze(field, e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object freeze(String field, Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number) {
      if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new SporeValidationException(field, "numbers must be finite");
        }
        return d;
      }
      if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
        return ((Number) v).longValue(); // as read back from JSON, so that cards compare equal
      }
      return v;
    }
    if (v instanceof Map) {
      return freezeObject(field, (Map<?, ?>) v);
    }
    if (v instanceof Collection) {
      List<Object> out = new ArrayList<>();
      for (Object o : (Collection<?>) v) {
        out.add(freeze(field, o));
      }
      return Collections.unmodifiableList(out);
    }
    throw new SporeValidationException(
        field, "values must be JSON-shaped, found " + v.getClass().getName());
  }

  static ObjectNode toNode(AgentCard card) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", card.name());
    n.put("kind", card.kind());
    ArrayNode caps = n.putArray("capabilities");
    card.capabilities().forEach(caps::add);
    n.put("version", card.version());
    n.put("description", card.description());
    n.set("metadata", MAPPER.valueToTree(card.metadata()));
    if (card.publicKeyText() != null) {
      ObjectNode key = n.putObject("public_key");
      key.put("key_id", card.publicKeyId().orElseThrow());
      key.put("alg", SporeSignatures.ALGORITHM);
      key.put("key", card.publicKeyText());
    }
    return n;
  }

  static int cardBytes(AgentCard card) {
    try {
      return MAPPER.writeValueAsBytes(toNode(card)).length;
    } catch (JsonProcessingException e) {
      throw new SporeValidationException("card", "cannot be written as JSON", e);
    }
  }

  /**
   * Reads a card.
   *
   * @throws SporeValidationException if the node is not a valid card
   */
  static AgentCard fromNode(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new SporeValidationException("card", "must be an object");
    }
    AgentCard.Builder b = AgentCard.builder(text(n, "name", null));
    b.kind(text(n, "kind", AgentCard.DEFAULT_KIND));
    JsonNode caps = n.get("capabilities");
    if (caps != null && !caps.isNull()) {
      if (!caps.isArray()) {
        throw new SporeValidationException("capabilities", "must be an array");
      }
      for (JsonNode c : caps) {
        if (!c.isTextual()) {
          throw new SporeValidationException("capabilities", "must be strings");
        }
        b.capabilities(c.asText());
      }
    }
    b.version(text(n, "version", ""));
    b.description(text(n, "description", ""));
    JsonNode meta = n.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new SporeValidationException("metadata", "must be an object");
      }
      b.metadata(JsonTrees.toMap(meta));
    }
    JsonNode key = n.get("public_key");
    if (key != null && !key.isNull()) {
      if (!key.isObject()) {
        throw new SporeValidationException("public_key", "must be an object");
      }
      String alg = text(key, "alg", SporeSignatures.ALGORITHM);
      if (!alg.equals(SporeSignatures.ALGORITHM)) {
        throw new SporeValidationException(
            "public_key.alg", "must be " + SporeSignatures.ALGORITHM);
      }
      b.publicKey(text(key, "key_id", null), text(key, "key", null));
    }
    return b.build();
  }

  static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw new SporeValidationException(field, "is required");
      }
      return dflt;
    }
    if (!v.isTextual()) {
      throw new SporeValidationException(field, "must be a string");
    }
    return v.asText();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a directory record", e);
    }
  }
}
