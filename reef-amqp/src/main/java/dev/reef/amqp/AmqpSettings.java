package dev.reef.amqp;

import com.rabbitmq.client.Address;
import dev.reef.ReefNames;
import dev.reef.RetryPolicy;
import java.net.URI;
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
    boolean quorumMailboxes,
    long maxBodyBytes,
    int publisherChannels,
    String connectionName,
    Duration recoveryInterval,
    Duration expiryGrace,
    boolean directReplies) {

  AmqpSettings {
    addresses = List.copyOf(addresses);
    exchanges = Map.copyOf(exchanges);
    layouts = Map.copyOf(layouts);
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
        + ", dlx="
        + deadLetterExchange
        + "/"
        + deadLetterQueue
        + "}";
  }
}
