package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.DeadLetterRecord;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.UnauthorizedException;
import dev.reef.amqp.internal.SporeWireMapper;
import dev.reef.amqp.test.LocalRabbitNode;
import dev.reef.security.SenderPolicy;
import dev.reef.security.SenderVerification;
import dev.reef.security.SigningKeys;
import dev.reef.security.SporeSignatures;
import dev.reef.security.TrustedKeys;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who really sent a spore, on a broker with real users: two temporary broker users ({@code
 * svcalice}, allowed to send as {@code alice}, and {@code mallory}) on a local node of its own, so
 * the shared broker's users are never touched. Each reef is its own connection, as a process would
 * be.
 */
class AmqpSenderIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "sender-pw-1";
  private static final KeyPair ALICE_KEY = SporeSignatures.generateKeyPair();

  @RegisterExtension static final LocalRabbitNode NODE = LocalRabbitNode.named("reefsender");

  @BeforeAll
  static void addUsers() {
    for (String user : List.of("svcalice", "mallory")) {
      NODE.ctl("add_user", user, PASSWORD);
      NODE.ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
    }
  }

  @AfterAll
  static void deleteUsers() {
    for (String user : List.of("svcalice", "mallory")) {
      NODE.ctl("delete_user", user);
    }
  }

  private static String uriOf(String user) {
    return "amqp://" + user + ":" + PASSWORD + "@127.0.0.1:" + NODE.port() + "/%2F";
  }

  private static Reef reef(String uri, String channel, ReefOptions.Builder options) {
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(uri)
            .retryPolicy(
                RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build())
            .build();
    return Reef.create(
        backend, options.defaultChannel(channel).closeTimeout(Duration.ofSeconds(2)).build());
  }

  private static Connection rawConnection(String user) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uriOf(user));
    return f.newConnection("raw-" + user);
  }

  private static <T> T join(CompletableFuture<T> f) {
    return f.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Test
  void aSpoofedFromAgentIsDeadLetteredUnauthorizedAndARetriedSporeKeepsItsUser() {
    String channel = "spoof";
    List<Spore> got = new CopyOnWriteArrayList<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    try (Reef receiver =
            reef(
                NODE.amqpUri(),
                channel,
                ReefOptions.custom()
                    .senderVerification(
                        SenderVerification.builder()
                            .senders(SenderPolicy.builder().allow("svcalice", "alice").build())
                            .build()));
        Reef alice = reef(uriOf("svcalice"), channel, ReefOptions.custom());
        Reef mallory = reef(uriOf("mallory"), channel, ReefOptions.custom())) {
      receiver.subscribe(
          "bob",
          s -> {
            attempts.add(((Number) s.knowledge().get("n")).intValue());
            if (attempts.size() == 1) {
              throw new IllegalStateException("first attempt fails");
            }
            got.add(s);
          });

      join(alice.send("alice", "bob", Map.of("n", 1)));
      await().atMost(WAIT).until(() -> got.size() == 1);
      assertThat(attempts).as("retried once, then handled").containsExactly(1, 1);
      assertThat(got.get(0).brokerUser())
          .as("the retried copy, republished by the receiver, keeps the sender's user")
          .contains("svcalice");

      Spore spoofed = join(mallory.send("alice", "bob", Map.of("n", 2)));
      await().atMost(WAIT).until(() -> receiver.deadLetters().count() == 1);
      DeadLetterRecord dead = receiver.deadLetters().list(1).get(0);
      assertThat(dead.reason()).isEqualTo("unauthorized");
      assertThat(dead.attempts()).isEqualTo(1);
      assertThat(dead.error()).contains("broker user 'mallory' may not send as 'alice'");
      assertThat(dead.spore().id()).isEqualTo(spoofed.id());
      assertThat(dead.spore().brokerUser())
          .as("the dead letter still names who published it")
          .contains("mallory");
      assertThat(receiver.awaitIdle(WAIT)).isTrue();
      assertThat(attempts).doesNotContain(2);
      assertThat(receiver.stats().agent(channel, "bob", SporeEvent.DENIED)).isEqualTo(1);
      assertThat(receiver.stats().agent(channel, "bob", SporeEvent.DEAD_LETTERED)).isEqualTo(1);
    }
  }

  @Test
  void senderProcessesInOtherJvmsAreToldApartByTheirBrokerUsers() throws Exception {
    String channel = "xjvm";
    List<Spore> got = new CopyOnWriteArrayList<>();
    try (Reef receiver =
        reef(
            NODE.amqpUri(),
            channel,
            ReefOptions.custom()
                .senderVerification(
                    SenderVerification.builder()
                        .senders(SenderPolicy.builder().allow("svcalice", "alice").build())
                        .build()))) {
      receiver.subscribe("bob", got::add);
      ChildJvm mallory = sender("mallory", channel, "alice", 2);
      ChildJvm alice = sender("svcalice", channel, "alice", 1);
      for (ChildJvm p : List.of(mallory, alice)) {
        assertThat(p.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.process.exitValue()).as("sender exit code").isZero();
      }
      String spoofedId = mallory.starting("SENT ").get(0).substring(5);
      String aliceId = alice.starting("SENT ").get(0).substring(5);

      await().atMost(WAIT).until(() -> got.size() == 1 && receiver.deadLetters().count() == 1);
      assertThat(got.get(0).id()).isEqualTo(aliceId);
      assertThat(got.get(0).brokerUser()).contains("svcalice");
      DeadLetterRecord dead = receiver.deadLetters().list(1).get(0);
      assertThat(dead.spore().id()).isEqualTo(spoofedId);
      assertThat(dead.reason()).isEqualTo("unauthorized");
      assertThat(receiver.awaitIdle(WAIT)).isTrue();
      assertThat(got).hasSize(1);
    }
  }

  private static ChildJvm sender(String user, String channel, String from, int n) throws Exception {
    File log = new File("target/sender-" + user + ".log");
    return ChildJvm.launch(
        List.of("-Xmx96m"),
        SenderAgent.class,
        List.of(channel, from, Integer.toString(n)),
        log,
        uriOf(user));
  }

  @Test
  void aPublishWithAnotherUsersUserIdIsRefusedByTheBrokerAndIsUnauthorized() throws Exception {
    String channel = "userid";
    try (Reef receiver = reef(NODE.amqpUri(), channel, ReefOptions.custom());
        Connection raw = rawConnection("mallory")) {
      receiver.subscribe("bob", s -> {});
      AMQP.BasicProperties forged =
          new AMQP.BasicProperties.Builder().userId("svcalice").messageId("forged-1").build();

      Channel ch = raw.createChannel();
      ch.confirmSelect();
      ch.basicPublish("reef." + channel, "agent.bob.knowledge", forged, "{}".getBytes());
      assertThatThrownBy(() -> ch.waitForConfirmsOrDie(WAIT.toMillis()))
          .hasStackTraceContaining("PRECONDITION_FAILED")
          .hasStackTraceContaining(
              "user_id property set to 'svcalice' but authenticated user was 'mallory'");
      assertThat(ch.isOpen()).as("the broker closes the publishing channel").isFalse();

      // Reef's publisher turns it into a typed error: refused, not "may or may not".
      ExecutorService completions = Executors.newSingleThreadExecutor();
      try {
        ConfirmingPublisher publisher =
            new ConfirmingPublisher(raw.createChannel(), new Semaphore(10), () -> {}, completions);
        CompletableFuture<Boolean> f =
            publisher.publish("reef." + channel, "agent.bob.knowledge", forged, "{}".getBytes());
        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(UnauthorizedException.class)
            .hasMessageContaining("not delivered")
            .hasMessageContaining("user_id property set to 'svcalice'");
      } finally {
        completions.shutdown();
      }
    }
  }

  @Test
  void aSignedSporeIsVerifiedEndToEndAndOneEditedAfterSigningIsDeadLettered() throws Exception {
    String channel = "signed";
    List<Spore> got = new CopyOnWriteArrayList<>();
    try (Reef receiver =
            reef(
                NODE.amqpUri(),
                channel,
                ReefOptions.custom()
                    .senderVerification(
                        SenderVerification.builder()
                            .senders(SenderPolicy.builder().allow("svcalice", "alice").build())
                            .trustedKeys(
                                TrustedKeys.builder()
                                    .trust(
                                        "alice-1",
                                        SporeSignatures.encodePublicKey(ALICE_KEY.getPublic()),
                                        "alice")
                                    .build())
                            .requireSignatures(true)
                            .build()));
        Reef alice =
            reef(
                uriOf("svcalice"),
                channel,
                ReefOptions.custom()
                    .signingKeys(
                        SigningKeys.builder()
                            .key("alice-1", ALICE_KEY.getPrivate(), "alice")
                            .build()));
        Connection raw = rawConnection("svcalice")) {
      receiver.subscribe("bob", got::add);

      join(alice.send("alice", "bob", Map.of("amount", 10, "note", "café 😀")));
      await().atMost(WAIT).until(() -> got.size() == 1);
      assertThat(got.get(0).verifiedKeyId()).contains("alice-1");
      assertThat(got.get(0).brokerUser()).contains("svcalice");
      assertThat(got.get(0).knowledge()).containsEntry("note", "café 😀");

      // A raw publisher with alice's broker credentials (not her key) edits a signed spore.
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
      SporeWireMapper.Outgoing out =
          new AmqpSporeMapper().encode(signed, HeaderLayout.REEF, false, Instant.now());
      String body = new String(out.body(), StandardCharsets.UTF_8);
      assertThat(body).contains("10");
      Channel ch = raw.createChannel();
      ch.confirmSelect();
      ch.basicPublish(
          "reef." + channel,
          out.routingKey(),
          out.properties().builder().userId("svcalice").build(),
          body.replace("10", "10000").getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(WAIT.toMillis());

      await().atMost(WAIT).until(() -> receiver.deadLetters().count() == 1);
      DeadLetterRecord dead = receiver.deadLetters().list(1).get(0);
      assertThat(dead.reason()).isEqualTo("bad_signature");
      assertThat(dead.spore().id()).isEqualTo(signed.id());
      assertThat(dead.spore().knowledge()).containsEntry("amount", 10000);

      // The same message unedited is delivered and verified.
      ch.basicPublish(
          "reef." + channel,
          out.routingKey(),
          out.properties().builder().userId("svcalice").build(),
          out.body());
      ch.waitForConfirmsOrDie(WAIT.toMillis());
      await().atMost(WAIT).until(() -> got.size() == 2);
      assertThat(got.get(1).id()).isEqualTo(signed.id());
      assertThat(got.get(1).verifiedKeyId()).contains("alice-1");
      assertThat(receiver.deadLetters().count()).isEqualTo(1);
    }
  }
}
