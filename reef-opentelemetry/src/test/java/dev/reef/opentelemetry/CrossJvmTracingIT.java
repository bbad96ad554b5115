package dev.reef.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.ChildJvm;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.trace.TraceContext;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One workflow across three JVMs on a real broker ({@link TracedAgent}): alice asks bob inside a
 * {@code workflow} span, bob asks carol inside his handler and answers. Each JVM exports its spans
 * to an in-memory exporter and prints them; the test joins them into one trace and checks every
 * parent across the process boundaries, and that the reply carries the trace back to alice.
 */
@ExtendWith(RabbitMqBroker.class)
class CrossJvmTracingIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final List<ChildJvm> agents = new ArrayList<>();

  /** One printed span. */
  record S(
      String jvm,
      String name,
      String kind,
      String traceId,
      String spanId,
      String parentId,
      long start,
      String system,
      String messageId,
      String agent) {
    static S parse(String line) {
      String[] f = line.substring("SPAN ".length()).split("\\|", -1);
      return new S(f[0], f[1], f[2], f[3], f[4], f[5], Long.parseLong(f[6]), f[7], f[8], f[9]);
    }
  }

  @AfterEach
  void stopAgents() {
    for (ChildJvm a : agents) {
      a.process.destroyForcibly();
    }
  }

  private ChildJvm launch(String role, String channel) throws IOException {
    File log = new File("target/traced-" + role + ".log");
    ChildJvm a =
        ChildJvm.launch(List.of("-Xmx128m"), TracedAgent.class, List.of(role, channel), log);
    agents.add(a);
    return a;
  }

  private static List<S> spans(ChildJvm jvm) {
    return jvm.starting("SPAN ").stream().map(S::parse).collect(Collectors.toList());
  }

  private static S one(List<S> spans, String jvm, String kind, String parentId) {
    List<S> found =
        spans.stream()
            .filter(s -> s.jvm.equals(jvm) && s.kind.equals(kind) && s.parentId.equals(parentId))
            .collect(Collectors.toList());
    assertThat(found).as("%s %s span with parent %s in %s", jvm, kind, parentId, spans).hasSize(1);
    return found.get(0);
  }

  @Test
  void aWorkflowAcrossThreeJvmsIsOneTraceWithParentsAcrossTheProcesses(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("traced");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    for (String agent : List.of("alice", "bob", "carol")) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    ChildJvm carol = launch("carol", channel);
    ChildJvm bob = launch("bob", channel);
    ChildJvm alice = launch("alice", channel);
    await()
        .atMost(WAIT)
        .until(() -> carol.printed("READY") && bob.printed("READY") && alice.printed("READY"));

    alice.tell("go");
    await().atMost(WAIT).until(() -> alice.printed("REPLY"));
    // alice: workflow, ask, publish; bob: process, check-stock, ask, publish, publish; carol:
    // process, publish
    await()
        .atMost(WAIT)
        .until(
            () -> spans(alice).size() >= 3 && spans(bob).size() >= 5 && spans(carol).size() >= 2);
    for (ChildJvm a : agents) {
      a.tell("quit");
    }
    for (ChildJvm a : agents) {
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).as("agent exits").isTrue();
      assertThat(a.process.exitValue()).as("exit code").isZero();
    }

    List<S> all = new ArrayList<>();
    all.addAll(spans(alice));
    all.addAll(spans(bob));
    all.addAll(spans(carol));
    S workflow = all.stream().filter(s -> s.name.equals("workflow")).findFirst().orElseThrow();
    String trace = workflow.traceId;
    assertThat(all).hasSize(10).allMatch(s -> s.traceId.equals(trace));

    S aliceAsk = one(all, "alice", "CLIENT", workflow.spanId);
    S alicePublish = one(all, "alice", "PRODUCER", aliceAsk.spanId);
    // the handler span in JVM B has the publish span of JVM A as its parent
    S bobProcess = one(all, "bob", "CONSUMER", alicePublish.spanId);
    assertThat(bobProcess.messageId).isEqualTo(alicePublish.messageId);
    assertThat(bobProcess.agent).isEqualTo("bob");
    S bobCheck = one(all, "bob", "INTERNAL", bobProcess.spanId);
    S bobAsk = one(all, "bob", "CLIENT", bobCheck.spanId);
    S bobPublish = one(all, "bob", "PRODUCER", bobAsk.spanId);
    S carolProcess = one(all, "carol", "CONSUMER", bobPublish.spanId);
    S carolReply = one(all, "carol", "PRODUCER", carolProcess.spanId);
    S bobReply = one(all, "bob", "PRODUCER", bobProcess.spanId);
    assertThat(all).allMatch(s -> s.kind.equals("INTERNAL") || s.system.equals("rabbitmq"));
    assertThat(carolReply.messageId).isNotEmpty();

    // the reply continues the trace back in A: its traceparent names bob's reply publish span
    String[] reply = alice.starting("REPLY ").get(0).split(" ");
    TraceContext carried = TraceContext.parse(reply[1], null);
    assertThat(carried.traceId()).isEqualTo(trace);
    assertThat(carried.spanId()).isEqualTo(bobReply.spanId);
    assertThat(reply[2]).isEqualTo(trace);

    String tree = tree(all, workflow, "", true, true);
    System.out.println(tree);
    Files.writeString(
        new File("target/cross-jvm-trace-tree.txt").toPath(), tree, StandardCharsets.UTF_8);
  }

  /** The trace as a tree, children in start order. */
  private static String tree(List<S> all, S node, String indent, boolean last, boolean root) {
    StringBuilder sb = new StringBuilder();
    sb.append(indent)
        .append(root ? "" : last ? "└─ " : "├─ ")
        .append(node.name)
        .append(" [")
        .append(node.kind)
        .append("] jvm=")
        .append(node.jvm)
        .append(" span=")
        .append(node.spanId)
        .append(node.messageId.isEmpty() ? "" : " spore=" + node.messageId.substring(0, 8) + "…")
        .append('\n');
    List<S> children =
        all.stream()
            .filter(s -> s.parentId.equals(node.spanId))
            .sorted(Comparator.comparingLong(S::start))
            .collect(Collectors.toList());
    String childIndent = root ? "" : indent + (last ? "   " : "│  ");
    for (int i = 0; i < children.size(); i++) {
      sb.append(tree(all, children.get(i), childIndent, i == children.size() - 1, false));
    }
    return sb.toString();
  }
}
