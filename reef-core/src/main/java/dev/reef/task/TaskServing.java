package dev.reef.task;

/** An agent serving tasks ({@link Tasks#serve(String, TaskWorker)}); close it to stop. */
public interface TaskServing extends AutoCloseable {

  /**
   * Task spores not run because this serving already runs or ran their idempotency key (dedup
   * window), or because the task had already ended.
   *
   * @return 0 or more
   */
  long skipped();

  /** Stops taking tasks; tasks running go on to their end. Idempotent. */
  @Override
  void close();
}
