package dev.reef.examples.workflow;

import dev.reef.Spore;
import dev.reef.SporeType;
import java.time.Instant;
import java.util.Map;

/**
 * One thing an agent did with a spore: it sent it (the backend accepted it) or it received it.
 * Immutable.
 *
 * @param at when the agent saw it
 * @param kind sent or received
 * @param agent the agent that sent or received the spore
 * @param id the spore id
 * @param type the spore type
 * @param from the sender
 * @param to the recipient, or null for everyone on the channel
 * @param priority the priority
 * @param replyTo the id of the request answered, or null
 * @param knowledge the knowledge, or an empty map
 */
public record ConversationEvent(
    Instant at,
    Kind kind,
    String agent,
    String id,
    SporeType type,
    String from,
    String to,
    int priority,
    String replyTo,
    Map<String, Object> knowledge) {

  /** Whether the agent sent or received the spore. */
  public enum Kind {
    /** The agent published the spore and the backend accepted it. */
    SENT,
    /** The spore was handed to the agent. */
    RECEIVED
  }

  /** Copies the knowledge. */
  public ConversationEvent {
    knowledge = knowledge == null ? Map.of() : Map.copyOf(knowledge);
  }

  /**
   * The event for a spore.
   *
   * @param at when
   * @param kind sent or received
   * @param agent who
   * @param spore the spore
   * @return the event
   */
  public static ConversationEvent of(Instant at, Kind kind, String agent, Spore spore) {
    Map<String, Object> k = spore.knowledge();
    return new ConversationEvent(
        at,
        kind,
        agent,
        spore.id(),
        spore.type(),
        spore.fromAgent(),
        spore.toAgent(),
        spore.priority(),
        spore.replyTo(),
        k == null ? Map.of() : withoutNulls(k));
  }

  /**
   * A knowledge value as text.
   *
   * @param key the knowledge key
   * @return the value's text, or null if absent
   */
  public String knowledgeText(String key) {
    Object v = knowledge.get(key);
    return v == null ? null : v.toString();
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> k) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    k.forEach(
        (key, value) -> {
          if (value != null) {
            copy.put(key, value);
          }
        });
    return copy;
  }
}
