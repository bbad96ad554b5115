package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.directory.AgentCard;
import dev.reef.task.TaskEvent;
import dev.reef.task.TaskWatch;
import dev.reef.task.Tasks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A task process for {@link CrossJvmTaskIT}, launched as a separate JVM on the broker of {@code
 * REEF_AMQP_URI}. Usage: {@code CrossJvmTaskAgent <role> <channel> <arg>}.
 *
 * <ul>
 *   <li>{@code worker <agent> [capability]}: registers the agent in the directory (with the
 *       capability, if given), serves its tasks and prints {@code READY}. Each task reports {@code
 *       steps} progress steps (input {@code steps}, 10 by default), printing {@code STEP <task>
 *       <i>} after each; after step {@code pauseAfter} (input, 0 for none) it prints {@code PAUSED
 *       <task>} and waits until told {@code continue} (or until the task is cancelled). A cancelled
 *       task prints {@code SAW_CANCEL <task>} and returns. The result is {@code {"by": <agent>,
 *       "steps": n}}.
 *   <li>{@code watcher <taskId>}: watches the task and prints one line per event, {@code EVENT
 *       <type> <attempt> <agent> <progress> <message>}, then {@code DONE <state>} after the
 *       terminal one.
 * </ul>
 *
 * It exits when its standard input says {@code quit} or closes.
 */
public final class CrossJvmTaskAgent {
  private static final CountDownLatch CONTINUE = new CountDownLatch(1);

  private CrossJvmTaskAgent() {}

  /**
   * Runs one process.
   *
   * @param args role, channel, agent or task id, and for a worker optionally a capability
   * @throws Exception on failure (the process exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    String role = args[0];
    String channel = args[1];
    ReefOptions options = ReefOptions.custom().defaultChannel(channel).build();
    try (Reef reef = Reef.fromEnvironment(options)) {
      Tasks tasks = reef.channel(channel).tasks();
      AutoCloseable running;
      if (role.equals("worker")) {
        String agent = args[2];
        AgentCard.Builder card = AgentCard.builder(agent).kind("test.worker");
        if (args.length > 3) {
          card.capabilities(args[3]);
        }
        reef.directory().register(channel, card.build());
        running = tasks.serve(agent, ctx -> work(agent, ctx));
        print("READY");
      } else if (role.equals("watcher")) {
        String taskId = args[2];
        TaskWatch watch = tasks.watch(taskId, CrossJvmTaskAgent::printEvent);
        running = watch;
        print("READY");
      } else {
        throw new IllegalArgumentException("unknown role " + role);
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("continue")) {
          CONTINUE.countDown();
        }
      }
      running.close();
    }
    print("BYE");
  }

  private static Map<String, ?> work(String agent, dev.reef.task.TaskContext ctx)
      throws InterruptedException {
    int steps = number(ctx.input().get("steps"), 10);
    int pauseAfter = number(ctx.input().get("pauseAfter"), 0);
    for (int i = 1; i <= steps; i++) {
      if (ctx.isCancelled()) {
        print("SAW_CANCEL " + ctx.taskId());
        return Map.of("by", agent, "steps", i - 1);
      }
      ctx.progress("step", i / (double) steps, "step " + i);
      print("STEP " + ctx.taskId() + " " + i);
      if (i == pauseAfter) {
        print("PAUSED " + ctx.taskId());
        // Waits for the test's go-ahead, looking at the cancel flag meanwhile (cooperative).
        while (!CONTINUE.await(50, TimeUnit.MILLISECONDS)) {
          if (ctx.isCancelled()) {
            print("SAW_CANCEL " + ctx.taskId());
            return Map.of("by", agent, "steps", i);
          }
        }
      }
    }
    return Map.of("by", agent, "steps", steps);
  }

  private static int number(Object o, int otherwise) {
    return o instanceof Number ? ((Number) o).intValue() : otherwise;
  }

  private static void printEvent(TaskEvent e) {
    print(
        String.format(
            Locale.ROOT,
            "EVENT %s %d %s %s %s",
            e.type(),
            e.attempt(),
            e.agent(),
            e.progress() == null ? "-" : String.format(Locale.ROOT, "%.2f", e.progress()),
            e.message()));
    if (e.status() != null && e.status().state().isTerminal()) {
      print("DONE " + e.status().state() + " " + e.result());
    }
  }

  private static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
