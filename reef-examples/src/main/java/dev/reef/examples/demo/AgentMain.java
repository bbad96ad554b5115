package dev.reef.examples.demo;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Subscription;
import dev.reef.examples.workflow.AgentNames;
import dev.reef.examples.workflow.Agents;
import dev.reef.examples.workflow.Conversation;
import dev.reef.examples.workflow.Coordinator;
import dev.reef.examples.workflow.DemoAgent;
import dev.reef.examples.workflow.RunCompletion;
import dev.reef.examples.workflow.WorkflowResult;
import dev.reef.examples.workflow.WorkflowSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one agent of the workflow in this JVM, on the broker named by {@code REEF_AMQP_URI}: the
 * same agent code as the in-memory demo, one agent per process.
 *
 * <p>Usage: {@code AgentMain <coordinator|researcher|analyst|writer>}. Environment:
 *
 * <ul>
 *   <li>{@code REEF_AMQP_URI} (required): the broker, e.g. {@code amqp://guest:guest@localhost}.
 *   <li>{@code REEF_CHANNEL}, {@code REEF_DEMO_TOPIC}, {@code REEF_DEMO_TIMEOUT_SECONDS}: see
 *       {@link WorkflowSettings#fromEnvironment(Map)}.
 *   <li>{@code REEF_DEMO_RUN}: the run to join. The coordinator runs the workflow once and exits (0
 *       on success, 1 on failure). The other agents exit 0 when the coordinator announces that run
 *       complete (1 if that does not happen within {@code REEF_DEMO_MAX_SECONDS}, default 600).
 *       Without it they serve every run until stopped (SIGTERM), as in docker compose.
 *   <li>{@code REEF_DEMO_TRANSCRIPT}: a file to append every sent and received spore to, as JSON
 *       lines.
 *   <li>{@code REEF_READY_FILE}: a file created once the agent listens (for health checks).
 *   <li>{@code REEF_METRICS_PORT}: serve Prometheus metrics of this agent's reef on {@code
 *       http://127.0.0.1:<port>/metrics} (docs/observability.md).
 * </ul>
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  private AgentMain() {}

  /**
   * Runs one agent.
   *
   * @param args the agent's name
   * @throws Exception if the agent cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !AgentNames.ALL.contains(args[0])) {
      System.err.println("usage: AgentMain <" + String.join("|", AgentNames.ALL) + ">");
      System.exit(2);
    }
    Map<String, String> env = System.getenv();
    String uri = env.get(Reef.AMQP_URI_ENV);
    if (uri == null || uri.isBlank()) {
      System.err.println(
          "AgentMain runs one agent per process and needs a broker: set "
              + Reef.AMQP_URI_ENV
              + ", e.g. amqp://guest:guest@localhost:5672");
      System.exit(2);
    }
    System.exit(run(args[0], env, System.out));
  }

  static int run(String name, Map<String, String> env, PrintStream out) throws Exception {
    String ready = env.get("REEF_READY_FILE");
    if (ready != null) {
      // A restarted container keeps its files: not ready until listening again.
      Files.deleteIfExists(Path.of(ready));
    }
    WorkflowSettings settings = WorkflowSettings.fromEnvironment(env);
    String transcript = env.get("REEF_DEMO_TRANSCRIPT");
    Conversation conversation =
        transcript == null
            ? Conversation.printingTo(out)
            : Conversation.printingTo(out, Path.of(transcript));
    MetricsEndpoint metrics = MetricsEndpoint.fromEnvironment(env);
    Reef reef =
        metrics == null
            ? Report.reef(env)
            : Report.reef(env, metrics.instrument(ReefOptions.custom()).build());
    if (metrics != null) {
      out.printf("%s: Prometheus metrics on http://127.0.0.1:%d/metrics%n", name, metrics.port());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopped.countDown();
              reef.close();
              conversation.close();
              if (metrics != null) {
                metrics.close();
              }
            },
            "reef-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ReefChannel channel = reef.channel(settings.channel());
      DemoAgent agent = Agents.create(name, conversation, settings);
      String backend = Report.backend(env);
      if (agent instanceof Coordinator coordinator) {
        Report.header(out, settings, backend, "coordinator (one agent per process)");
        Subscription subscription = coordinator.start(channel);
        try {
          markReady(env);
          WorkflowResult result = coordinator.run(channel);
          Report.summary(out, result, conversation);
          return result.ok() ? 0 : 1;
        } finally {
          subscription.close();
        }
      }
      String run = env.get("REEF_DEMO_RUN");
      RunCompletion completion =
          run == null ? null : RunCompletion.watch(channel, agent.name(), run);
      Subscription subscription = agent.start(channel);
      try {
        markReady(env);
        out.printf("%s listens on channel '%s' (%s)%n", agent.name(), settings.channel(), backend);
        if (completion == null) {
          stopped.await();
          return 0;
        }
        Duration max =
            Duration.ofSeconds(Long.parseLong(env.getOrDefault("REEF_DEMO_MAX_SECONDS", "600")));
        boolean completed = completion.await(max);
        reef.awaitIdle(Duration.ofSeconds(5));
        conversation.tally().forEach(line -> out.println("  " + line));
        if (!completed) {
          out.printf("%s: run %s did not complete within %s%n", agent.name(), run, max);
          return 1;
        }
        out.printf("%s: run %s complete, exiting%n", agent.name(), run);
        return 0;
      } finally {
        subscription.close();
      }
    } catch (RuntimeException e) {
      LOG.error("agent {} failed", name, e);
      return 1;
    } finally {
      if (stopped.getCount() > 0) {
        reef.close();
        conversation.close();
      }
    }
  }

  private static void markReady(Map<String, String> env) throws IOException {
    String ready = env.get("REEF_READY_FILE");
    if (ready != null) {
      Files.writeString(Path.of(ready), "ready\n", StandardCharsets.UTF_8);
    }
  }
}
