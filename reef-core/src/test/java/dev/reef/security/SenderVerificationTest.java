package dev.reef.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.spi.DeadLetterReason;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SenderVerificationTest {
  private static final KeyPair ALPHA = SporeSignatures.generateKeyPair();

  private static Spore from(String agent, String user) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent(agent)
        .toAgent("bob")
        .knowledge(Map.of("x", 1))
        .build()
        .withBrokerUser(user);
  }

  private static void refused(SenderVerification v, Spore s, DeadLetterReason reason) {
    assertThatThrownBy(() -> v.check(s))
        .isInstanceOfSatisfying(
            SenderRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void thePolicyMapsUsersToAgentPatterns() {
    SenderPolicy p =
        SenderPolicy.builder().allow("svc-alpha", "alpha", "alpha.*").allow("ops", "*").build();
    assertThat(p.permits("svc-alpha", "alpha")).isTrue();
    assertThat(p.permits("svc-alpha", "alpha.worker.1")).isTrue();
    assertThat(p.permits("svc-alpha", "alphabet")).isFalse();
    assertThat(p.permits("svc-alpha", "beta")).isFalse();
    assertThat(p.permits("ops", "anyone")).isTrue();
    assertThat(p.permits("mallory", "alpha")).as("unlisted user").isFalse();
    assertThat(p.permits(null, "alpha")).as("no user, by default").isFalse();
    assertThat(SenderPolicy.builder().acceptWithoutBrokerUser(true).build().permits(null, "alpha"))
        .isTrue();
    assertThat(SenderPolicy.ANY.permits(null, "x")).isTrue();
    assertThatThrownBy(() -> SenderPolicy.builder().allow("u", "bad name"))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aSpoofedSenderIsUnauthorized() {
    SenderVerification v =
        SenderVerification.builder()
            .senders(SenderPolicy.builder().allow("svc-alice", "alice").build())
            .build();
    assertThat(v.check(from("alice", "svc-alice")).fromAgent()).isEqualTo("alice");
    refused(v, from("alice", "mallory"), DeadLetterReason.UNAUTHORIZED);
    refused(v, from("alice", null), DeadLetterReason.UNAUTHORIZED);
  }

  @Test
  void signaturesAreVerifiedAndMarked() {
    SenderVerification v =
        SenderVerification.builder()
            .trustedKeys(TrustedKeys.builder().trust("alpha-1", ALPHA.getPublic(), "alpha").build())
            .requireSignatures(true)
            .build();
    Spore signed = SporeSignatures.sign(from("alpha", null), "alpha-1", ALPHA.getPrivate());
    assertThat(signed.verifiedKeyId()).isEmpty();
    assertThat(v.check(signed).verifiedKeyId()).contains("alpha-1");

    refused(v, from("alpha", null), DeadLetterReason.UNAUTHORIZED); // unsigned
    refused(
        v,
        SporeSignatures.sign(from("alpha", null), "unknown", ALPHA.getPrivate()),
        DeadLetterReason.UNAUTHORIZED);
    refused(
        v,
        SporeSignatures.sign(from("beta", null), "alpha-1", ALPHA.getPrivate()),
        DeadLetterReason.UNAUTHORIZED); // the key may not sign as beta
    Spore tampered =
        signed.toBuilder().knowledge(Map.of("x", 2)).metadata(signed.metadata()).build();
    refused(v, tampered, DeadLetterReason.BAD_SIGNATURE);
  }

  @Test
  void withoutRequiredSignaturesUnsignedAndUnknownKeysPassUnverified() {
    SenderVerification v =
        SenderVerification.builder()
            .trustedKeys(TrustedKeys.builder().trust("alpha-1", ALPHA.getPublic(), "alpha").build())
            .build();
    assertThat(v.check(from("alpha", null)).verifiedKeyId()).isEmpty();
    Spore unknown = SporeSignatures.sign(from("alpha", null), "other", ALPHA.getPrivate());
    assertThat(v.check(unknown).verifiedKeyId()).isEmpty();
    assertThat(SenderVerification.NONE.active()).isFalse();
  }

  @Test
  void publishedKeysAreAskedPerChannelAndAgentAfterTheTrustedOnes() {
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    PublishedKeys cards =
        (channel, agent, keyId) -> {
          asked.add(channel + "/" + agent + "/" + keyId);
          return channel.equals("main") && agent.equals("alpha") && keyId.equals("alpha-1")
              ? ALPHA.getPublic()
              : null;
        };
    PublishedKeys broken =
        (channel, agent, keyId) -> {
          throw new IllegalStateException("key service down");
        };
    SenderVerification v =
        SenderVerification.builder()
            .publishedKeys(broken)
            .requireSignatures(true)
            .build()
            .withPublishedKeys(cards);
    assertThat(v.active()).isTrue();
    Spore signed = SporeSignatures.sign(from("alpha", null), "alpha-1", ALPHA.getPrivate());
    assertThat(v.check(signed, "main").verifiedKeyId()).contains("alpha-1");
    assertThat(asked).containsExactly("main/alpha/alpha-1");
    // Another channel, no channel, another agent claiming the key: no key, refused.
    assertThatThrownBy(() -> v.check(signed, "other"))
        .isInstanceOf(SenderRejectedException.class)
        .hasMessageContaining("unknown key 'alpha-1'");
    refused(v, signed, DeadLetterReason.UNAUTHORIZED);
    assertThatThrownBy(
            () ->
                v.check(
                    SporeSignatures.sign(from("beta", null), "alpha-1", ALPHA.getPrivate()),
                    "main"))
        .isInstanceOf(SenderRejectedException.class);
    Spore tampered =
        signed.toBuilder().knowledge(Map.of("x", 2)).metadata(signed.metadata()).build();
    assertThatThrownBy(() -> v.check(tampered, "main"))
        .isInstanceOfSatisfying(
            SenderRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.BAD_SIGNATURE));
    assertThat(SenderVerification.builder().trustDirectoryKeys(true).build().active()).isTrue();
  }

  @Test
  void theBrokerUserIsAReceiveSideAttribute() {
    Spore s = from("alice", "svc-alice").withVerifiedKeyId("k");
    assertThat(s.brokerUser()).contains("svc-alice");
    Spore restamped = s.withBrokerUser("other");
    assertThat(restamped.verifiedKeyId()).as("a new stamp clears the mark").isEmpty();
    assertThat(restamped).isEqualTo(s);
  }
}
