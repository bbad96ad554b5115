package dev.reef.examples.demo;

import dev.reef.Reef;
import dev.reef.examples.workflow.Agents;
import dev.reef.examples.workflow.Conversation;
import dev.reef.examples.workflow.WorkflowResult;
import dev.reef.examples.workflow.WorkflowSettings;
import java.io.PrintStream;
import java.util.Map;

/**
 * The README's demo: the coordinator, researcher, analyst and writer in one JVM. In memory by
 * default (no broker needed); with {@code REEF_AMQP_URI} set the very same code runs through
 * RabbitMQ. Prints the conversation and a summary, and exits 0 when the workflow completed (1
 * otherwise).
 *
 * <p>Run: {@code mvn -B -q -pl reef-examples -am test-compile exec:java}
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args none
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    WorkflowResult result = run(WorkflowSettings.fromEnvironment(env), env, System.out);
    if (!result.ok()) {
      System.exit(1);
    }
  }

  /**
   * Runs the workflow once with every agent in this JVM, printing to {@code out}.
   *
   * @param settings the run
   * @param env the environment that selects the backend
   * @param out where the conversation is printed
   * @return the result
   * @throws InterruptedException if interrupted
   */
  static WorkflowResult run(WorkflowSettings settings, Map<String, String> env, PrintStream out)
      throws InterruptedException {
    Report.header(out, settings, Report.backend(env), "coordinator, researcher, analyst, writer");
    try (Conversation conversation = Conversation.printingTo(out);
        Reef reef = Report.reef(env)) {
      WorkflowResult result = Agents.runAll(reef, settings, conversation);
      Report.summary(out, result, conversation);
      return result;
    }
  }
}
