package dev.reef.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.security.SenderVerification;
import dev.reef.security.SporeSignatures;
import dev.reef.security.TrustedKeys;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentCardKeyTest {
  private static final KeyPair KEY = SporeSignatures.generateKeyPair();

  @Test
  void aCardPublishesItsPublicKeyInItsJsonAndReadsItBack() {
    AgentCard card =
        AgentCard.builder("alice").kind("llm").publicKey("alice-1", KEY.getPublic()).build();
    var node = CardJson.toNode(card);
    assertThat(node.get("public_key").get("key_id").asText()).isEqualTo("alice-1");
    assertThat(node.get("public_key").get("alg").asText()).isEqualTo("Ed25519");
    assertThat(node.get("public_key").get("key").asText())
        .isEqualTo(SporeSignatures.encodePublicKey(KEY.getPublic()));

    AgentCard back = CardJson.fromNode(node);
    assertThat(back).isEqualTo(card);
    assertThat(back.publicKey()).contains(KEY.getPublic());
    assertThat(back.toBuilder().build()).isEqualTo(card);
    assertThat(CardJson.toNode(AgentCard.minimal("bob")).has("public_key")).isFalse();
  }

  @Test
  void aKeyFromTheDirectoryVerifiesTheAgentsSignatures() {
    AgentCard card = AgentCard.builder("alice").publicKey("alice-1", KEY.getPublic()).build();
    SenderVerification v =
        SenderVerification.builder()
            .trustedKeys(
                TrustedKeys.builder()
                    .trust(
                        card.publicKeyId().orElseThrow(),
                        card.publicKey().orElseThrow(),
                        card.name())
                    .build())
            .requireSignatures(true)
            .build();
    Spore signed =
        SporeSignatures.sign(
            Spore.builder()
                .type(SporeType.KNOWLEDGE)
                .fromAgent("alice")
                .knowledge(Map.of())
                .build(),
            "alice-1",
            KEY.getPrivate());
    assertThat(v.check(signed).verifiedKeyId()).contains("alice-1");
  }

  @Test
  void aBadKeyOrKeyIdIsAValidationError() {
    assertThatThrownBy(() -> AgentCard.builder("alice").publicKey("k", "bm90IGEga2V5").build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("public_key.key");
    assertThatThrownBy(
            () ->
                AgentCard.builder("alice")
                    .publicKey(" ", SporeSignatures.encodePublicKey(KEY.getPublic()))
                    .build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("public_key.key_id");
  }
}
