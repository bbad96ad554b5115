package dev.reef;

import java.util.Locale;

/**
 * The kind of a {@link Spore}. The wire name ({@link #wireName()}) is the lower-case name used in
 * JSON ({@code spore_type}), in AMQP headers and in routing keys, exactly as the Python Praval reef
 * writes it.
 *
 * <p>Thread-safety: an enum, immutable.
 */
public enum SporeType {
  /** A piece of knowledge shared with one agent or with everyone on a channel. */
  KNOWLEDGE,
  /** A request that expects a {@link #RESPONSE}. */
  REQUEST,
  /** The answer to a {@link #REQUEST}; its {@link Spore#replyTo()} names the request. */
  RESPONSE,
  /** A message for every agent on a channel but the sender. */
  BROADCAST,
  /** An informational event, usually undirected. */
  NOTIFICATION;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used on the wire, for example {@code "request"}.
   *
   * @return the wire name, never null
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name. Matching is exact: {@code "REQUEST"} is not a wire name.
   *
   * @param wireName the lower-case name, for example {@code "knowledge"}
   * @return the type
   * @throws SporeValidationException if the name is null or not one of the five wire names
   */
  public static SporeType fromWireName(String wireName) {
    if (wireName != null) {
      switch (wireName) {
        case "knowledge":
          return KNOWLEDGE;
        case "request":
          return REQUEST;
        case "response":
          return RESPONSE;
        case "broadcast":
          return BROADCAST;
        case "notification":
          return NOTIFICATION;
        default:
          break;
      }
    }
    throw new SporeValidationException(
        "spore_type",
        "must be one of knowledge, request, response, broadcast, notification (lower case), was "
            + (wireName == null ? "null" : "'" + wireName + "'"));
  }
}
