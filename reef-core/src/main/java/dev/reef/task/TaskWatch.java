package dev.reef.task;

/** A watch of a task ({@link Tasks#watch(String, TaskListener)}); close it to stop. */
public interface TaskWatch extends AutoCloseable {

  /**
   * Events not delivered because the listener fell more than {@value Tasks#MAX_PENDING_EVENTS}
   * behind (the watch then closed).
   *
   * @return 0 or more
   */
  long dropped();

  /** Stops the watch. Idempotent. */
  @Override
  void close();
}
