package dev.reef.examples.tasks;

import dev.reef.Reef;
import dev.reef.directory.AgentCard;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskRequest;
import dev.reef.task.TaskRetryPolicy;
import dev.reef.task.Tasks;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A task handed to "any live agent that can summarize", followed as it runs: the worker reports
 * per-component progress and a warning; the requester watches the events, retries on another agent
 * if one fails, and reads the result. In memory, in one JVM; the code is the same on RabbitMQ. The
 * snippet between the markers is in docs/tasks.md (TrackedTaskTest keeps them equal).
 */
public final class TrackedTask {
  private TrackedTask() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception if the task fails
   */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param out where the events go
   * @return the lines printed for the events
   * @throws Exception if the task fails
   */
  public static List<String> run(PrintStream out) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (Reef reef = Reef.inMemory()) {
      // DOCS:tasks:start
      Tasks tasks = reef.channel("docs").tasks();
      // A worker: serves the tasks sent to agent "summarizer", reports progress per component.
      tasks.serve(
          "summarizer",
          ctx -> {
            List<?> parts = (List<?>) ctx.input().get("parts");
            for (int i = 0; i < parts.size(); i++) {
              ctx.componentProgress("part-" + i, 1.0, "read " + parts.get(i));
            }
            if (parts.size() > 2) {
              ctx.warn("long input, summary shortened");
            }
            return Map.of("summary", parts.size() + " parts, all read");
          });
      reef.directory()
          .register("docs", AgentCard.builder("summarizer").capabilities("summarize").build());

      // A requester: any live agent with the capability, 30 s per attempt, retries elsewhere.
      TaskHandle task =
          tasks.submit(
              TaskRequest.toCapability("coordinator", "summarize")
                  .input(Map.of("parts", List.of("intro", "body", "end")))
                  .timeout(Duration.ofSeconds(30))
                  .retryPolicy(TaskRetryPolicy.ofDefaults())
                  .build());
      // Any reef on the same transport can watch it by id: history first, then live events.
      CountDownLatch ended = new CountDownLatch(1);
      tasks.watch(
          task.id(),
          e -> {
            lines.add(e.type() + " " + Math.round(e.status().progress() * 100) + "%");
            if (e.status().state().isTerminal()) {
              ended.countDown();
            }
          });
      Map<String, Object> result = task.result().get(30, TimeUnit.SECONDS);
      ended.await(30, TimeUnit.SECONDS);
      // DOCS:tasks:end
      lines.forEach(out::println);
      out.println("result: " + result);
    }
    return lines;
  }
}
