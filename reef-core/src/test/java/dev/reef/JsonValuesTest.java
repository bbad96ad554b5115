package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JsonValues}: sizes without building strings, and the shared {@code Map.of} fast path. */
class JsonValuesTest {
  private static long size(Map<?, ?> map) {
    JsonValues.Size size = new JsonValues.Size();
    JsonValues.copyObject("knowledge", map, size);
    return size.bytes;
  }

  @Test
  void decimalDigitsIsTheLengthOfToString() {
    long[] values = {
      0,
      1,
      -1,
      9,
      10,
      -10,
      99,
      100,
      42,
      1_000_000,
      -999_999_999,
      Integer.MAX_VALUE,
      Integer.MIN_VALUE,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      Long.MIN_VALUE + 1,
      999_999_999_999_999_999L
    };
    for (long v : values) {
      assertThat(JsonValues.decimalDigits(v)).as("%d", v).isEqualTo(Long.toString(v).length());
    }
    for (long v = 1; v > 0 && v < Long.MAX_VALUE / 10; v *= 10) {
      for (long w : new long[] {v - 1, v, v + 1, -v, -(v - 1)}) {
        assertThat(JsonValues.decimalDigits(w)).as("%d", w).isEqualTo(Long.toString(w).length());
      }
    }
  }

  @Test
  void numbersAreMeasuredLikeTheirJson() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("i", -42);
    k.put("l", Long.MIN_VALUE);
    k.put("s", (short) 7);
    k.put("b", (byte) -128);
    k.put("d", 1.5);
    k.put("bd", new BigDecimal("12.340"));
    // {"i":-42,"l":-9223372036854775808,"s":7,"b":-128,"d":1.5,"bd":12.340}
    String json =
        "{\"i\":-42,\"l\":-9223372036854775808,\"s\":7,\"b\":-128,\"d\":1.5,\"bd\":12.340}";
    assertThat(size(k)).isEqualTo(json.length());
    assertThat(size(Map.copyOf(k))).isEqualTo(json.length());
  }

  @Test
  void theSameSharedMapIsMeasuredAlikeEveryTimeAndOthersByTheirOwnContent() {
    Map<String, Object> a = Map.of("event", "tick", "value", 42);
    Map<String, Object> b = Map.of("event", "tock", "value", 12345);
    long sa = size(a);
    long sb = size(b);
    assertThat(sa).isEqualTo("{\"event\":\"tick\",\"value\":42}".length());
    assertThat(sb).isEqualTo("{\"event\":\"tock\",\"value\":12345}".length());
    for (int i = 0; i < 3; i++) {
      assertThat(size(a)).isEqualTo(sa);
      assertThat(size(b)).isEqualTo(sb);
      assertThat(size(a)).isEqualTo(sa);
    }
    JsonValues.Size size = new JsonValues.Size();
    assertThat(JsonValues.copyObject("knowledge", a, size)).isSameAs(a);
    assertThat(JsonValues.copyObject("knowledge", a, size)).isSameAs(a);
    assertThat(size.bytes).isEqualTo(2 * sa);
  }

  @Test
  void aSharedMapWithANonScalarValueIsStillCopiedAndValidatedEveryTime() {
    Map<String, Object> bad = Map.of("when", new Object());
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> size(bad)).isInstanceOf(SporeValidationException.class);
    }
  }

  /** The tokens Jackson's parser reads in a JSON text, as its token budget counts them. */
  private static long jacksonTokens(String json) throws Exception {
    long n = 0;
    try (com.fasterxml.jackson.core.JsonParser p =
        new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
      while (p.nextToken() != null) {
        n++;
      }
    }
    return n;
  }

  @Test
  void tokensAreCountedAsTheParserCountsThem() throws Exception {
    Map<String, Object> shared = Map.of("event", "tick", "value", 42);
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("s", "x");
    k.put("n", null);
    k.put(
        "list", java.util.List.of(1, java.util.List.of(), Map.of(), java.util.List.of(true, 2.5)));
    k.put("shared", shared);
    k.put("again", shared); // the cached measurement of the same instance
    k.put("obj", Map.of("a", Map.of("b", java.util.List.of("c"))));
    String json =
        "{\"s\":\"x\",\"n\":null,\"list\":[1,[],{},[true,2.5]],"
            + "\"shared\":{\"event\":\"tick\",\"value\":42},"
            + "\"again\":{\"event\":\"tick\",\"value\":42},\"obj\":{\"a\":{\"b\":[\"c\"]}}}";
    JsonValues.Size size = new JsonValues.Size();
    JsonValues.copyObject("knowledge", k, size);

    assertThat(size.tokens).isEqualTo(jacksonTokens(json));
    assertThat(size.bytes).isEqualTo(json.length());
  }
}
