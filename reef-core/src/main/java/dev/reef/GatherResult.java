package dev.reef;

import java.util.List;
import java.util.Set;

/**
 * What a {@code gather} collected: the replies in arrival order and the agents that were asked and
 * did not answer before the gather ended.
 *
 * @param request the request spore that was sent
 * @param replies the responses, at most one per agent, in arrival order; unmodifiable
 * @param missing the agents that did not answer; unmodifiable
 * @param timedOut true if the deadline ended the gather
 */
public record GatherResult(
    Spore request, List<Spore> replies, Set<String> missing, boolean timedOut) {
  /** Copies the collections. */
  public GatherResult {
    replies = List.copyOf(replies);
    missing = Set.copyOf(missing);
  }
}
