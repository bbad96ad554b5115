package dev.reef;

import dev.reef.spi.support.Failures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The settled outcome of {@link ReefChannel#publishAll(java.util.Collection)}: one outcome per
 * spore, in the order of the input. Every outcome is settled when a {@code BatchResult} exists.
 * There is no atomicity across a batch: some spores may be published while others failed.
 * Immutable.
 */
public final class BatchResult {
  private final List<CompletableFuture<Spore>> outcomes;

  BatchResult(List<CompletableFuture<Spore>> outcomes) {
    this.outcomes = Collections.unmodifiableList(new ArrayList<>(outcomes));
  }

  /**
   * The number of spores in the batch.
   *
   * @return the size
   */
  public int size() {
    return outcomes.size();
  }

  /**
   * The per-spore outcomes in input order, all completed: with the published spore, or failed with
   * the {@link ReefException} subtype a single {@link ReefChannel#publish(Spore)} would have given
   * (a {@link SporeValidationException} for a spore that failed validation).
   *
   * @return an unmodifiable list of completed futures
   */
  public List<CompletableFuture<Spore>> outcomes() {
    return outcomes;
  }

  /**
   * Whether every spore of the batch was published (true for an empty batch).
   *
   * @return whether nothing failed
   */
  public boolean allSucceeded() {
    for (CompletableFuture<Spore> f : outcomes) {
      if (f.isCompletedExceptionally()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The spores that were published, in input order.
   *
   * @return an unmodifiable list
   */
  public List<Spore> published() {
    List<Spore> ok = new ArrayList<>();
    for (CompletableFuture<Spore> f : outcomes) {
      if (!f.isCompletedExceptionally()) {
        ok.add(f.join());
      }
    }
    return Collections.unmodifiableList(ok);
  }

  /**
   * The failures by input index, in input order.
   *
   * @return an unmodifiable map from the index of a failed spore to its error
   */
  public Map<Integer, ReefException> failures() {
    Map<Integer, ReefException> failed = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      CompletableFuture<Spore> f = outcomes.get(i);
      if (f.isCompletedExceptionally()) {
        failed.put(i, error(f));
      }
    }
    return Collections.unmodifiableMap(failed);
  }

  private static ReefException error(CompletableFuture<Spore> f) {
    try {
      f.join();
      throw new IllegalStateException("not failed");
    } catch (RuntimeException e) {
      Throwable cause = Failures.unwrap(e);
      return cause instanceof ReefException r
          ? r
          : new PublishException("publish failed: " + cause, cause);
    }
  }

  @Override
  public String toString() {
    return "BatchResult[size=" + size() + ", failed=" + failures().keySet() + "]";
  }
}
