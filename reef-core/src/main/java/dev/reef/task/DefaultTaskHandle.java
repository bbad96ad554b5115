package dev.reef.task;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The {@link TaskHandle} of a submission. */
final class DefaultTaskHandle implements TaskHandle {
  private final ChannelTasks tasks;
  private final Submission submission;
  private final TaskStatus initial;

  DefaultTaskHandle(ChannelTasks tasks, Submission submission, TaskStatus initial) {
    this.tasks = tasks;
    this.submission = submission;
    this.initial = initial;
  }

  @Override
  public String id() {
    return submission.taskId();
  }

  @Override
  public TaskStatus status() {
    TaskStatus s = tasks.tracker().status(id());
    return s != null ? s : initial;
  }

  @Override
  public CompletableFuture<Map<String, Object>> result() {
    return submission.result().thenApply(r -> r);
  }

  @Override
  public Flow.Publisher<TaskEvent> events() {
    return tasks.events(id());
  }

  @Override
  public TaskWatch watch(TaskListener listener) {
    return tasks.watch(id(), listener);
  }

  @Override
  public CompletableFuture<Void> cancel() {
    return tasks.cancel(id());
  }

  @Override
  public String toString() {
    return "TaskHandle{" + id() + ", " + status().state() + "}";
  }
}
