package dev.reef.examples.workflow;

import dev.reef.task.TaskEvent;
import dev.reef.task.TaskListener;
import dev.reef.task.TaskStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints a task's events as the coordinator watches them: a progress line per progress report (a
 * bar that grows in place on a terminal, see {@link Conversation#progress}), and a line for each
 * change of hands (started, retried, finished). Events arrive in order, one at a time.
 */
final class TaskProgress implements TaskListener {
  /** Width of the bar, in characters. */
  static final int BAR_WIDTH = 20;

  private final Conversation conversation;
  private final String label;
  private final CountDownLatch ended = new CountDownLatch(1);

  /**
   * @param conversation where the lines go
   * @param label the task's name in the lines
   */
  TaskProgress(Conversation conversation, String label) {
    this.conversation = conversation;
    this.label = label;
  }

  @Override
  public void onEvent(TaskEvent e) {
    TaskStatus s = e.status();
    double progress = s == null ? 0 : s.progress();
    switch (e.type()) {
      case PROGRESS ->
          conversation.progress(
              String.format(
                  Locale.ROOT,
                  "%-11s %s %s %3.0f%%  %s",
                  e.agent(),
                  label,
                  bar(progress, BAR_WIDTH),
                  progress * 100,
                  e.message() == null ? "" : e.message()));
      case STARTED -> conversation.say(e.agent() + " started task " + label);
      case RETRIED ->
          conversation.say(
              "task " + label + " retried on " + e.agent() + " (attempt " + e.attempt() + ")");
      case WARNING -> conversation.say(e.agent() + " warns on " + label + ": " + e.message());
      case COMPLETED, FAILED, REJECTED, CANCELED ->
          conversation.say(
              String.format(
                  Locale.ROOT,
                  "task %s %s by %s in %s%s",
                  label,
                  e.type().name().toLowerCase(Locale.ROOT),
                  e.agent(),
                  s == null ? "?" : Conversation.millis(s.elapsed()),
                  e.message() == null ? "" : ": " + e.message()));
      default -> {
        // SUBMITTED and CANCEL_REQUESTED: the coordinator says so itself
      }
    }
    if (s != null && s.state().isTerminal()) {
      ended.countDown();
    }
  }

  /**
   * Waits until the terminal event was printed (the result may be known before the watch got
   * there).
   *
   * @param timeout the longest wait
   * @return true if it was
   * @throws InterruptedException if interrupted
   */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A text bar.
   *
   * @param fraction in [0, 1]
   * @param width characters between the brackets
   * @return {@code [#####.....]}
   */
  static String bar(double fraction, int width) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }
}
