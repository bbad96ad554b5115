package dev.reef.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.codec.CanonicalJson;
import dev.reef.codec.SporeCodec;
import dev.reef.spi.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SporeSignaturesTest {
  private static final KeyPair ALICE = SporeSignatures.generateKeyPair();
  private static final KeyPair OTHER = SporeSignatures.generateKeyPair();

  private static Spore spore(Map<String, Object> knowledge) {
    return Spore.builder()
        .id("5b0c3c64-4d7e-4a52-9a8e-0d6f3c1d2e11")
        .type(SporeType.REQUEST)
        .fromAgent("alice")
        .toAgent("bob")
        .knowledge(knowledge)
        .createdAt(Instant.parse("2026-12-01T02:30:00.123456Z"))
        .expiresAt(Instant.parse("2026-12-01T02:35:00Z"))
        .priority(7)
        .metadata(Map.of("hop", "edge-1"))
        .build();
  }

  @Test
  void canonicalJsonSortsKeysAtEveryLevelAndIsCompact() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", 1);
    inner.put("a", List.of(true, "é😀", 0.1f));
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("b", inner);
    outer.put("a", null);
    assertThat(new String(CanonicalJson.write(outer), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":null,\"b\":{\"a\":[true,\"é\\uD83D\\uDE00\",0.1],\"z\":1}}");
  }

  @Test
  void canonicalFormIsTheDocumentedObject() {
    String text =
        new String(
            SporeSignatures.canonicalForm(spore(Map.of("q", "x", "n", 2)), "k1"),
            StandardCharsets.UTF_8);
    assertThat(text)
        .isEqualTo(
            "{\"alg\":\"Ed25519\",\"correlation_id\":null,"
                + "\"created_at\":\"2026-12-01T02:30:00.123456+00:00\","
                + "\"expires_at\":\"2026-12-01T02:35:00.000000+00:00\",\"from_agent\":\"alice\","
                + "\"id\":\"5b0c3c64-4d7e-4a52-9a8e-0d6f3c1d2e11\",\"key_id\":\"k1\","
                + "\"knowledge\":{\"n\":2,\"q\":\"x\"},\"priority\":7,\"reply_to\":null,"
                + "\"spore_type\":\"request\",\"to_agent\":\"bob\"}");
  }

  @Test
  void aSignedSporeVerifiesAfterAJsonRoundTripWhateverTheKeyOrder() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("b", 1.5);
    k.put("a", Map.of("deep", List.of(1, 2L, "three")));
    Spore signed = SporeSignatures.sign(spore(k), "k1", ALICE.getPrivate());
    Spore back = SporeCodec.ofDefaults().decode(SporeCodec.ofDefaults().encode(signed));

    SporeSignatures.Signed sig = SporeSignatures.signatureOf(back).orElseThrow();
    assertThat(sig.keyId()).isEqualTo("k1");
    assertThat(SporeSignatures.verify(back, sig, ALICE.getPublic())).isTrue();
    assertThat(SporeSignatures.verify(back, sig, OTHER.getPublic())).isFalse();
    assertThat(back.metadata()).containsEntry("hop", "edge-1");
  }

  @Test
  void anyChangeToACoveredFieldBreaksTheSignature() {
    Spore signed = SporeSignatures.sign(spore(Map.of("amount", 10)), "k1", ALICE.getPrivate());
    SporeSignatures.Signed sig = SporeSignatures.signatureOf(signed).orElseThrow();
    Map<String, Object> meta = signed.metadata();
    List<Spore> tampered =
        List.of(
            signed.toBuilder().knowledge(Map.of("amount", 1000)).metadata(meta).build(),
            signed.toBuilder().fromAgent("mallory").metadata(meta).build(),
            signed.toBuilder().toAgent("carol").metadata(meta).build(),
            signed.toBuilder().priority(10).metadata(meta).build(),
            signed.toBuilder().expiresAt(null).metadata(meta).build(),
            signed.toBuilder().id("another").metadata(meta).build());
    for (Spore t : tampered) {
      assertThat(SporeSignatures.verify(t, sig, ALICE.getPublic())).as(t.toString()).isFalse();
    }
    // the other metadata is not covered
    Map<String, Object> moreMeta = new LinkedHashMap<>(meta);
    moreMeta.put("hop", "edge-2");
    assertThat(
            SporeSignatures.verify(
                signed.toBuilder().metadata(moreMeta).build(), sig, ALICE.getPublic()))
        .isTrue();
  }

  @Test
  void publicKeysRoundTripAsText() {
    String text = SporeSignatures.encodePublicKey(ALICE.getPublic());
    assertThat(SporeSignatures.decodePublicKey(text)).isEqualTo(ALICE.getPublic());
    assertThatThrownBy(() -> SporeSignatures.decodePublicKey("bm90IGEga2V5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519");
  }

  @Test
  void aMalformedSignatureEntryIsABadSignature() {
    Spore s =
        spore(Map.of()).toBuilder()
            .metadata(Map.of(SporeSignatures.METADATA_KEY, Map.of("alg", "RSA")))
            .build();
    assertThatThrownBy(() -> SporeSignatures.signatureOf(s))
        .isInstanceOfSatisfying(
            SenderRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.BAD_SIGNATURE));
  }
}
