package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The verified broker user of received messages, and the {@code user_id} of what this backend
 * publishes (docs/security.md). RabbitMQ refuses a publish whose {@code user_id} property is not
 * the connection's user, so the property names who published, whatever the body claims.
 *
 * <p>A received message this backend republishes (the next attempt of a retry, a dead letter, a
 * replay) must carry this backend's own user to be accepted, so the copy keeps the user it was
 * received from in the {@value #HEADER} header ({@code ""} for none). That header is believed only
 * on a message whose {@code user_id} is this backend's own user, that is, one published with the
 * same credentials; on any other message it is the sender's word and ignored. Immutable.
 */
final class BrokerUsers {
  /** The header keeping a republished message's original broker user: {@value}. */
  static final String HEADER = "x-reef-broker-user";

  private final String own;

  /**
   * @param own the user this backend's connections authenticate as
   */
  BrokerUsers(String own) {
    this.own = Objects.requireNonNull(own, "own");
  }

  /** The user this backend publishes as. */
  String own() {
    return own;
  }

  /**
   * The verified broker user of a received message.
   *
   * @return the user, or null if the message names none
   */
  String of(AMQP.BasicProperties props) {
    String userId = props.getUserId();
    if (userId != null && userId.equals(own) && props.getHeaders() != null) {
      Object kept = props.getHeaders().get(HEADER);
      if (kept != null) {
        String text = kept.toString();
        return text.isEmpty() ? null : text;
      }
    }
    return userId == null || userId.isEmpty() ? null : userId;
  }

  /**
   * The properties of a received message republished by this backend: its own {@code user_id}, and
   * the message's verified user kept in {@value #HEADER}.
   */
  AMQP.BasicProperties republished(AMQP.BasicProperties props) {
    String user = of(props);
    Map<String, Object> headers =
        props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
    if (own.equals(user)) {
      headers.remove(HEADER);
    } else {
      headers.put(HEADER, user == null ? "" : user);
    }
    return props.builder().userId(own).headers(headers).build();
  }
}
