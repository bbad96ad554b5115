package dev.reef.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One rule on both ends (issue 13, items 2–4): what {@link Spore} accepts when built is exactly
 * what {@link SporeCodec} reads back — size counted in the bytes the codec writes, one nesting
 * depth, one token budget — and a hostile document fails with a {@link SporeValidationException}
 * under a bounded heap, never an {@link Error}.
 */
class SporeLimitsTest {
  private static final SporeCodec CODEC = SporeCodec.ofDefaults();
  private static final String EMOJI = "\uD83D\uDE00"; // U+1F600

  private static Spore.Builder spore(Map<String, ?> knowledge) {
    return Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").knowledge(knowledge);
  }

  /** {@code {"k":"<emoji × n><ascii × pad>"}}: 8 + 12n + pad bytes as the codec writes it. */
  private static Map<String, Object> emojiKnowledge(int emoji, int pad) {
    StringBuilder sb = new StringBuilder(2 * emoji + pad);
    for (int i = 0; i < emoji; i++) {
      sb.append(EMOJI);
    }
    sb.append("x".repeat(pad));
    return Map.of("k", sb.toString());
  }

  /** An object nested {@code depth} levels: depth 1 is {@code {}}, 2 is {@code {"a":{}}}. */
  private static Map<String, Object> nested(int depth) {
    Map<String, Object> inner = new LinkedHashMap<>();
    for (int level = 1; level < depth; level++) {
      Map<String, Object> outer = new LinkedHashMap<>();
      outer.put("a", inner);
      inner = outer;
    }
    return inner;
  }

  /** Alternating objects and arrays, {@code depth} levels: {@code {"a":[{"a":[…]}]}}. */
  private static Map<String, Object> nestedMixed(int depth) {
    Object inner = depth % 2 == 0 ? new ArrayList<>() : new LinkedHashMap<>();
    for (int level = depth - 1; level >= 1; level--) {
      if (level % 2 == 1) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", inner);
        inner = m;
      } else {
        List<Object> l = new ArrayList<>();
        l.add(inner);
        inner = l;
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) inner;
    return root;
  }

  private static String nestedJson(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  // ------------------------------------------------------------------- item 2: one size rule

  @Test
  void knowledgeBytesIsTheLengthOfWhatTheCodecWrites() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("emoji", EMOJI + "a" + EMOJI);
    k.put(EMOJI + "key", List.of(EMOJI, "\uD83D", "\uDE00", "a\uD83Db", "\uDE00\uD83D"));
    k.put("bmp", "é€\u2028\u007f\u0000\u001f\n\t\"\\/");
    k.put(
        "numbers",
        List.of(1, -2L, 1.5, 1e-300, Double.NaN, new BigInteger("123456789012345678901234567890")));
    k.put("nested", Map.of("x", List.of(Map.of(), List.of(), true, false)));
    k.put("null", null);
    Spore s = spore(k).build();

    assertThat(s.knowledgeBytes()).isEqualTo(CODEC.encodeKnowledge(s.knowledge()).length);
  }

  @Test
  void emojiAtTheLimitIsCountedAsWrittenAndReadBackByTheReceiver() {
    long limit = Spore.DEFAULT_MAX_KNOWLEDGE_BYTES;
    int emoji = (int) ((limit - 8) / 12);
    Map<String, Object> k = emojiKnowledge(emoji, (int) (limit - 8 - 12L * emoji));
    Spore atLimit = spore(k).build();
    byte[] body = CODEC.encodeKnowledge(atLimit.knowledge());

    assertThat(atLimit.knowledgeBytes()).isEqualTo(limit);
    assertThat((long) body.length)
        .isEqualTo(limit)
        .isLessThanOrEqualTo(SporeCodec.maxBodyBytes(limit));
    Spore received = spore(CODEC.decodeKnowledge(body)).maxKnowledgeBytes(limit).build();
    assertThat(received.knowledge()).isEqualTo(atLimit.knowledge());
    assertThat(received.knowledgeBytes()).isEqualTo(limit);
  }

  @Test
  void theIssuesEmojiKnowledgeIsRefusedByTheSenderNotDeadLetteredByTheReceiver() {
    // 10 MiB as the old walk counted it (4 bytes an emoji): the codec writes 3x that
    int emoji = (int) ((Spore.DEFAULT_MAX_KNOWLEDGE_BYTES - 8) / 4);
    Map<String, Object> k = emojiKnowledge(emoji, 0);

    assertThatThrownBy(() -> spore(k).build())
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
        .hasMessageContaining("at most " + Spore.DEFAULT_MAX_KNOWLEDGE_BYTES + " bytes")
        .hasMessageContaining("was " + (8 + 12L * emoji) + " bytes");
  }

  @Test
  void oneByteOverTheLimitInEmojiIsRefusedAtBuild() {
    long limit = 1000;
    int emoji = (int) ((limit - 8) / 12);
    Map<String, Object> atLimit = emojiKnowledge(emoji, (int) (limit - 8 - 12L * emoji));
    Map<String, Object> over = emojiKnowledge(emoji, (int) (limit - 8 - 12L * emoji) + 1);

    assertThat(spore(atLimit).maxKnowledgeBytes(limit).build().knowledgeBytes()).isEqualTo(limit);
    assertThatThrownBy(() -> spore(over).maxKnowledgeBytes(limit).build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("was " + (limit + 1) + " bytes");
  }

  @Test
  void theBodyRuleAllowsAKnowledgeAtTheLimitTwiceWithAnEnvelope() {
    assertThat(SporeCodec.maxBodyBytes(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES))
        .isEqualTo(2 * Spore.DEFAULT_MAX_KNOWLEDGE_BYTES + SporeCodec.ENVELOPE_ALLOWANCE_BYTES);
    assertThat(SporeCodec.maxBodyBytes(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> SporeCodec.maxBodyBytes(1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ item 3: one depth limit

  @Test
  void knowledgeNested5000DeepIsAValidationErrorNotAStackOverflow() {
    assertThatThrownBy(() -> spore(nested(5000)).build())
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
        .hasMessageContaining("at most " + Spore.MAX_NESTING_DEPTH + " levels");
    assertThatThrownBy(() -> spore(Map.of()).metadata(nested(5000)).build())
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("metadata"));
  }

  @Test
  void aCyclicMapIsAValidationError() {
    Map<String, Object> cycle = new LinkedHashMap<>();
    cycle.put("self", cycle);

    assertThatThrownBy(() -> spore(cycle).build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("levels");
  }

  @Test
  void theDepthLimitHoldsAtBuildForObjectsAndArrays() {
    int max = Spore.MAX_NESTING_DEPTH;

    assertThat(spore(nested(max)).build().knowledge()).isNotNull();
    assertThat(spore(nestedMixed(max)).build().knowledge()).isNotNull();
    assertThat(spore(Map.of()).metadata(nested(max)).build().metadata()).isNotEmpty();
    assertThatThrownBy(() -> spore(nested(max + 1)).build())
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> spore(nestedMixed(max + 1)).build())
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> spore(Map.of()).metadata(nested(max + 1)).build())
        .isInstanceOf(SporeValidationException.class);
  }

  @Test
  void theDepthLimitHoldsWhenASporeIsDecoded() {
    int max = Spore.MAX_NESTING_DEPTH;
    Spore deepest = spore(nestedMixed(max)).metadata(nested(max)).build();

    Spore back = CODEC.decode(CODEC.encode(deepest));
    assertThat(back.knowledge()).isEqualTo(deepest.knowledge());
    assertThat(back.metadata()).isEqualTo(deepest.metadata());
    assertThat(CODEC.decode(CODEC.encodeToString(deepest)).knowledge())
        .isEqualTo(deepest.knowledge());

    String tooDeep =
        CODEC
            .encodeToString(spore(nested(1)).build())
            .replace("\"knowledge\":{}", "\"knowledge\":" + nestedJson(max + 1))
            .replace("\"payload\":{}", "\"payload\":null");
    assertThatThrownBy(() -> CODEC.decode(tooDeep))
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
        .hasMessageContaining("at most " + max + " levels");
    String veryDeep = tooDeep.replace(nestedJson(max + 1), nestedJson(50_000));
    assertThatThrownBy(() -> CODEC.decode(veryDeep)).isInstanceOf(SporeValidationException.class);
  }

  @Test
  void anAmqpBodyAtTheDepthLimitBuildsAndOneLevelDeeperDoesNot() {
    int max = Spore.MAX_NESTING_DEPTH;
    byte[] atLimit = nestedJson(max).getBytes(StandardCharsets.UTF_8);
    byte[] over = nestedJson(max + 1).getBytes(StandardCharsets.UTF_8);

    assertThat(spore(CODEC.decodeKnowledge(atLimit)).build().knowledge()).isNotNull();
    // one level more is read (an envelope may wrap the knowledge) but does not build
    Map<String, Object> deeper = CODEC.decodeKnowledge(over);
    assertThatThrownBy(() -> spore(deeper).build())
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("knowledge"));
    byte[] hostile = nestedJson(100_000).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CODEC.decodeKnowledge(hostile))
        .isInstanceOf(SporeValidationException.class);
    byte[] hostileArrays =
        ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                CODEC.decodeKnowledge(
                    ("{\"a\":" + new String(hostileArrays, StandardCharsets.UTF_8) + "}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SporeValidationException.class);
  }

  // ------------------------------------------------------------- item 4: the decoding budget

  @Test
  void aMillionSmallKeysIsOverTheDecodingBudget() {
    byte[] body = HostileJson.smallKeys(1_000_000);
    assertThat(body.length).isBetween(9_000_000, (int) Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);

    long before = allocatedBytes();
    assertThatThrownBy(() -> CODEC.decodeKnowledge(body))
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("json"))
        .hasMessageContaining("too large")
        .hasMessageContaining("Token count");
    long allocated = allocatedBytes() - before;
    System.out.printf(
        "decoding budget: refusing a 1,000,000-key body allocated %.1f MiB%n",
        allocated / 1048576.0);
    assertThat(allocated).isLessThan(128L << 20);
  }

  @Test
  void theTokenLimitHoldsAtBuildAndTheLargestSporeDecodes() {
    int entries = (int) ((Spore.MAX_KNOWLEDGE_TOKENS - 2) / 2);
    Map<String, Object> atLimit = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      atLimit.put("k" + i, 1);
    }
    Spore largest = spore(atLimit).build();
    Map<String, Object> over = new LinkedHashMap<>(atLimit);
    over.put("one", List.of());
    assertThatThrownBy(() -> spore(over).build())
        .isInstanceOfSatisfying(
            SporeValidationException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
        .hasMessageContaining("at most " + Spore.MAX_KNOWLEDGE_TOKENS + " JSON tokens");

    byte[] body = CODEC.encodeKnowledge(largest.knowledge());
    long before = allocatedBytes();
    Spore received = spore(CODEC.decodeKnowledge(body)).build();
    long allocated = allocatedBytes() - before;
    assertThat(received.knowledge()).hasSize(entries);
    byte[] doc = CODEC.encode(largest);
    long beforeDoc = allocatedBytes();
    assertThat(CODEC.decode(doc).knowledge()).hasSize(entries);
    long allocatedDoc = allocatedBytes() - beforeDoc;
    System.out.printf(
        "decoding budget: the largest spore (%d tokens) allocated %.1f MiB from a %d-byte body, %.1f MiB from a %d-byte document%n",
        Spore.MAX_KNOWLEDGE_TOKENS,
        allocated / 1048576.0,
        body.length,
        allocatedDoc / 1048576.0,
        doc.length);
    assertThat(allocated).isLessThan(64L << 20);
  }

  @Test
  void longNumbersAreRefusedAtBuildAndDecode() {
    BigInteger longest = BigInteger.TEN.pow(Spore.MAX_NUMBER_LENGTH - 1); // 1000 digits
    BigInteger tooLong = longest.multiply(BigInteger.TEN);

    Spore ok = spore(Map.of("n", longest)).build();
    assertThat(CODEC.decodeKnowledge(CODEC.encodeKnowledge(ok.knowledge())))
        .containsEntry("n", longest);
    assertThatThrownBy(() -> spore(Map.of("n", tooLong)).build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("at most " + Spore.MAX_NUMBER_LENGTH + " characters");
    byte[] body = ("{\"n\":" + tooLong + "}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CODEC.decodeKnowledge(body))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("too large");
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
