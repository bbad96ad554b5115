package dev.reef.examples.workflow;

import dev.reef.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What one run of the workflow produced, as seen by the coordinator. Immutable.
 *
 * @param settings the run's settings
 * @param replies the investigators' replies to the gather, in arrival order
 * @param missing the investigators that did not answer in time
 * @param summary the writer's reply, or null if it did not come
 * @param gatherTime from sending the gather to its end
 * @param summaryTime from asking the writer to its answer (zero if not asked)
 * @param total the whole run
 * @param failure why the run failed, or null if it succeeded
 */
public record WorkflowResult(
    WorkflowSettings settings,
    List<Spore> replies,
    Set<String> missing,
    Spore summary,
    Duration gatherTime,
    Duration summaryTime,
    Duration total,
    String failure) {

  /** Copies the collections. */
  public WorkflowResult {
    replies = List.copyOf(replies);
    missing = Set.copyOf(missing);
  }

  /**
   * Whether every agent answered and the summary arrived.
   *
   * @return true on success
   */
  public boolean ok() {
    return failure == null;
  }

  /**
   * The summary text.
   *
   * @return the writer's summary, or null
   */
  public String summaryText() {
    return summary == null ? null : Knowledge.text(summary, "summary");
  }
}
