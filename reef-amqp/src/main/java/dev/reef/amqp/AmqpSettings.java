package dev.reef.amqp;

import com.rabbitmq.client.Address;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The options of one {@link AmqpBackend}, as an immutable value built by {@link
 * AmqpBackend.Builder}, and what follows from them alone: exchange and queue names, the header
 * layout of a channel, whether asks on it use direct replies. {@link #toString()} masks the
 * password. Thread-safe.
 */
record AmqpSettings(
    URI uri,
    List<Address> addresses,
    SSLContext sslContext,
    boolean hostnameVerification,
    int prefetch,
    boolean persistent,
    int confirmWindow,
    Duration publishTimeout,
    Duration confirmTimeout,
    RetryPolicy retryPolicy,
    String deadLetterExchange,
    String deadLetterQueue,
    Map<String, String> exchanges,
    HeaderLayout defaultLayout,
    Map<String, HeaderLayout> layouts,
    Map<String, java.time.ZoneId> pravalZones,
    boolean quorumMailboxes,
    long maxBodyBytes,
    int publisherChannels,
    String connectionName,
    Duration recoveryInterval,
    Duration expiryGrace,
    boolean directReplies,
    BrokerListener brokerListener,
    Map<String, MailboxType> mailboxTypes,
    int quorumDeliveryLimit,
    MailboxType deadLetterQueueType,
    Duration taskLogRetention,
    long taskLogMaxBytes) {

  /** The default publish timeout (waiting for room in the confirm window). */
  static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  /** The default confirm timeout. */
  static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  /** The default pause between recovery attempts. */
  static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(2);

  /** The default client-provided connection name. */
  static final String DEFAULT_CONNECTION_NAME = "reef";

  /** The largest prefetch AMQP can express (an unsigned short). */
  static final int MAX_PREFETCH = 65535;

  /** The largest confirm window. */
  static final int MAX_CONFIRM_WINDOW = 1_000_000;

  /** The most publishing channels. */
  static final int MAX_PUBLISHER_CHANNELS = 64;

  /** The shortest confirm timeout. */
  static final Duration MIN_CONFIRM_TIMEOUT = Duration.ofMillis(100);

  /** The shortest recovery interval. */
  static final Duration MIN_RECOVERY_INTERVAL = Duration.ofMillis(10);

  /** The longest expiry grace. */
  static final Duration MAX_EXPIRY_GRACE = Duration.ofDays(1);

  /**
   * The default expiry grace: how long the broker keeps a spore past its expiry, so that the
   * mailbox's consumer, if it is online or comes back in that time, sees it expired, counts it and
   * dead-letters it with a reason. 10 s covers a connection recovery at the default 2 s recovery
   * interval with two failed attempts to spare (a recovery takes about one interval plus under a
   * second to reconnect and consume again), at the cost of an expired spore's bytes staying in the
   * queue 10 s longer.
   */
  static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(10);

  /** The smallest body limit: the shortest JSON document, {@code {}}. */
  static final long MIN_BODY_BYTES = 2;

  /** The longest exchange or queue name AMQP allows, in UTF-8 bytes. */
  static final int MAX_NAME_BYTES = 255;

  AmqpSettings {
    addresses = List.copyOf(addresses);
    exchanges = Map.copyOf(exchanges);
    layouts = Map.copyOf(layouts);
    pravalZones = Map.copyOf(pravalZones);
    mailboxTypes = Map.copyOf(mailboxTypes);
  }

  /** The default {@code x-delivery-limit} of quorum mailboxes. */
  static final int DEFAULT_QUORUM_DELIVERY_LIMIT = 20;

  /** The mailbox type of a channel: its own, else quorum or classic as the backend-wide option. */
  MailboxType mailboxTypeFor(String channel) {
    MailboxType t = mailboxTypes.get(channel);
    if (t != null) {
      return t;
    }
    return quorumMailboxes ? MailboxType.QUORUM : MailboxType.CLASSIC;
  }

  /**
   * Checks an integer option.
   *
   * @return the value
   * @throws IllegalArgumentException if it is outside {@code min..max}
   */
  static int inRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value);
    }
    return value;
  }

  /**
   * Checks an exchange or queue name.
   *
   * @return the name
   * @throws IllegalArgumentException if it is blank or too long
   */
  static String amqpName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          what + " must be at most " + MAX_NAME_BYTES + " UTF-8 bytes");
    }
    return name;
  }

  /** The exchange a channel is published to: its mapping, or {@code reef.<channel>}. */
  String exchangeFor(String channel) {
    ReefNames.requireChannel(channel);
    String mapped = exchanges.get(channel);
    return mapped != null ? mapped : AmqpBackend.NAME_PREFIX + channel;
  }

  /** The queue holding an agent's mailbox on a channel: {@code reef.<channel>.<agent>}. */
  String mailboxQueueFor(String channel, String agent) {
    ReefNames.requireChannel(channel);
    ReefNames.requireAgent("agent", agent);
    return AmqpBackend.NAME_PREFIX + channel + "." + agent;
  }

  /** Whether every channel shares one dead-letter exchange and queue (else one per channel). */
  boolean sharedDeadLetters() {
    return deadLetterQueue != null;
  }

  /**
   * The dead-letter exchange of a channel: {@code reef-dlx.<channel>}, or the shared one. The
   * {@code reef-} prefix cannot collide with a mailbox queue or channel exchange ({@code
   * reef.<...>}).
   */
  String deadLetterExchangeFor(String channel) {
    ReefNames.requireChannel(channel);
    return sharedDeadLetters()
        ? deadLetterExchange
        : AmqpBackend.DEAD_LETTER_EXCHANGE_PREFIX + channel;
  }

  /** The dead-letter queue of a channel: {@code reef-dlq.<channel>}, or the shared one. */
  String deadLetterQueueFor(String channel) {
    ReefNames.requireChannel(channel);
    return sharedDeadLetters() ? deadLetterQueue : AmqpBackend.DEAD_LETTER_QUEUE_PREFIX + channel;
  }

  /** The header layout written on a channel. */
  HeaderLayout layoutFor(String channel) {
    HeaderLayout l = layouts.get(channel);
    return l != null ? l : defaultLayout;
  }

  /** Whether asks on the channel get their responses by direct reply-to. */
  boolean directRepliesOn(String channel) {
    return directReplies && layoutFor(channel) != HeaderLayout.PRAVAL;
  }

  long expiryGraceMillis() {
    return expiryGrace.toMillis();
  }

  /** The broker URI with the password masked. */
  String maskedUri() {
    return mask(uri);
  }

  /**
   * A URI with the password masked and the query dropped.
   *
   * @return for example {@code amqp://guest:***@localhost:5672/}
   */
  static String mask(URI u) {
    String userInfo = u.getRawUserInfo();
    String host = u.getHost() == null ? "" : u.getHost();
    String port = u.getPort() == -1 ? "" : ":" + u.getPort();
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String user = "";
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = (colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***") + "@";
    }
    return u.getScheme() + "://" + user + host + port + path;
  }

  /** The broker (password masked) and the main options. */
  @Override
  public String toString() {
    return "AmqpBackend{"
        + maskedUri()
        + (addresses.isEmpty() ? "" : ", addresses=" + addresses)
        + ", prefetch="
        + prefetch
        + ", persistent="
        + persistent
        + ", confirmWindow="
        + confirmWindow
        + ", layout="
        + defaultLayout
        + ", quorum="
        + quorumMailboxes
        + (mailboxTypes.isEmpty() ? "" : ", mailboxTypes=" + mailboxTypes)
        + ", deadLetters="
        + (sharedDeadLetters() ? deadLetterExchange + "/" + deadLetterQueue : "per channel")
        + "}";
  }
}
