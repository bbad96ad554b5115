package dev.reef.examples.security;

import dev.reef.DeadLetterRecord;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.security.SenderPolicy;
import dev.reef.security.SenderVerification;
import dev.reef.security.SigningKeys;
import dev.reef.security.SporeSignatures;
import dev.reef.security.TrustedKeys;
import java.io.PrintStream;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who really sent a spore (docs/security.md): three "processes" on one in-memory hub, each with its
 * own broker user, as three connections to RabbitMQ would have. Alice's process signs her spores;
 * bob's reef accepts only what {@code svc-alice} sends as {@code alice}, signed by her key; mallory
 * has broker access but neither the user nor the key. On RabbitMQ the same options apply, the user
 * being the connection's.
 */
public final class SignedSpores {
  private SignedSpores() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param out where the story goes
   * @return the dead letters' reasons, in order
   */
  public static List<String> run(PrintStream out) {
    InMemoryHub hub = InMemoryHub.create();
    List<Spore> handled = new CopyOnWriteArrayList<>();
    // docs:security:start
    KeyPair aliceKey = SporeSignatures.generateKeyPair(); // the private half stays with alice
    ReefOptions bobOptions =
        ReefOptions.custom()
            .senderVerification(
                SenderVerification.builder()
                    .senders(SenderPolicy.builder().allow("svc-alice", "alice").build())
                    .trustedKeys(
                        TrustedKeys.builder()
                            .trust(
                                "alice-2026-12",
                                SporeSignatures.encodePublicKey(aliceKey.getPublic()),
                                "alice")
                            .build())
                    .requireSignatures(true)
                    .build())
            .build();
    ReefOptions aliceOptions =
        ReefOptions.custom()
            .signingKeys(
                SigningKeys.builder().key("alice-2026-12", aliceKey.getPrivate(), "alice").build())
            .build();
    try (Reef bob = Reef.create(backend(hub, "svc-bob"), bobOptions);
        Reef alice = Reef.create(backend(hub, "svc-alice"), aliceOptions);
        Reef mallory = Reef.create(backend(hub, "mallory"))) {
      bob.subscribe("bob", handled::add);
      alice.send("alice", "bob", Map.of("pay", 10)).join(); // signed, verified: handled
      mallory.send("alice", "bob", Map.of("pay", 10_000)).join(); // dead-lettered: unauthorized
      bob.awaitIdle(Duration.ofSeconds(5));
      // docs:security:end
      for (Spore s : handled) {
        out.println(
            "bob handled "
                + s.knowledge()
                + " from "
                + s.fromAgent()
                + " (broker user "
                + s.brokerUser().orElse("-")
                + ", key "
                + s.verifiedKeyId().orElse("-")
                + ")");
      }
      List<DeadLetterRecord> dead = bob.deadLetters().list(10);
      for (DeadLetterRecord d : dead) {
        out.println(
            "dead-lettered " + d.spore().knowledge() + ": " + d.reason() + ", " + d.error());
      }
      return dead.stream().map(DeadLetterRecord::reason).toList();
    }
  }

  private static InMemoryBackend backend(InMemoryHub hub, String user) {
    return InMemoryBackend.builder().hub(hub).user(user).build();
  }
}
