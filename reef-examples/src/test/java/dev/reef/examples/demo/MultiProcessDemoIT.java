package dev.reef.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.examples.workflow.AgentNames;
import dev.reef.examples.workflow.Conversation;
import dev.reef.examples.workflow.ConversationEvent;
import dev.reef.examples.workflow.WorkflowAssertions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the multi-process demo from the packaged {@code reef-cli.jar}: the launcher JVM starts
 * one JVM per agent, and they talk through the real broker only. Every agent writes what it sent
 * and received to its own transcript; together they must show the whole workflow.
 */
@ExtendWith(RabbitMqBroker.class)
class MultiProcessDemoIT {

  @Test
  void oneJvmPerAgentCompletesTheWorkflowThroughRabbitMq(TestBroker broker, @TempDir Path dir)
      throws Exception {
    String channel = TestBroker.unique("research-it");
    for (String agent : AgentNames.ALL) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    // The fact-check task's log and the directory the researcher registers its capability in.
    broker.deleteQueueAfter("reef-tasks." + channel);
    broker.deleteQueueAfter("reef-directory." + channel + ".records");
    broker.deleteQueueAfter("reef-directory." + channel + ".leases");
    String run = "it" + TestBroker.unique("run").substring(4);
    Path transcripts = dir.resolve("transcripts");
    Path log = dir.resolve("launcher.log");

    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                CliJar.path().toString(),
                MultiProcessDemo.class.getName(),
                "--transcripts",
                transcripts.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("REEF_AMQP_URI", broker.uri());
    pb.environment().put("REEF_CHANNEL", channel);
    pb.environment().put("REEF_DEMO_RUN", run);
    pb.environment().put("REEF_DEMO_TIMEOUT_SECONDS", "60");
    Process launcher = pb.start();
    boolean ended = launcher.waitFor(4, TimeUnit.MINUTES);
    if (!ended) {
      launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(ended).as(output).isTrue();
    assertThat(launcher.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("Starting 4 JVMs (one per agent) on channel '" + channel + "'")
        .contains("All processes ended: writer=0, researcher=0, analyst=0, coordinator=0 -> OK")
        .contains("[coordinator]   run " + run + " completed in")
        // The capability task crossed processes: submitted by the coordinator, served by the
        // researcher's JVM, its progress read by the coordinator from the task log's stream.
        .contains("task fact-check completed by researcher")
        .contains("claim 4 not in the researcher's sources");

    // Each process recorded only its own agent: four separate transcripts.
    List<ConversationEvent> all = new ArrayList<>();
    for (String agent : AgentNames.ALL) {
      Path file = transcripts.resolve(agent + ".jsonl");
      List<ConversationEvent> events = Conversation.readTranscript(file);
      assertThat(events).as("%s's transcript", agent).isNotEmpty();
      assertThat(events).allMatch(e -> e.agent().equals(agent));
      all.addAll(events);
    }
    WorkflowAssertions.assertCompleteRun(all, run);
  }

  /**
   * The docker-compose mode without Docker: the same image command ({@code java -cp reef-cli.jar
   * AgentMain <agent>}) and environment as docker-compose.yml, i.e. long-running agents with no run
   * id that report ready through a file, and a coordinator that runs once per start. Two
   * coordinator runs in a row are served by the same agents, which then stop on SIGTERM.
   */
  @Test
  void agentsAsServicesServeSeveralCoordinatorRunsAndStopOnSigterm(
      TestBroker broker, @TempDir Path dir) throws Exception {
    String channel = TestBroker.unique("compose-it");
    for (String agent : AgentNames.ALL) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter("reef-tasks." + channel);
    broker.deleteQueueAfter("reef-directory." + channel + ".records");
    broker.deleteQueueAfter("reef-directory." + channel + ".leases");
    List<Process> services = new ArrayList<>();
    try {
      for (String agent : List.of(AgentNames.WRITER, AgentNames.RESEARCHER, AgentNames.ANALYST)) {
        services.add(agent(broker, dir, channel, agent).start());
      }
      for (String agent : List.of(AgentNames.WRITER, AgentNames.RESEARCHER, AgentNames.ANALYST)) {
        Path ready = dir.resolve(agent + ".ready");
        org.awaitility.Awaitility.await(agent + " ready")
            .atMost(java.time.Duration.ofSeconds(60))
            .until(() -> Files.exists(ready));
      }
      for (int run = 1; run <= 2; run++) {
        ProcessBuilder coordinator = agent(broker, dir, channel, AgentNames.COORDINATOR);
        Path log = dir.resolve("coordinator-" + run + ".log");
        Process p = coordinator.redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(2, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output)
            .containsPattern("run [0-9a-f]{8} completed in")
            .contains("writer's summary:", "durable mailboxes keep spores")
            .contains("task fact-check completed by researcher")
            .doesNotContain("FAILED");
      }
      for (Process p : services) {
        assertThat(p.isAlive()).as("agents keep serving between runs").isTrue();
        p.destroy(); // SIGTERM, as docker stop
      }
      for (Process p : services) {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("agent stopped on SIGTERM").isTrue();
      }
    } finally {
      for (Process p : services) {
        p.destroyForcibly();
      }
    }
  }

  private static ProcessBuilder agent(TestBroker broker, Path dir, String channel, String agent)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                CliJar.path().toString(),
                AgentMain.class.getName(),
                agent)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(agent + ".log").toFile());
    pb.environment().put("REEF_AMQP_URI", broker.uri());
    pb.environment().put("REEF_CHANNEL", channel);
    pb.environment().put("REEF_READY_FILE", dir.resolve(agent + ".ready").toString());
    pb.environment().put("REEF_DEMO_TIMEOUT_SECONDS", "60");
    pb.environment().remove("REEF_DEMO_RUN");
    return pb;
  }

  /** The packaged jar, which the IT runs as the user would. */
  static final class CliJar {
    private CliJar() {}

    static Path path() throws IOException {
      Path jar = Path.of("target", "reef-cli.jar").toAbsolutePath();
      if (!Files.isRegularFile(jar)) {
        throw new IOException(jar + " is missing: run the ITs with `mvn verify` (after package)");
      }
      return jar;
    }
  }
}
