package dev.reef;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code gather} collected: the replies in arrival order, the agents that were asked and
 * waited for but did not answer before the gather ended ({@link #missing()}), and, when {@link
 * GatherOptions.Builder#firstN(int)} ended it, the agents that were asked but no longer waited for
 * ({@link #notCollected()}), and the agents whose handling of the request failed ({@link
 * #failures()}). Every agent asked is in exactly one of: the senders of {@link #replies()}, {@link
 * #missing()}, {@link #notCollected()}, {@link #failures()}. Immutable; built by the reef only.
 * Equal to another result with equal components.
 */
public final class GatherResult {
  private final Spore request;
  private final List<Spore> replies;
  private final Set<String> missing;
  private final Set<String> notCollected;
  private final boolean timedOut;

  private final Map<String, RemoteFailureException> failures;

  /** Copies the collections; no failures. */
  GatherResult(Spore request, List<Spore> replies, Set<String> missing, boolean timedOut) {
    this(request, replies, missing, Set.of(), timedOut, Map.of());
  }

  /** Copies the collections. */
  GatherResult(
      Spore request,
      List<Spore> replies,
      Set<String> missing,
      Set<String> notCollected,
      boolean timedOut,
      Map<String, RemoteFailureException> failures) {
    this.request = request;
    this.replies = List.copyOf(replies);
    this.missing = Set.copyOf(missing);
    this.notCollected = Set.copyOf(notCollected);
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
   * The agents that were waited for and did not answer: at the deadline, those that had not
   * answered. Empty when every agent answered, and when {@link GatherOptions.Builder#firstN(int)}
   * ended the gather (the others were then no longer waited for: see {@link #notCollected()}).
   *
   * @return the missing agents; unmodifiable
   */
  public Set<String> missing() {
    return missing;
  }

  /**
   * The agents that were asked but not collected: {@link GatherOptions.Builder#firstN(int)} replies
   * had arrived before they answered, so the gather ended without waiting for them (they may still
   * be answering; their late responses are dropped). Empty unless {@code firstN} ended the gather.
   *
   * @return the agents not collected; unmodifiable
   */
  public Set<String> notCollected() {
    return notCollected;
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
  public boolean equals(@Nullable Object o) {
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
        && notCollected.equals(r.notCollected)
        && failures.keySet().equals(r.failures.keySet());
  }

  @Override
  public int hashCode() {
    return Objects.hash(request, replies, missing, notCollected, timedOut, failures.keySet());
  }

  @Override
  public String toString() {
    return "GatherResult[request="
        + request
        + ", replies="
        + replies
        + ", missing="
        + missing
        + ", notCollected="
        + notCollected
        + ", failed="
        + failures.keySet()
        + ", timedOut="
        + timedOut
        + "]";
  }
}
