package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.amqp.test.LocalRabbitNode;
import dev.reef.amqp.test.LocalRabbitNodes;
import dev.reef.amqp.test.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code amqps://} against real TLS listeners: two extra local RabbitMQ nodes (never the machine's
 * broker), one with a certificate for {@code localhost}, one with a certificate for {@code
 * other.example}, both signed by a CA this test generates into {@code target/tls} (plus a second,
 * unrelated CA for the wrong-trust case). Reef talks to them only through {@link
 * AmqpBackend.Builder#sslContext} and {@link AmqpBackend.Builder#hostnameVerification}.
 */
class TlsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path TLS_DIR = Path.of("target", "tls").toAbsolutePath();

  private static Certificates certs;

  static final LocalRabbitNode LOCALHOST =
      LocalRabbitNode.named("reeftls").withTls(() -> certificates().forLocalhost);
  static final LocalRabbitNode OTHER_NAME =
      LocalRabbitNode.named("reeftlso").withTls(() -> certificates().forOtherName);

  @RegisterExtension
  static final LocalRabbitNodes NODES = new LocalRabbitNodes(LOCALHOST, OTHER_NAME);

  /** The CAs and server certificates, made once (the nodes ask for them from two threads). */
  private static final class Certificates {
    final TestCa ca;
    final TestCa wrongCa;
    final Path forLocalhost;
    final Path forOtherName;

    Certificates() throws IOException {
      ca = TestCa.create(TLS_DIR, "reef-test-ca");
      wrongCa = TestCa.create(TLS_DIR, "unrelated-ca");
      forLocalhost = ca.issueServer("localhost");
      forOtherName = ca.issueServer("other.example");
    }
  }

  private static synchronized Certificates certificates() {
    if (certs == null) {
      try {
        certs = new Certificates();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot generate the test certificates", e);
      }
    }
    return certs;
  }

  private static AmqpBackend backend(String uri, Consumer<AmqpBackend.Builder> custom) {
    AmqpBackend.Builder b = AmqpBackend.builder().uri(uri).connectionName("reef-tls-it");
    custom.accept(b);
    return b.build();
  }

  /**
   * Sends a spore from alice to bob through a reef on the backend, checks with the node that every
   * connection of it is TLS, and returns what bob got.
   */
  private static Spore roundTrip(AmqpBackend backend, LocalRabbitNode node) throws Exception {
    try (Reef reef = Reef.create(backend)) {
      ReefChannel ch = reef.channel("tls");
      List<Spore> got = new CopyOnWriteArrayList<>();
      ch.subscribe("bob", got::add);
      ch.send("alice", "bob", Map.of("text", "over TLS")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await("bob's spore").atMost(WAIT).until(() -> !got.isEmpty());
      // The broker's view: ssl=true and the negotiated protocol, per client connection.
      List<String> connections =
          node.ctl("-q", "list_connections", "name", "ssl", "ssl_protocol")
              .lines()
              .filter(l -> !l.startsWith("name\t")) // the table's header
              .toList();
      assertThat(connections)
          .as("the node's client connections (name, ssl, protocol)")
          .isNotEmpty()
          .allMatch(l -> l.matches("(?i).*\\ttrue\\ttlsv1\\.[23]"), "TLS 1.2/1.3");
      return got.get(0);
    }
  }

  /** Connecting must fail: the reef's start throws; what it says is returned. */
  private static ReefException refused(AmqpBackend backend) {
    ReefException e = catchThrowableOfType(() -> Reef.create(backend).close(), ReefException.class);
    assertThat(e).as("a ReefException when the reef starts").isNotNull();
    assertThat(e).hasCauseInstanceOf(SSLHandshakeException.class);
    assertThat(e.getMessage())
        .startsWith("cannot connect to the broker at amqps://guest:***@localhost:")
        .doesNotContain("guest:guest");
    return e;
  }

  @Test
  void aReefSendsAndReceivesASporeOverTlsTrustingTheTestCa() throws Exception {
    SSLContext trustsCa = certificates().ca.sslContext();

    Spore got =
        roundTrip(backend(LOCALHOST.amqpsUri("localhost"), b -> b.sslContext(trustsCa)), LOCALHOST);

    assertThat(got.fromAgent()).isEqualTo("alice");
    assertThat(got.knowledge()).isEqualTo(Map.of("text", "over TLS"));
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedWithATlsTrustError() throws Exception {
    SSLContext trustsOtherCa = certificates().wrongCa.sslContext();
    AmqpBackend backend =
        backend(LOCALHOST.amqpsUri("localhost"), b -> b.sslContext(trustsOtherCa));

    // Today's text (the JDK's, behind Reef's "cannot connect"): it names the TLS handshake and the
    // certification path, not in plain words that the broker's certificate is untrusted.
    assertThat(refused(backend).getMessage())
        .contains("SSLHandshakeException")
        .contains("unable to find valid certification path");
  }

  @Test
  void hostnameVerificationIsOnByDefault() throws Exception {
    SSLContext trustsCa = certificates().ca.sslContext();
    AmqpBackend backend = backend(OTHER_NAME.amqpsUri("localhost"), b -> b.sslContext(trustsCa));

    assertThat(refused(backend).getMessage())
        .contains("SSLHandshakeException")
        .contains("No subject alternative DNS name matching localhost");
  }

  @Test
  void aCertificateForAnotherNameIsAcceptedWithHostnameVerificationOff() throws Exception {
    SSLContext trustsCa = certificates().ca.sslContext();

    Spore got =
        roundTrip(
            backend(
                OTHER_NAME.amqpsUri("localhost"),
                b -> b.sslContext(trustsCa).hostnameVerification(false)),
            OTHER_NAME);

    assertThat(got.knowledge()).isEqualTo(Map.of("text", "over TLS"));
  }
}
