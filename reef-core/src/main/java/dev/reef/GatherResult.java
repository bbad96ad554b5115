package dev.reef;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@code gather} collected: the replies in arrival order and the agents that were asked and
 * did not answer before the gather ended. Immutable; built by the reef only. Equal to another
 * result with equal components.
 */
public final class GatherResult {
  private final Spore request;
  private final List<Spore> replies;
  private final Set<String> missing;
  private final boolean timedOut;

  private final Map<String, RemoteFailureException> failures;

  /** Copies the collections; no failures. */
  GatherResult(Spore request, List<Spore> replies, Set<String> missing, boolean timedOut) {
    this(request, replies, missing, timedOut, Map.of());
  }

  /** Copies the collections. */
  GatherResult(
      Spore request,
      List<Spore> replies,
      Set<String> missing,
      boolean timedOut,
      Map<String, RemoteFailureException> failures) {
    this.request = request;
    this.replies = List.copyOf(replies);
    this.missing = Set.copyOf(missing);
    this.timedOut = timedOut;
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
  }

  /**
   * The agents that answered with an error response (see {@link ErrorResponses}): their handling of
   * the request finally failed. They are neither in {@link #replies()} nor in {@link #missing()}.
   *
   * @return agent to failure, in arrival order; unmodifiable
   */
  public Map<String, RemoteFailureException> failures() {
    return failures;
  }

  /**
   * The request spore that was sent.
   *
   * @return the request
   */
  public Spore request() {
    return request;
  }

  /**
   * The responses, at most one per agent, in arrival order.
   *
   * @return the replies; unmodifiable
   */
  public List<Spore> replies() {
    return replies;
  }

  /**
   * The agents that did not answer.
   *
   * @return the missing agents; unmodifiable
   */
  public Set<String> missing() {
    return missing;
  }

  /**
   * Whether the deadline ended the gather.
   *
   * @return true if it timed out
   */
  public boolean timedOut() {
    return timedOut;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GatherResult)) {
      return false;
    }
    GatherResult r = (GatherResult) o;
    return timedOut == r.timedOut
        && Objects.equals(request, r.request)
        && replies.equals(r.replies)
        && missing.equals(r.missing)
        && failures.keySet().equals(r.failures.keySet());
  }

  @Override
  public int hashCode() {
    return Objects.hash(request, replies, missing, timedOut);
  }

  @Override
  public String toString() {
    return "GatherResult[request="
        + request
        + ", replies="
        + replies
        + ", missing="
        + missing
        + ", failed="
        + failures.keySet()
        + ", timedOut="
        + timedOut
        + "]";
  }
}
