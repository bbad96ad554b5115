package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetterRecord;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.directory.AgentCard;
import dev.reef.security.SenderPolicy;
import dev.reef.security.SenderVerification;
import dev.reef.security.SigningKeys;
import dev.reef.security.SporeSignatures;
import dev.reef.security.TrustedKeys;
import dev.reef.spi.ReefBackend;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who sent a spore (docs/security.md), as tests every backend must pass unchanged: the verified
 * broker user on received spores, the {@link SenderPolicy} mapping users to agents, and Ed25519
 * signatures; refused spores are dead-lettered {@code unauthorized} or {@code bad_signature},
 * counted {@link SporeEvent#DENIED} for the receiver, and never handled.
 *
 * <p>A backend module extends it: {@link #newBackend()} returns a new backend on the test's shared
 * transport that publishes as {@link #brokerUser()} (in memory: {@code
 * InMemoryBackend.Builder#user}; AMQP: the connection's user).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SenderConformanceSuite {
  private static final KeyPair ALICE_KEY = SporeSignatures.generateKeyPair();
  private static final KeyPair MALLORY_KEY = SporeSignatures.generateKeyPair();

  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  private String channel;

  /**
   * A new, unstarted backend on this test's shared transport, publishing as {@link #brokerUser()}.
   *
   * @return the backend
   */
  protected abstract ReefBackend newBackend();

  /**
   * The broker user the backends of {@link #newBackend()} publish as.
   *
   * @return the user name
   */
  protected abstract String brokerUser();

  /**
   * How long to wait for something that should happen.
   *
   * @return default 10 s
   */
  protected Duration awaitTimeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  void newChannel() {
    channel = "sec-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void closeReefs() {
    for (Reef reef : reefs) {
      reef.close(Duration.ofSeconds(2));
    }
    reefs.clear();
  }

  private Reef reef(ReefOptions.Builder options) {
    Reef reef =
        Reef.create(
            newBackend(),
            options.defaultChannel(channel).closeTimeout(Duration.ofSeconds(2)).build());
    reefs.add(reef);
    return reef;
  }

  private Reef reef() {
    return reef(ReefOptions.custom());
  }

  /** A reef that signs as alice with {@code alice-1}. */
  private Reef aliceSigner() {
    return reef(
        ReefOptions.custom()
            .signingKeys(
                SigningKeys.builder().key("alice-1", ALICE_KEY.getPrivate(), "alice").build()));
  }

  /** A reef that trusts {@code alice-1} for alice, requiring signatures or not. */
  private Reef receiverTrustingAlice(boolean requireSignatures) {
    return reef(
        ReefOptions.custom()
            .senderVerification(
                SenderVerification.builder()
                    .trustedKeys(
                        TrustedKeys.builder()
                            .trust("alice-1", ALICE_KEY.getPublic(), "alice")
                            .build())
                    .requireSignatures(requireSignatures)
                    .build()));
  }

  private DeadLetterRecord awaitOneDeadLetter(Reef receiver) {
    await().atMost(awaitTimeout()).until(() -> receiver.deadLetters().count() >= 1);
    List<DeadLetterRecord> dead = receiver.deadLetters().list(10);
    assertThat(dead).hasSize(1);
    return dead.get(0);
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
    return f.orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Test
  void aReceivedSporeCarriesThePublishersBrokerUserNotTheSendersClaim() {
    Reef sender = reef();
    Reef receiver = reef();
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);

    join(sender.send("alice", "bob", Map.of("n", 1)));
    Spore forged =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(Map.of("n", 2))
            .build()
            .withBrokerUser("root")
            .withVerifiedKeyId("root-key");
    join(sender.channel(channel).publish(forged));

    await().atMost(awaitTimeout()).until(() -> bob.size() == 2);
    for (Spore s : bob.spores()) {
      assertThat(s.brokerUser()).contains(brokerUser());
      assertThat(s.verifiedKeyId()).isEmpty();
    }
  }

  @Test
  void aSenderItsBrokerUserMayNotUseIsDeadLetteredUnauthorizedAndNeverHandled() {
    Reef sender = reef();
    Reef receiver =
        reef(
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .senders(
                            SenderPolicy.builder().allow(brokerUser(), "alice", "team.*").build())
                        .build()));
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);

    join(sender.send("alice", "bob", Map.of("n", 1)));
    join(sender.send("team.one", "bob", Map.of("n", 2)));
    Spore spoofed = join(sender.send("mallory", "bob", Map.of("n", 3)));

    DeadLetterRecord dead = awaitOneDeadLetter(receiver);
    assertThat(dead.reason()).isEqualTo("unauthorized");
    assertThat(dead.spore().id()).isEqualTo(spoofed.id());
    assertThat(dead.error()).contains("may not send as 'mallory'");
    await().atMost(awaitTimeout()).until(() -> bob.size() == 2);
    assertThat(receiver.awaitIdle(awaitTimeout())).isTrue();
    assertThat(bob.values("n")).containsExactlyInAnyOrder(1, 2);
    assertThat(receiver.stats().agent(channel, "bob", SporeEvent.DENIED)).isEqualTo(1);
  }

  @Test
  void aResponseFromARefusedSenderNeverCompletesAnAsk() {
    Reef responder = reef();
    Reef asker =
        reef(
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .senders(SenderPolicy.builder().allow(brokerUser(), "alice").build())
                        .build()));
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("answer", 42)));
    java.util.concurrent.CompletableFuture<Spore> answer =
        asker.ask("alice", "bob", Map.of("q", 1), Duration.ofMillis(1500));
    assertThat(answer)
        .failsWithin(awaitTimeout())
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(dev.reef.RequestTimeoutException.class);
    assertThat(asker.stats().agent(channel, "alice", SporeEvent.DENIED))
        .as("bob's response was refused, not lost")
        .isEqualTo(1);
  }

  @Test
  void aPolicyWithoutTheUserRefusesEverySenderOfThatUser() {
    Reef sender = reef();
    Reef receiver =
        reef(
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .senders(SenderPolicy.builder().allow("someone-else", "*").build())
                        .build()));
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);
    join(sender.send("alice", "bob", Map.of("n", 1)));
    assertThat(awaitOneDeadLetter(receiver).reason()).isEqualTo("unauthorized");
    assertThat(bob.size()).isZero();
  }

  @Test
  void aSignedSporeIsVerifiedAndAnUnsignedOneRefusedWhenSignaturesAreRequired() {
    Reef signer = aliceSigner();
    Reef plain = reef();
    Reef receiver = receiverTrustingAlice(true);
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);

    Spore sent = join(signer.send("alice", "bob", Map.of("n", 1)));
    assertThat(sent.metadata()).containsKey(SporeSignatures.METADATA_KEY);
    await().atMost(awaitTimeout()).until(() -> bob.size() == 1);
    assertThat(bob.spores().get(0).verifiedKeyId()).contains("alice-1");

    Spore unsigned = join(plain.send("alice", "bob", Map.of("n", 2)));
    DeadLetterRecord dead = awaitOneDeadLetter(receiver);
    assertThat(dead.reason()).isEqualTo("unauthorized");
    assertThat(dead.spore().id()).isEqualTo(unsigned.id());
    assertThat(bob.size()).isEqualTo(1);
  }

  @Test
  void aSporeSignedInsideAHandlerIsVerifiedWithTheIdsTracingFilledIn() {
    // The reef fills trace_id, causation_id and correlation_id of a spore sent from a handler; the
    // signature covers correlation_id, so it must be made after them (else: bad_signature).
    Reef signer = aliceSigner();
    Reef plain = reef();
    Reef receiver = receiverTrustingAlice(true);
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);
    signer.subscribe("alice", s -> join(signer.send("alice", "bob", Map.of("relayed", s.id()))));

    Spore trigger =
        join(
            plain.publish(
                Spore.builder()
                    .type(dev.reef.SporeType.KNOWLEDGE)
                    .fromAgent("carol")
                    .toAgent("alice")
                    .knowledge(Map.of("n", 1))
                    .correlationId("conversation-7")
                    .build()));
    await().atMost(awaitTimeout()).until(() -> bob.size() == 1);
    Spore got = bob.spores().get(0);
    assertThat(got.verifiedKeyId()).contains("alice-1");
    assertThat(got.causationId()).isEqualTo(trigger.id());
    assertThat(got.correlationId()).isEqualTo("conversation-7");
    assertThat(receiver.deadLetters().count()).isZero();
  }

  @Test
  void aSporeChangedAfterSigningIsDeadLetteredBadSignature() {
    Reef plain = reef();
    Reef receiver = receiverTrustingAlice(false);
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);
    Spore signed =
        SporeSignatures.sign(
            Spore.builder()
                .type(SporeType.KNOWLEDGE)
                .fromAgent("alice")
                .toAgent("bob")
                .knowledge(Map.of("amount", 10))
                .build(),
            "alice-1",
            ALICE_KEY.getPrivate());
    Spore tampered =
        signed.toBuilder().knowledge(Map.of("amount", 10_000)).metadata(signed.metadata()).build();

    join(plain.channel(channel).publish(tampered));
    DeadLetterRecord dead = awaitOneDeadLetter(receiver);
    assertThat(dead.reason()).isEqualTo("bad_signature");
    assertThat(bob.size()).isZero();

    join(plain.channel(channel).publish(signed));
    await().atMost(awaitTimeout()).until(() -> bob.size() == 1);
    assertThat(bob.spores().get(0).verifiedKeyId()).contains("alice-1");
    assertThat(receiver.deadLetters().count()).isEqualTo(1);
  }

  @Test
  void aTrustedKeyMayOnlySignAsItsAgents() {
    Reef mallory =
        reef(
            ReefOptions.custom()
                .signingKeys(
                    SigningKeys.builder().key("mallory-1", MALLORY_KEY.getPrivate(), "*").build()));
    Reef receiver =
        reef(
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .trustedKeys(
                            TrustedKeys.builder()
                                .trust("mallory-1", MALLORY_KEY.getPublic(), "mallory")
                                .build())
                        .build()));
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);
    join(mallory.send("mallory", "bob", Map.of("n", 1)));
    join(mallory.send("alice", "bob", Map.of("n", 2)));
    DeadLetterRecord dead = awaitOneDeadLetter(receiver);
    assertThat(dead.reason()).isEqualTo("unauthorized");
    assertThat(dead.error()).contains("may not sign as 'alice'");
    await().atMost(awaitTimeout()).until(() -> bob.size() == 1);
    assertThat(bob.spores().get(0).verifiedKeyId()).contains("mallory-1");
  }

  @Test
  void keysPublishedOnDirectoryCardsAreTrustedLiveEachForItsOwnAgent() {
    KeyPair rotated = SporeSignatures.generateKeyPair();
    Reef sender =
        reef(
            ReefOptions.custom()
                .signingKeys(
                    SigningKeys.builder()
                        .key("alice-1", ALICE_KEY.getPrivate(), "alice")
                        .key("mallory-1", MALLORY_KEY.getPrivate(), "*")
                        .build()));
    Reef rotatedSender =
        reef(
            ReefOptions.custom()
                .signingKeys(
                    SigningKeys.builder().key("alice-2", rotated.getPrivate(), "alice").build()));
    Reef receiver =
        reef(
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .trustDirectoryKeys(true)
                        .requireSignatures(true)
                        .build()));
    Inbox bob = new Inbox();
    receiver.subscribe("bob", bob);
    sender
        .directory()
        .register(
            channel,
            AgentCard.builder("alice").publicKey("alice-1", ALICE_KEY.getPublic()).build());
    sender
        .directory()
        .register(
            channel,
            AgentCard.builder("mallory").publicKey("mallory-1", MALLORY_KEY.getPublic()).build());
    await()
        .atMost(awaitTimeout())
        .until(() -> receiver.directory().lookup(channel, "mallory").isPresent());

    join(sender.send("alice", "bob", Map.of("n", 1)));
    await().atMost(awaitTimeout()).until(() -> bob.size() == 1);
    assertThat(bob.spores().get(0).verifiedKeyId()).contains("alice-1");

    // Mallory's published key is hers alone: signing as alice with it finds no key of alice's.
    join(sender.send("mallory", "bob", Map.of("n", 2)));
    Reef plain = reef();
    Spore forged = join(plain.channel(channel).publish(signedAs("alice", "mallory-1")));
    DeadLetterRecord dead = awaitOneDeadLetter(receiver);
    assertThat(dead.spore().id()).isEqualTo(forged.id());
    assertThat(dead.reason()).isEqualTo("unauthorized");
    assertThat(dead.error()).contains("unknown key 'mallory-1'");
    await().atMost(awaitTimeout()).until(() -> bob.size() == 2);
    assertThat(bob.spores().get(1).verifiedKeyId()).contains("mallory-1");

    // Alice rotates her key: the receiver follows the card, with the same options.
    sender
        .directory()
        .register(
            channel, AgentCard.builder("alice").publicKey("alice-2", rotated.getPublic()).build());
    await()
        .atMost(awaitTimeout())
        .until(
            () ->
                receiver
                    .directory()
                    .lookup(channel, "alice")
                    .flatMap(e -> e.card().publicKeyId())
                    .filter("alice-2"::equals)
                    .isPresent());
    join(rotatedSender.send("alice", "bob", Map.of("n", 3)));
    await().atMost(awaitTimeout()).until(() -> bob.size() == 3);
    assertThat(bob.spores().get(2).verifiedKeyId()).contains("alice-2");
    Spore stale = join(sender.send("alice", "bob", Map.of("n", 4)));
    await().atMost(awaitTimeout()).until(() -> receiver.deadLetters().count() == 2);
    assertThat(receiver.deadLetters().list(10))
        .filteredOn(d -> d.spore().id().equals(stale.id()))
        .singleElement()
        .satisfies(d -> assertThat(d.error()).contains("unknown key 'alice-1'"));
    assertThat(bob.values("n")).containsExactly(1, 2, 3);
  }

  private static Spore signedAs(String agent, String keyId) {
    return SporeSignatures.sign(
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent(agent)
            .toAgent("bob")
            .knowledge(Map.of("n", 99))
            .build(),
        keyId,
        MALLORY_KEY.getPrivate());
  }
}
