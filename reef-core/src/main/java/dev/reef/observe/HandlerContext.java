package dev.reef.observe;

import dev.reef.Spore;
import org.jspecify.annotations.Nullable;

/**
 * A delivery of a spore to an agent's handlers, given to {@link ReefObserver#onHandle}: one
 * observation covers every handler of the agent for that attempt.
 */
public interface HandlerContext {
  /**
   * The channel the spore arrived on.
   *
   * @return a channel name
   */
  String channel();

  /**
   * The receiving agent.
   *
   * @return an agent name
   */
  String agent();

  /**
   * The spore delivered.
   *
   * @return the spore
   */
  Spore spore();

  /**
   * The delivery attempt, 1 for the first.
   *
   * @return 1 or more
   */
  int attempt();

  /**
   * A header carried by the spore: a string entry of its metadata (see {@link PublishContext}).
   * Input from a foreign publisher: an observer must treat a malformed value as absent.
   *
   * @param name the header name
   * @return the value, or null if there is none (or the entry is not a string)
   */
  default @Nullable String header(String name) {
    Object v = spore().metadata().get(name);
    return v instanceof String ? (String) v : null;
  }
}
