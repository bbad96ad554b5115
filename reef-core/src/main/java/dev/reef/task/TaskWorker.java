package dev.reef.task;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs the tasks an agent serves ({@link Tasks#serve(String, TaskWorker)}). Return the result (it
 * ends COMPLETED); throw {@link TaskRejectedException} to refuse (REJECTED); throw anything else to
 * fail (FAILED, retried if the requester's policy says so). A worker that sees {@link
 * TaskContext#isCancelled()} should stop: the task then ends CANCELED whatever it returns.
 */
@FunctionalInterface
public interface TaskWorker {

  /**
   * Runs one attempt of a task.
   *
   * @param context the task's input and its progress reporting
   * @return the result, a JSON-compatible map (null for none)
   * @throws Exception to fail the attempt
   */
  @Nullable Map<String, ?> run(TaskContext context) throws Exception;
}
