package dev.reef.amqp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.rabbitmq.client.LongString;
import dev.reef.Spore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing single header values: text of any AMQP string type, timestamps, priorities,
 * JSON headers. Stateless (the Jackson mapper is thread-safe).
 */
final class WireValues {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final DateTimeFormatter NAIVE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private WireValues() {}

  /** ISO-8601 in UTC with a {@code Z} offset and as many fraction digits as needed. */
  static String isoUtc(Instant t) {
    String fast = WireTimes.isoUtc(t);
    return fast != null
        ? fast
        : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  /** Python's naive {@code isoformat()} of the UTC time: microseconds, none when zero. */
  static String naiveUtc(Instant t) {
    String fast = WireTimes.pravalTime(t);
    if (fast != null) {
      return fast;
    }
    LocalDateTime ldt = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    String s = NAIVE_TIME.format(ldt);
    int micros = ldt.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }

  /**
   * Parses a timestamp: ISO-8601 with or without an offset (without one, UTC), or an AMQP timestamp
   * value.
   */
  static Instant parseTime(Object v) throws MalformedWireException {
    if (v instanceof Date) {
      return ((Date) v).toInstant();
    }
    String s = text(v).trim();
    try {
      Instant fast = WireTimes.parse(s);
      if (fast != null) {
        return fast;
      }
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(s);
      if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
        return OffsetDateTime.from(t).toInstant();
      }
      return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      throw new MalformedWireException("malformed timestamp '" + abbreviate(s) + "'", e);
    }
  }

  /** A timestamp header, naive times read as UTC; null when absent or empty. */
  static Instant time(Map<String, Object> h, String name) throws MalformedWireException {
    Object v = h.get(name);
    if (v == null || (!(v instanceof Date) && text(v).isEmpty())) {
      return null;
    }
    try {
      return parseTime(v);
    } catch (MalformedWireException e) {
      throw new MalformedWireException("header " + name + ": " + e.getMessage(), e);
    }
  }

  /** Whether a header holds a text time without an offset (a naive local time, Praval's form). */
  static boolean isNaiveTime(Map<String, Object> h, String name) {
    Object v = h.get(name);
    return v != null && !(v instanceof Date) && WireTimes.isNaive(text(v).trim());
  }

  static int priority(Object header, Integer property) throws MalformedWireException {
    int p;
    if (header == null || (!(header instanceof Number) && text(header).isEmpty())) {
      if (property == null) {
        return Spore.DEFAULT_PRIORITY;
      }
      p = property;
    } else if (header instanceof BigDecimal) {
      try {
        p = ((BigDecimal) header).intValueExact();
      } catch (ArithmeticException e) {
        throw new MalformedWireException("bad priority " + header);
      }
    } else if (header instanceof Number) {
      p = ((Number) header).intValue();
    } else {
      try {
        p = Integer.parseInt(text(header).trim());
      } catch (NumberFormatException e) {
        throw new MalformedWireException(
            "bad priority '" + abbreviate(text(header)) + "': not an integer");
      }
    }
    if (p < Spore.MIN_PRIORITY || p > Spore.MAX_PRIORITY) {
      throw new MalformedWireException(
          "bad priority " + p + ": must be " + Spore.MIN_PRIORITY + ".." + Spore.MAX_PRIORITY);
    }
    return p;
  }

  /** The delivery attempt a header value says: a number or its text, else 1. */
  static int attempts(Object v) {
    if (v instanceof Number) {
      return Math.max(1, ((Number) v).intValue());
    }
    if (v != null) {
      try {
        return Math.max(1, Integer.parseInt(text(v).trim()));
      } catch (NumberFormatException e) {
        return 1;
      }
    }
    return 1;
  }

  static Map<String, Object> jsonObjectHeader(Map<String, Object> h, String name)
      throws MalformedWireException {
    String v = str(h, name);
    if (v == null) {
      return Map.of();
    }
    try {
      Object o = JSON.readValue(v, Object.class);
      if (!(o instanceof Map)) {
        throw new MalformedWireException("header " + name + " must be a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      return m;
    } catch (JsonProcessingException e) {
      throw new MalformedWireException("header " + name + " is not JSON", e);
    }
  }

  static List<String> jsonListHeader(Map<String, Object> h, String name)
      throws MalformedWireException {
    String v = str(h, name);
    if (v == null) {
      return List.of();
    }
    try {
      List<String> list = stringList(JSON.readValue(v, Object.class));
      if (list == null) {
        throw new MalformedWireException("header " + name + " must be a JSON array of strings");
      }
      return list;
    } catch (JsonProcessingException e) {
      throw new MalformedWireException("header " + name + " is not JSON", e);
    }
  }

  /** A list of strings, an empty list for null, null for anything else. */
  static List<String> stringList(Object o) {
    if (!(o instanceof Collection)) {
      return o == null ? List.of() : null;
    }
    List<String> out = new ArrayList<>();
    for (Object e : (Collection<?>) o) {
      if (!(e instanceof String)) {
        return null;
      }
      out.add((String) e);
    }
    return out;
  }

  /** A header as a string: null when absent or empty (Praval's "absent"). */
  static String str(Map<String, Object> h, String name) {
    Object v = h.get(name);
    if (v == null) {
      return null;
    }
    String s = text(v);
    return s.isEmpty() ? null : s;
  }

  static String text(Object v) {
    if (v instanceof LongString) {
      return new String(((LongString) v).getBytes(), StandardCharsets.UTF_8);
    }
    if (v instanceof byte[]) {
      return new String((byte[]) v, StandardCharsets.UTF_8);
    }
    return String.valueOf(v);
  }

  static String firstNonEmpty(String a, String b) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    return b == null || b.isEmpty() ? null : b;
  }

  static void putIfPresent(Map<String, Object> h, String k, String v) {
    if (v != null) {
      h.put(k, v);
    }
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
