package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.DirectoryStore;
import dev.reef.task.TaskEvent;
import dev.reef.task.TaskEventType;
import dev.reef.task.TaskFailedException;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskRequest;
import dev.reef.task.TaskRetryPolicy;
import dev.reef.task.TaskState;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks across real processes ({@link CrossJvmTaskAgent}) on RabbitMQ, the requester in this JVM: a
 * watcher JVM started in the middle of a task receives the whole history, then the live events; a
 * capability-routed task whose worker JVM is killed with SIGKILL completes on a second worker JVM
 * with the retry in the events; a cancel reaches a worker in another JVM.
 */
@ExtendWith(RabbitMqBroker.class)
class CrossJvmTaskIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String REQUESTER = "requester";
  private final List<ChildJvm> children = new ArrayList<>();
  @TempDir Path logs;

  @AfterEach
  void stopChildren() {
    for (ChildJvm c : children) {
      try {
        c.tell("quit");
      } catch (java.io.IOException e) {
        // already gone
      }
    }
    for (ChildJvm c : children) {
      try {
        if (!c.process.waitFor(20, TimeUnit.SECONDS)) {
          c.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.process.destroyForcibly();
      }
    }
  }

  private ChildJvm launch(String... args) throws Exception {
    File log = logs.resolve("child-" + children.size() + ".log").toFile();
    ChildJvm c = ChildJvm.launch(List.of("-Xmx128m"), CrossJvmTaskAgent.class, List.of(args), log);
    children.add(c);
    return c;
  }

  private static void awaitLine(ChildJvm c, String prefix) {
    await("a line " + prefix).atMost(WAIT).until(() -> c.printed(prefix) || !c.process.isAlive());
    assertThat(c.printed(prefix)).as("printed %s; printed %s", prefix, c.lines).isTrue();
  }

  /** Registers everything a test on this channel creates in the broker for deletion. */
  private static String channel(TestBroker broker, String prefix, String... agents) {
    String channel = TestBroker.unique(prefix);
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter(AmqpBackend.DEAD_LETTER_EXCHANGE_PREFIX + channel);
    broker.deleteQueueAfter(AmqpBackend.DEAD_LETTER_QUEUE_PREFIX + channel);
    broker.deleteQueueAfter(AmqpTaskLogStore.streamFor(channel));
    for (DirectoryStore.Log log : DirectoryStore.Log.values()) {
      broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, log));
    }
    broker.deleteQueueAfter("reef." + channel + "." + REQUESTER);
    for (String agent : agents) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    return channel;
  }

  private static Reef requester(TestBroker broker, String channel) {
    return Reef.create(
        AmqpBackend.builder().uri(broker.uri()).build(),
        ReefOptions.custom().defaultChannel(channel).build());
  }

  @Test
  void aWatcherStartedAfterStepFiveReceivesStepsOneToTenInOrderThenTheResult(TestBroker broker)
      throws Exception {
    String channel = channel(broker, "xjvm-task-watch", "worker");
    ChildJvm worker = launch("worker", channel, "worker");
    awaitLine(worker, "READY");
    try (Reef reef = requester(broker, channel)) {
      TaskHandle task =
          reef.channel(channel)
              .tasks()
              .submit(
                  TaskRequest.toAgent(REQUESTER, "worker")
                      .input(Map.of("steps", 10, "pauseAfter", 5))
                      .build());
      awaitLine(worker, "PAUSED " + task.id());
      assertThat(worker.starting("STEP " + task.id())).hasSize(5);

      ChildJvm watcher = launch("watcher", channel, task.id());
      // The history: the five steps made before the watcher existed.
      await()
          .atMost(WAIT)
          .until(() -> progressLines(watcher).size() == 5 || !watcher.process.isAlive());
      worker.tell("continue");
      awaitLine(watcher, "DONE");

      List<String> progress = progressLines(watcher);
      assertThat(progress)
          .containsExactlyElementsOf(
              IntStream.rangeClosed(1, 10).mapToObj(i -> "step " + i).collect(Collectors.toList()));
      List<String> events = watcher.starting("EVENT ");
      assertThat(events.get(0)).startsWith("EVENT SUBMITTED 1 worker");
      assertThat(events.get(events.size() - 1)).startsWith("EVENT COMPLETED 1 worker");
      // Every progress line comes before the result.
      int lastProgress = -1;
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).startsWith("EVENT PROGRESS")) {
          lastProgress = i;
        }
      }
      assertThat(lastProgress).isLessThan(events.size() - 1);
      assertThat(watcher.starting("DONE")).singleElement().asString().startsWith("DONE COMPLETED");
      assertThat(watcher.starting("DONE").get(0)).contains("by=worker").contains("steps=10");
      Map<String, Object> result = task.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result).containsEntry("by", "worker");
      assertThat(((Number) result.get("steps")).intValue()).isEqualTo(10);
    }
  }

  private static List<String> progressLines(ChildJvm watcher) {
    return watcher.starting("EVENT PROGRESS").stream()
        .map(l -> l.substring(l.lastIndexOf("step ")))
        .collect(Collectors.toList());
  }

  @Test
  void aCapabilityTaskWhoseWorkerIsKilledCompletesOnASecondWorkerWithTheRetryInTheEvents(
      TestBroker broker) throws Exception {
    String channel = channel(broker, "xjvm-task-failover", "worker-a", "worker-b");
    ChildJvm a = launch("worker", channel, "worker-a", "crunch");
    ChildJvm b = launch("worker", channel, "worker-b", "crunch");
    awaitLine(a, "READY");
    awaitLine(b, "READY");
    try (Reef reef = requester(broker, channel)) {
      // The directory of this reef must see both workers live before choosing.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  reef.directory()
                          .discover(
                              channel,
                              dev.reef.directory.DirectoryQuery.capability("crunch").liveOnly())
                          .size()
                      == 2);
      List<TaskEvent> events = new CopyOnWriteArrayList<>();
      TaskHandle task =
          reef.channel(channel)
              .tasks()
              .submit(
                  TaskRequest.toCapability(REQUESTER, "crunch")
                      .input(Map.of("steps", 4, "pauseAfter", 2))
                      // Pluggable selection: the first candidate by name, i.e. worker-a first.
                      .selector((capability, candidates, stats) -> candidates.get(0))
                      .timeout(Duration.ofSeconds(20))
                      .retryPolicy(
                          TaskRetryPolicy.custom()
                              .maxAttempts(3)
                              .initialBackoff(Duration.ofMillis(100))
                              .build())
                      .build());
      task.watch(events::add);
      awaitLine(a, "PAUSED " + task.id());
      b.tell("continue"); // worker-b will not pause when it gets the retry
      long killedAt = System.nanoTime();
      a.process.destroyForcibly(); // SIGKILL: no goodbye, no result
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Map<String, Object> result = task.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertThat(result).containsEntry("by", "worker-b");
      assertThat(((Number) result.get("steps")).intValue()).isEqualTo(4);
      await()
          .atMost(WAIT)
          .until(() -> events.stream().anyMatch(e -> e.type() == TaskEventType.COMPLETED));
      TaskEvent retried =
          events.stream().filter(e -> e.type() == TaskEventType.RETRIED).findFirst().orElseThrow();
      assertThat(retried.attempt()).isEqualTo(2);
      assertThat(retried.agent()).isEqualTo("worker-b");
      assertThat(events)
          .filteredOn(e -> e.type() == TaskEventType.STARTED)
          .extracting(TaskEvent::agent)
          .containsExactly("worker-a", "worker-b");
      assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(task.status().attempt()).isEqualTo(2);
      assertThat(b.starting("STEP " + task.id())).hasSize(4);
      System.out.printf(
          "task failover after kill -9: result from worker-b %d ms after the kill (retry: %s)%n",
          failoverMs, retried.message());
    }
  }

  @Test
  void aCancelReachesAWorkerInAnotherJvmAndTheTaskEndsCanceled(TestBroker broker) throws Exception {
    String channel = channel(broker, "xjvm-task-cancel", "worker");
    ChildJvm worker = launch("worker", channel, "worker");
    awaitLine(worker, "READY");
    try (Reef reef = requester(broker, channel)) {
      TaskHandle task =
          reef.channel(channel)
              .tasks()
              .submit(
                  TaskRequest.toAgent(REQUESTER, "worker")
                      .input(Map.of("steps", 10, "pauseAfter", 3))
                      .build());
      awaitLine(worker, "PAUSED " + task.id());
      task.cancel().get(30, TimeUnit.SECONDS);
      awaitLine(worker, "SAW_CANCEL " + task.id());
      ExecutionException failed =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              () -> task.result().get(WAIT.toSeconds(), TimeUnit.SECONDS),
              ExecutionException.class);
      assertThat(failed.getCause()).isInstanceOf(TaskFailedException.class);
      assertThat(((TaskFailedException) failed.getCause()).state()).isEqualTo(TaskState.CANCELED);
      assertThat(task.state()).isEqualTo(TaskState.CANCELED);
      assertThat(reef.channel(channel).tasks().status(task.id()).state())
          .isEqualTo(TaskState.CANCELED);
      assertThat(worker.starting("STEP " + task.id())).hasSize(3);
    }
  }
}
