package dev.reef.examples.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A message as it is on the wire, read for people: sender, recipient, type, priority, ids and a
 * body excerpt, from the properties and either header layout (Reef's or Praval's).
 */
final class WireMessage {
  static final String DEAD_REASON = "x-reef-dead-reason";
  static final String DEAD_ERROR = "x-reef-error";
  static final String DEAD_ATTEMPTS = "x-reef-attempts";
  static final String DEAD_QUEUE = "x-reef-queue";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int EXCERPT = 100;

  private final Envelope envelope;
  private final AMQP.BasicProperties props;
  private final Map<String, Object> headers;
  private final byte[] body;

  WireMessage(Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    this.envelope = envelope;
    this.props = props;
    this.headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    this.body = body == null ? new byte[0] : body;
  }

  String id() {
    return first(header("spore_id"), props.getMessageId());
  }

  String type() {
    return first(header("spore_type"), props.getType());
  }

  String from() {
    return first(header("from_agent"), "?");
  }

  String to() {
    String to = header("to_agent");
    return to == null || to.isEmpty() ? "*" : to;
  }

  int priority() {
    String p = header("priority");
    if (p != null && !p.isEmpty()) {
      try {
        return Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        // fall through to the property
      }
    }
    return props.getPriority() == null ? 0 : props.getPriority();
  }

  String replyTo() {
    return first(header("reply_to"), props.getCorrelationId());
  }

  /** The queue a dead letter came from: Reef's header, else the broker's x-death record. */
  String originQueue() {
    String q = header(DEAD_QUEUE);
    if (q != null && !q.isEmpty()) {
      return q;
    }
    Object deaths = headers.get("x-death");
    if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> d) {
      Object queue = d.get("queue");
      if (queue != null) {
        return queue.toString();
      }
    }
    return header("x-first-death-queue");
  }

  String deadReason() {
    String r = header(DEAD_REASON);
    if (r == null) {
      r = header("x-first-death-reason"); // dead-lettered by the broker itself, e.g. expired
    }
    return r == null ? "?" : r;
  }

  String body(boolean full) {
    String text = new String(body, StandardCharsets.UTF_8).replace('\n', ' ');
    return full || text.length() <= EXCERPT ? text : text.substring(0, EXCERPT - 3) + "...";
  }

  /** One line for {@code tail}. */
  String line(Instant at, boolean full) {
    return String.format(
        Locale.ROOT,
        "%s  %-26s %-11s -> %-11s %-12s p%-2d id=%s%s  %s",
        TIME.format(at),
        envelope.getRoutingKey(),
        from(),
        to(),
        type(),
        priority(),
        shortId(id()),
        replyTo() == null || replyTo().isEmpty() ? "" : " re=" + shortId(replyTo()),
        body(full));
  }

  /** One line for a dead letter. */
  String deadLine() {
    String error = header(DEAD_ERROR);
    String attempts = header(DEAD_ATTEMPTS);
    return String.format(
        Locale.ROOT,
        "  %s  %s -> %s  %s p%d  from %s  reason=%s%s%s",
        id(),
        from(),
        to(),
        type(),
        priority(),
        originQueue(),
        deadReason(),
        attempts == null ? "" : " attempts=" + attempts,
        error == null || error.isEmpty() ? "" : " error=" + abbreviate(error, 120));
  }

  AMQP.BasicProperties properties() {
    return props;
  }

  byte[] bodyBytes() {
    return body;
  }

  Map<String, Object> headers() {
    return headers;
  }

  private String header(String name) {
    Object v = headers.get(name);
    return v == null ? null : v.toString();
  }

  private static String first(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }

  private static String shortId(String id) {
    return id == null ? "?" : id.length() > 8 ? id.substring(0, 8) : id;
  }

  private static String abbreviate(String s, int max) {
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 3) + "...";
  }
}
