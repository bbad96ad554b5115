package dev.reef.examples.cli;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.Reef;
import dev.reef.amqp.AmqpBackend;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The broker a command talks to, from {@code --uri}, else {@code REEF_AMQP_URI}, else {@value
 * #DEFAULT_URI}; and the queue and exchange names the AMQP backend uses for it. The URI is never
 * printed with its credentials.
 */
final class Broker {
  static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

  private final String uri;
  private final String sharedDeadLetters;
  private final AmqpBackend names;

  private Broker(String uri, String deadLetterQueue) {
    this.uri = uri;
    this.sharedDeadLetters = deadLetterQueue;
    this.names = builder().build();
  }

  /** A builder for this broker, with the shared dead-letter queue when one was named. */
  private AmqpBackend.Builder builder() {
    AmqpBackend.Builder b = AmqpBackend.builder().uri(uri).connectionName("reef-cli");
    if (sharedDeadLetters != null) {
      b.deadLetterQueue(sharedDeadLetters);
    }
    return b;
  }

  static Broker from(CliArgs args, Map<String, String> env) {
    String uri = args.get("uri", env.getOrDefault(Reef.AMQP_URI_ENV, DEFAULT_URI)).trim();
    try {
      return new Broker(uri, args.get("dead-letters", null));
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a valid broker URI: " + e.getMessage());
    }
  }

  /** The URI without user information. */
  String display() {
    try {
      URI u = new URI(uri);
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return "(unparsable URI)";
    }
  }

  String uri() {
    return uri;
  }

  /** A new, unstarted backend for this broker (the caller starts it through a reef). */
  AmqpBackend backend() {
    return builder().build();
  }

  String exchange(String channel) {
    return names.exchangeFor(channel);
  }

  String mailbox(String channel, String agent) {
    return names.mailboxQueueFor(channel, agent);
  }

  /** The channel's dead-letter queue: {@code reef-dlq.<channel>}, or the shared one named. */
  String deadLetterQueue(String channel) {
    return names.deadLetterQueueFor(channel);
  }

  /** A raw connection, for what Reef's API does not express. */
  Connection connect() {
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(uri);
    } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
      throw new UsageException("not a valid broker URI: " + e.getMessage());
    }
    f.setAutomaticRecoveryEnabled(false);
    try {
      return f.newConnection("reef-cli");
    } catch (IOException | TimeoutException e) {
      throw new CliFailure(3, "cannot connect to " + display() + ": " + e, e);
    }
  }
}
