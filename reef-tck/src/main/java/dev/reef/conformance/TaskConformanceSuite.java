package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.directory.AgentCard;
import dev.reef.directory.DirectoryQuery;
import dev.reef.spi.ReefBackend;
import dev.reef.task.InvalidProgressException;
import dev.reef.task.TaskEvent;
import dev.reef.task.TaskEventType;
import dev.reef.task.TaskFailedException;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskRejectedException;
import dev.reef.task.TaskRequest;
import dev.reef.task.TaskRetryPolicy;
import dev.reef.task.TaskServing;
import dev.reef.task.TaskState;
import dev.reef.task.TaskStatus;
import dev.reef.task.Tasks;
import dev.reef.task.UnknownTaskException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of tasks ({@link Tasks}, docs/tasks.md) as tests every backend with a {@link
 * dev.reef.spi.TaskLogStore} must pass unchanged.
 *
 * <p>A backend module runs it by extending this class and implementing {@link #newBackend()}: a
 * new, unstarted backend on the test's shared transport (one hub, one broker), so that each reef
 * made from one acts as a separate process. Tests use unique channel names and close what they
 * create. Timing: waits are at most {@link #WAIT}; tests need no more than a few seconds each on an
 * idle machine.
 *
 * <p>Over 450 lines because, like {@link DirectoryConformanceSuite}, it is one class a backend
 * extends to run every task rule.
 *
 * <p>Why this file is long: a conformance suite is one abstract class so that a backend runs all of
 * its rules by subclassing it once; each test is one rule of docs/tasks.md.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class TaskConformanceSuite {
  /** The longest a test waits for something to happen. */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  private static final TaskRetryPolicy FAST_RETRIES =
      TaskRetryPolicy.custom()
          .maxAttempts(3)
          .initialBackoff(Duration.ofMillis(20))
          .jitter(0)
          .build();

  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private String testId;

  /**
   * A new, unstarted backend on the test's shared transport.
   *
   * @return the backend
   */
  protected abstract ReefBackend newBackend();

  @BeforeEach
  void newTestId() {
    testId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /**
   * A name unique to this test.
   *
   * @param prefix the prefix
   * @return the name
   */
  protected String unique(String prefix) {
    return prefix + "-" + testId;
  }

  /**
   * A reef on a new backend of the shared transport, as a new process; closed after the test.
   *
   * @return the reef
   */
  protected Reef reef() {
    return reef(newBackend());
  }

  private Reef reef(ReefBackend backend) {
    Reef reef = Reef.create(backend);
    closeables.add(reef);
    return reef;
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private static Map<String, Object> resultOf(TaskHandle h) throws Exception {
    return h.result().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static TaskFailedException failure(TaskHandle h) {
    try {
      h.result().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TaskFailedException.class);
      return (TaskFailedException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the task did not end", e);
    }
    throw new AssertionError("the task completed");
  }

  private List<TaskEvent> collect(Tasks tasks, String taskId) {
    List<TaskEvent> events = new CopyOnWriteArrayList<>();
    closeLater(tasks.watch(taskId, events::add));
    return events;
  }

  private static List<TaskEventType> types(List<TaskEvent> events) {
    return events.stream().map(TaskEvent::type).collect(Collectors.toList());
  }

  private static void awaitTerminal(List<TaskEvent> events) {
    await()
        .atMost(WAIT)
        .until(
            () -> !events.isEmpty() && events.get(events.size() - 1).status().state().isTerminal());
  }

  private void register(Reef reef, String channel, String agent, String capability) {
    closeLater(
        reef.directory()
            .register(channel, AgentCard.builder(agent).capabilities(capability).build()));
  }

  private static void awaitLive(Reef requester, String channel, String capability, int n) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                requester
                        .directory()
                        .discover(channel, DirectoryQuery.capability(capability).liveOnly())
                        .size()
                    == n);
  }

  // ---- submit, serve, result, events ----

  @Test
  void aTaskSentToAnAgentCompletesWithItsResultAndItsEventsInOrder() throws Exception {
    String ch = unique("tasks");
    Reef worker = reef();
    Reef requester = reef();
    closeLater(
        worker
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  for (int i = 1; i <= 3; i++) {
                    ctx.progress("step", i / 3.0, "step " + i);
                  }
                  return Map.of("sum", ((Number) ctx.input().get("a")).intValue() + 1);
                }));
    Tasks tasks = requester.channel(ch).tasks();
    TaskHandle h = tasks.submit("boss", "w", Map.of("a", 41));
    List<TaskEvent> events = collect(tasks, h.id());

    assertThat(resultOf(h)).isEqualTo(Map.of("sum", 42L));
    awaitTerminal(events);
    assertThat(types(events))
        .containsExactly(
            TaskEventType.SUBMITTED,
            TaskEventType.STARTED,
            TaskEventType.PROGRESS,
            TaskEventType.PROGRESS,
            TaskEventType.PROGRESS,
            TaskEventType.COMPLETED);
    assertThat(events.get(0).status().state()).isEqualTo(TaskState.SUBMITTED);
    assertThat(events.get(1).status().state()).isEqualTo(TaskState.WORKING);
    assertThat(events.get(3).status().progress()).isCloseTo(2 / 3.0, within());
    assertThat(events).allSatisfy(e -> assertThat(e.taskId()).isEqualTo(h.id()));
    TaskStatus done = h.status();
    assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(done.progress()).isEqualTo(1.0);
    assertThat(done.agent()).isEqualTo("w");
    assertThat(done.elapsed()).isPositive();
    assertThat(done.estimatedRemaining()).isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  @Test
  void aWatcherStartedAfterHalfTheStepsReceivesEveryEventInOrderThenTheResult() throws Exception {
    String ch = unique("tasks");
    CountDownLatch half = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  for (int i = 1; i <= 10; i++) {
                    ctx.progress("step", i / 10.0, "step " + i);
                    if (i == 5) {
                      half.countDown();
                      goOn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                  }
                  return Map.of("ok", true);
                }));
    TaskHandle h = reef().channel(ch).tasks().submit("boss", "w", Map.of());
    assertThat(half.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    Tasks late = reef().channel(ch).tasks(); // another process, started after step 5
    await().atMost(WAIT).until(() -> late.status(h.id()).progress() == 0.5);
    List<TaskEvent> events = collect(late, h.id());
    List<TaskEvent> published = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> completed = new CompletableFuture<>();
    late.events(h.id()).subscribe(subscriber(published, completed));
    goOn.countDown();

    assertThat(resultOf(h)).isEqualTo(Map.of("ok", true));
    awaitTerminal(events);
    completed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    for (List<TaskEvent> seen : List.of(events, published)) {
      List<Double> steps =
          seen.stream()
              .filter(e -> e.type() == TaskEventType.PROGRESS)
              .map(TaskEvent::progress)
              .collect(Collectors.toList());
      assertThat(steps).containsExactly(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
      assertThat(seen.get(0).type()).isEqualTo(TaskEventType.SUBMITTED);
      assertThat(seen.get(seen.size() - 1).type()).isEqualTo(TaskEventType.COMPLETED);
      assertThat(seen.get(seen.size() - 1).result()).isEqualTo(Map.of("ok", true));
    }
  }

  private static Flow.Subscriber<TaskEvent> subscriber(
      List<TaskEvent> into, CompletableFuture<Void> completed) {
    return new Flow.Subscriber<>() {
      private Flow.Subscription s;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        this.s = s;
        s.request(1);
      }

      @Override
      public void onNext(TaskEvent item) {
        into.add(item);
        s.request(1);
      }

      @Override
      public void onError(Throwable t) {
        completed.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        completed.complete(null);
      }
    };
  }

  @Test
  void theStatusOfAnUnknownTaskIsATypedError() {
    Tasks tasks = reef().channel(unique("tasks")).tasks();
    assertThatThrownBy(() -> tasks.status("no-such-task"))
        .isInstanceOf(UnknownTaskException.class)
        .hasMessageContaining("no-such-task");
    assertThat(tasks.cancel("no-such-task"))
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(UnknownTaskException.class);
  }

  @Test
  void anotherProcessQueriesTheStateOfATaskById() throws Exception {
    String ch = unique("tasks");
    closeLater(reef().channel(ch).tasks().serve("w", ctx -> Map.of("v", 1)));
    TaskHandle h = reef().channel(ch).tasks().submit("boss", "w", Map.of());
    resultOf(h);
    TaskStatus s = reef().channel(ch).tasks().status(h.id());
    assertThat(s.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(s.result()).isEqualTo(Map.of("v", 1L));
  }

  // ---- outcomes ----

  @Test
  void aWorkerExceptionFailsTheTaskWithItsMessage() {
    String ch = unique("tasks");
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  throw new IllegalStateException("disk full");
                }));
    TaskHandle h = reef().channel(ch).tasks().submit("boss", "w", Map.of());
    TaskFailedException f = failure(h);
    assertThat(f.state()).isEqualTo(TaskState.FAILED);
    assertThat(f.status().error()).isEqualTo("disk full");
  }

  @Test
  void aRefusalRejectsTheTaskAndIsNotRetried() {
    String ch = unique("tasks");
    AtomicInteger runs = new AtomicInteger();
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  runs.incrementAndGet();
                  throw new TaskRejectedException("not my job");
                }));
    TaskHandle h =
        reef()
            .channel(ch)
            .tasks()
            .submit(TaskRequest.toAgent("boss", "w").retryPolicy(FAST_RETRIES).build());
    TaskFailedException f = failure(h);
    assertThat(f.state()).isEqualTo(TaskState.REJECTED);
    assertThat(f.status().error()).isEqualTo("not my job");
    assertThat(runs).hasValue(1);
  }

  @Test
  void cancelReachesTheRunningWorkerAndTheTaskEndsCanceled() {
    String ch = unique("tasks");
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger sawCancel = new AtomicInteger();
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  started.countDown();
                  await().atMost(WAIT).until(ctx::isCancelled);
                  sawCancel.incrementAndGet();
                  return Map.of();
                }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h = tasks.submit("boss", "w", Map.of());
    await().atMost(WAIT).until(() -> h.state() == TaskState.WORKING);
    assertThat(h.cancel()).succeedsWithin(WAIT);
    TaskFailedException f = failure(h);
    assertThat(f.state()).isEqualTo(TaskState.CANCELED);
    assertThat(sawCancel).hasValue(1);
    assertThat(f.status().cancelRequested()).isTrue();
  }

  @Test
  void aTaskCanceledBeforeAnyWorkerStartedEndsAtOnceAndIsNeverRun() throws Exception {
    String ch = unique("tasks");
    Reef workerReef = reef();
    workerReef.channel(ch).declareMailbox("w");
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h = tasks.submit("boss", "w", Map.of());
    assertThat(h.cancel()).succeedsWithin(WAIT);
    assertThat(failure(h).state()).isEqualTo(TaskState.CANCELED);

    AtomicInteger runs = new AtomicInteger();
    TaskServing serving =
        closeLater(
            workerReef
                .channel(ch)
                .tasks()
                .serve(
                    "w",
                    ctx -> {
                      runs.incrementAndGet();
                      return Map.of();
                    }));
    await().atMost(WAIT).until(() -> serving.skipped() == 1);
    assertThat(runs).hasValue(0);
  }

  // ---- progress ----

  @Test
  void progressOutsideZeroToOneIsRejectedWithATypedError() throws Exception {
    String ch = unique("tasks");
    List<Class<?>> errors = new CopyOnWriteArrayList<>();
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
                    try {
                      ctx.progress("s", bad, null);
                    } catch (InvalidProgressException e) {
                      errors.add(e.getClass());
                    }
                  }
                  try {
                    ctx.componentProgress("c", 2, null);
                  } catch (InvalidProgressException e) {
                    errors.add(e.getClass());
                  }
                  return Map.of();
                }));
    TaskHandle h = reef().channel(ch).tasks().submit("boss", "w", Map.of());
    resultOf(h);
    assertThat(errors).hasSize(4);
    List<TaskEvent> events = collect(reef().channel(ch).tasks(), h.id());
    awaitTerminal(events);
    assertThat(types(events)).doesNotContain(TaskEventType.PROGRESS);
  }

  @Test
  void overallProgressIsTheMeanOfTheComponentsUnlessGivenExplicitly() throws Exception {
    String ch = unique("tasks");
    CountDownLatch checked = new CountDownLatch(2);
    CountDownLatch step = new CountDownLatch(1);
    CountDownLatch step2 = new CountDownLatch(1);
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  ctx.componentProgress("download", 0.5, "half");
                  ctx.componentProgress("parse", 1.0, "done");
                  ctx.warn("slow mirror");
                  step.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  ctx.progress("finishing", 0.9, null);
                  step2.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  return Map.of();
                }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h = tasks.submit("boss", "w", Map.of());
    await().atMost(WAIT).until(() -> h.status().warnings() == 1);
    TaskStatus s = h.status();
    assertThat(s.progress()).isCloseTo(0.75, within());
    assertThat(s.components()).containsOnlyKeys("download", "parse");
    assertThat(s.components().get("download").message()).isEqualTo("half");
    assertThat(s.message()).isEqualTo("slow mirror");
    assertThat(s.estimatedRemaining()).isPresent();
    checked.countDown();
    step.countDown();
    await().atMost(WAIT).until(() -> h.status().progress() == 0.9);
    assertThat(h.status().stage()).isEqualTo("finishing");
    step2.countDown();
    resultOf(h);
  }

  // ---- bad input from the log ----

  @Test
  void recordsForAFinishedTaskAreIgnoredAndCounted() throws Exception {
    String ch = unique("tasks");
    closeLater(reef().channel(ch).tasks().serve("w", ctx -> Map.of("v", 1)));
    ReefBackend backend = newBackend();
    Tasks tasks = reef(backend).channel(ch).tasks();
    TaskHandle h = tasks.submit("boss", "w", Map.of());
    resultOf(h);
    long before = tasks.ignoredRecords();
    String late =
        "{\"v\":1,\"task_id\":\""
            + h.id()
            + "\",\"event\":\"progress\",\"attempt\":1,\"agent\":\"w\",\"at\":\""
            + Instant.now()
            + "\",\"progress\":0.2}";
    backend.taskLogStore().append(ch, late.getBytes(StandardCharsets.UTF_8)).get();
    await().atMost(WAIT).until(() -> tasks.ignoredRecords() == before + 1);
    assertThat(tasks.status(h.id()).state()).isEqualTo(TaskState.COMPLETED);
    assertThat(tasks.status(h.id()).progress()).isEqualTo(1.0);
  }

  @Test
  void aMalformedForeignRecordIsCountedNotThrownAndTheLogGoesOn() throws Exception {
    String ch = unique("tasks");
    ReefBackend backend = newBackend();
    Tasks tasks = reef(backend).channel(ch).tasks();
    assertThatThrownBy(() -> tasks.status("x")).isInstanceOf(UnknownTaskException.class);
    long before = tasks.malformedRecords();
    for (String bad :
        List.of(
            "not json",
            "[1,2]",
            "{\"v\":1,\"task_id\":\"t1\",\"event\":\"progress\",\"attempt\":1,\"at\":\""
                + Instant.now()
                + "\",\"progress\":1.5}",
            "{\"v\":1,\"task_id\":\"t1\",\"event\":\"exploded\",\"attempt\":1,\"at\":\""
                + Instant.now()
                + "\"}",
            "{\"v\":99,\"task_id\":\"t1\",\"event\":\"started\",\"attempt\":1}")) {
      backend.taskLogStore().append(ch, bad.getBytes(StandardCharsets.UTF_8)).get();
    }
    await().atMost(WAIT).until(() -> tasks.malformedRecords() == before + 5);
    closeLater(reef().channel(ch).tasks().serve("w", ctx -> Map.of("v", 2)));
    assertThat(resultOf(tasks.submit("boss", "w", Map.of()))).isEqualTo(Map.of("v", 2L));
  }

  @Test
  void aMalformedTaskRequestIsSettledWithoutRunningAndCounted() throws Exception {
    String ch = unique("tasks");
    Reef workerReef = reef();
    AtomicInteger runs = new AtomicInteger();
    Tasks served = workerReef.channel(ch).tasks();
    closeLater(
        served.serve(
            "w",
            ctx -> {
              runs.incrementAndGet();
              return Map.of();
            }));
    long before = served.malformedRecords();
    reef()
        .channel(ch)
        .send("boss", "w", Map.of("reef_task", Map.of("attempt", 1, "input", Map.of())))
        .get();
    await().atMost(WAIT).until(() -> served.malformedRecords() == before + 1);
    assertThat(resultOf(reef().channel(ch).tasks().submit("boss", "w", Map.of()))).isEmpty();
    assertThat(runs).hasValue(1);
  }

  // ---- retries, timeouts, failover ----

  @Test
  void aFailedAttemptIsRetriedAndEachRetryIsAnEvent() throws Exception {
    String ch = unique("tasks");
    AtomicInteger runs = new AtomicInteger();
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  if (runs.incrementAndGet() < 3) {
                    throw new IllegalStateException("flaky " + ctx.attempt());
                  }
                  return Map.of("attempt", ctx.attempt());
                }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h = tasks.submit(TaskRequest.toAgent("boss", "w").retryPolicy(FAST_RETRIES).build());
    assertThat(resultOf(h)).isEqualTo(Map.of("attempt", 3L));
    List<TaskEvent> events = collect(tasks, h.id());
    awaitTerminal(events);
    List<TaskEvent> retries =
        events.stream().filter(e -> e.type() == TaskEventType.RETRIED).collect(Collectors.toList());
    assertThat(retries).extracting(TaskEvent::attempt).containsExactly(2, 3);
    assertThat(retries).extracting(TaskEvent::reason).containsOnly("error");
    assertThat(retries.get(0).message()).isEqualTo("flaky 1");
    assertThat(events.stream().filter(e -> e.type() == TaskEventType.FAILED))
        .allSatisfy(e -> assertThat(e.isFinal()).isFalse());
    assertThat(tasks.statistics().agent("w").retried()).isEqualTo(2);
    assertThat(tasks.statistics().agent("w").failed()).isEqualTo(2);
    assertThat(tasks.statistics().agent("w").completed()).isEqualTo(1);
  }

  @Test
  void whenTheAttemptsRunOutTheTaskFails() {
    String ch = unique("tasks");
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  throw new IllegalStateException("always");
                }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h =
        tasks.submit(
            TaskRequest.toAgent("boss", "w")
                .retryPolicy(TaskRetryPolicy.from(FAST_RETRIES).maxAttempts(2).build())
                .build());
    TaskFailedException f = failure(h);
    assertThat(f.state()).isEqualTo(TaskState.FAILED);
    assertThat(f.status().attempt()).isEqualTo(2);
  }

  @Test
  void anAttemptThatOutlivesItsTimeoutFailsTheTask() {
    String ch = unique("tasks");
    CountDownLatch never = new CountDownLatch(1);
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  await().atMost(WAIT).until(ctx::isCancelled);
                  return Map.of();
                }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h =
        tasks.submit(TaskRequest.toAgent("boss", "w").timeout(Duration.ofMillis(300)).build());
    List<TaskEvent> events = collect(tasks, h.id());
    TaskFailedException f = failure(h);
    never.countDown();
    assertThat(f.state()).isEqualTo(TaskState.FAILED);
    assertThat(f.status().error()).contains("timed out");
    awaitTerminal(events);
    assertThat(events.get(events.size() - 1).reason()).isEqualTo("timeout");
  }

  @Test
  void aLateResultOfATimedOutAttemptCompletesTheTaskAndTheRetryIsNotRun() throws Exception {
    String ch = unique("tasks");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    TaskServing serving =
        closeLater(
            reef()
                .channel(ch)
                .tasks()
                .serve(
                    "w",
                    ctx -> {
                      runs.incrementAndGet();
                      release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                      return Map.of("attempt", ctx.attempt());
                    }));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h =
        tasks.submit(
            TaskRequest.toAgent("boss", "w")
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(TaskRetryPolicy.from(FAST_RETRIES).maxAttempts(2).build())
                .build());
    // Released as soon as the retry is in the log: attempt 2 has a whole timeout to spare.
    closeLater(
        tasks.watch(
            h.id(),
            e -> {
              if (e.type() == TaskEventType.RETRIED) {
                release.countDown();
              }
            }));
    assertThat(resultOf(h)).isEqualTo(Map.of("attempt", 1L));
    await().atMost(WAIT).until(() -> serving.skipped() == 1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aWorkerNeverRunsAnIdempotencyKeyTwiceAndRejectsTheDuplicateNamingTheTaskThatRan()
      throws Exception {
    String ch = unique("tasks");
    AtomicInteger runs = new AtomicInteger();
    TaskServing serving =
        closeLater(
            reef().channel(ch).tasks().serve("w", ctx -> Map.of("run", runs.incrementAndGet())));
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle first =
        tasks.submit(TaskRequest.toAgent("boss", "w").idempotencyKey("order-17").build());
    assertThat(resultOf(first)).isEqualTo(Map.of("run", 1L));
    TaskHandle again =
        tasks.submit(TaskRequest.toAgent("boss", "w").idempotencyKey("order-17").build());
    TaskFailedException f = failure(again);
    assertThat(f.state()).isEqualTo(TaskState.REJECTED);
    assertThat(f.status().error()).contains("order-17").contains(first.id());
    assertThat(runs).hasValue(1);
    assertThat(serving.skipped()).isEqualTo(1);
  }

  @Test
  void aCapabilityTaskFailsOverToAnotherLiveAgentExcludingTheFailedOne() throws Exception {
    String ch = unique("tasks");
    Reef workers = reef();
    AtomicInteger aRuns = new AtomicInteger();
    closeLater(
        workers
            .channel(ch)
            .tasks()
            .serve(
                "a",
                ctx -> {
                  aRuns.incrementAndGet();
                  throw new IllegalStateException("a is broken");
                }));
    closeLater(workers.channel(ch).tasks().serve("b", ctx -> Map.of("by", ctx.agent())));
    register(workers, ch, "a", "summarize");
    register(workers, ch, "b", "summarize");
    Reef requester = reef();
    awaitLive(requester, ch, "summarize", 2);
    List<List<String>> offered = new CopyOnWriteArrayList<>();
    Tasks tasks = requester.channel(ch).tasks();
    TaskHandle h =
        tasks.submit(
            TaskRequest.toCapability("boss", "summarize")
                .retryPolicy(FAST_RETRIES)
                .selector(
                    (capability, candidates, stats) -> {
                      offered.add(candidates);
                      return candidates.get(0);
                    })
                .build());
    assertThat(resultOf(h)).isEqualTo(Map.of("by", "b"));
    assertThat(offered).containsExactly(List.of("a", "b"), List.of("b"));
    assertThat(aRuns).hasValue(1);
    List<TaskEvent> events = collect(tasks, h.id());
    awaitTerminal(events);
    TaskEvent retried =
        events.stream().filter(e -> e.type() == TaskEventType.RETRIED).findFirst().orElseThrow();
    assertThat(retried.agent()).isEqualTo("b");
    assertThat(retried.attempt()).isEqualTo(2);
    assertThat(h.status().capability()).isEqualTo("summarize");
    assertThat(tasks.statistics().capability("summarize").completed()).isEqualTo(1);
    assertThat(tasks.statistics().capability("summarize").retried()).isEqualTo(1);
    assertThat(tasks.statistics().agent("a").successRate()).isEqualTo(0.0);
  }

  @Test
  void theDefaultSelectorPrefersTheAgentWithTheBetterMovingAverages() throws Exception {
    String ch = unique("tasks");
    Reef workers = reef();
    closeLater(
        workers
            .channel(ch)
            .tasks()
            .serve(
                "a",
                ctx -> {
                  throw new IllegalStateException("a fails");
                }));
    closeLater(workers.channel(ch).tasks().serve("b", ctx -> Map.of("by", "b")));
    register(workers, ch, "a", "cap");
    register(workers, ch, "b", "cap");
    Reef requester = reef();
    awaitLive(requester, ch, "cap", 2);
    Tasks tasks = requester.channel(ch).tasks();
    // The first goes to a (untried agents tie; a has fewer attempts... both 0: by name), fails
    // over to b; afterwards a's success average is 0 and b's 1: b is chosen first.
    for (int i = 0; i < 3; i++) {
      TaskHandle h =
          tasks.submit(TaskRequest.toCapability("boss", "cap").retryPolicy(FAST_RETRIES).build());
      assertThat(resultOf(h)).isEqualTo(Map.of("by", "b"));
    }
    assertThat(tasks.statistics().agent("a").submitted()).isEqualTo(1);
    assertThat(tasks.statistics().agent("b").submitted()).isEqualTo(3);
    assertThat(tasks.statistics().agent("b").successEwma()).isEqualTo(1.0);
    assertThat(tasks.statistics().agent("b").p50()).isNotNull();
  }

  @Test
  void aCapabilityWithoutLiveAgentsFailsTheTaskWithReasonNoAgent() {
    String ch = unique("tasks");
    Tasks tasks = reef().channel(ch).tasks();
    TaskHandle h = tasks.submit(TaskRequest.toCapability("boss", "nobody-has-it").build());
    TaskFailedException f = failure(h);
    assertThat(f.state()).isEqualTo(TaskState.FAILED);
    assertThat(f.status().error()).contains("no live agent with capability 'nobody-has-it'");
  }

  @Test
  void aTerminatedAgentsAttemptIsRetriedOnAnotherAgent() throws Exception {
    String ch = unique("tasks");
    Reef workers = reef();
    CountDownLatch aStarted = new CountDownLatch(1);
    closeLater(
        workers
            .channel(ch)
            .tasks()
            .serve(
                "a",
                ctx -> {
                  aStarted.countDown();
                  await().atMost(WAIT).until(ctx::isCancelled);
                  return Map.of("by", "a");
                }));
    closeLater(workers.channel(ch).tasks().serve("b", ctx -> Map.of("by", "b")));
    register(workers, ch, "a", "cap");
    register(workers, ch, "b", "cap");
    Reef requester = reef();
    awaitLive(requester, ch, "cap", 2);
    Tasks tasks = requester.channel(ch).tasks();
    TaskHandle h =
        tasks.submit(
            TaskRequest.toCapability("boss", "cap")
                .retryPolicy(FAST_RETRIES)
                .selector((c, candidates, s) -> candidates.get(0))
                .build());
    assertThat(aStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    requester.directory().terminate(ch, "a");
    assertThat(resultOf(h)).isEqualTo(Map.of("by", "b"));
    List<TaskEvent> events = collect(tasks, h.id());
    awaitTerminal(events);
    assertThat(events)
        .filteredOn(e -> e.type() == TaskEventType.RETRIED)
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("terminated"));
  }

  @Test
  void higherPriorityTasksAreServedFirst() throws Exception {
    String ch = unique("tasks");
    Reef workerReef = reef();
    workerReef.channel(ch).declareMailbox("w");
    Tasks tasks = reef().channel(ch).tasks();
    List<TaskHandle> handles = new ArrayList<>();
    for (int p : new int[] {2, 9, 5}) {
      handles.add(
          tasks.submit(TaskRequest.toAgent("boss", "w").priority(p).input(Map.of("p", p)).build()));
    }
    List<Integer> order = new CopyOnWriteArrayList<>();
    closeLater(
        workerReef
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  order.add(((Number) ctx.input().get("p")).intValue());
                  return Map.of();
                }));
    for (TaskHandle h : handles) {
      resultOf(h);
    }
    assertThat(order).containsExactly(9, 5, 2);
  }

  @Test
  void workersOfOneAgentInTwoProcessesCompeteAndEachTaskRunsOnce() throws Exception {
    String ch = unique("tasks");
    AtomicInteger runs = new AtomicInteger();
    List<String> runners = new CopyOnWriteArrayList<>();
    for (String name : List.of("p1", "p2")) {
      closeLater(
          reef()
              .channel(ch)
              .tasks()
              .serve(
                  "w",
                  ctx -> {
                    runs.incrementAndGet();
                    runners.add(name);
                    return Map.of("by", name);
                  }));
    }
    Tasks tasks = reef().channel(ch).tasks();
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      handles.add(tasks.submit("boss", "w", Map.of("i", i)));
    }
    for (TaskHandle h : handles) {
      assertThat(resultOf(h).get("by")).isIn("p1", "p2");
    }
    assertThat(runs).hasValue(8);
    assertThat(runners).hasSize(8);
  }

  @Test
  void anAgentWhoseRegistrationLeftIsNotChosen() throws Exception {
    String ch = unique("tasks");
    Reef workers = reef();
    closeLater(workers.channel(ch).tasks().serve("a", ctx -> Map.of("by", "a")));
    closeLater(workers.channel(ch).tasks().serve("b", ctx -> Map.of("by", "b")));
    AutoCloseable a =
        workers.directory().register(ch, AgentCard.builder("a").capabilities("cap").build());
    register(workers, ch, "b", "cap");
    Reef requester = reef();
    awaitLive(requester, ch, "cap", 2);
    a.close();
    awaitLive(requester, ch, "cap", 1);
    for (int i = 0; i < 3; i++) {
      TaskHandle h =
          requester
              .channel(ch)
              .tasks()
              .submit(
                  TaskRequest.toCapability("boss", "cap")
                      .selector((c, candidates, st) -> candidates.get(0))
                      .build());
      assertThat(resultOf(h)).isEqualTo(Map.of("by", "b"));
    }
  }

  @Test
  void closingTheReefFailsTheResultsOfTasksStillWaiting() {
    String ch = unique("tasks");
    reef().channel(ch).declareMailbox("nobody-serves");
    Reef requester = reef();
    TaskHandle h = requester.channel(ch).tasks().submit("boss", "nobody-serves", Map.of());
    requester.close();
    assertThat(h.result())
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(dev.reef.ReefClosedException.class);
    assertThatThrownBy(() -> requester.channel(ch).tasks())
        .isInstanceOf(dev.reef.ReefClosedException.class);
  }

  @Test
  void recentListsTheChannelsTasksNewestFirstWithStateAndProgress() throws Exception {
    String ch = unique("tasks");
    CountDownLatch goOn = new CountDownLatch(1);
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  if (ctx.input().containsKey("hold")) {
                    ctx.componentProgress("fetch", 1.0, "fetched");
                    ctx.componentProgress("parse", 0.5, "parsing");
                    goOn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  }
                  return Map.of("ok", true);
                }));
    Tasks requester = reef().channel(ch).tasks();
    TaskHandle done = requester.submit("boss", "w", Map.of());
    resultOf(done);
    TaskHandle running = requester.submit("boss", "w", Map.of("hold", true));
    await().atMost(WAIT).until(() -> requester.status(running.id()).progress() == 0.75);

    for (Tasks view : List.of(requester, reef().channel(ch).tasks())) { // and another process
      List<TaskStatus> recent = view.recent(10);
      assertThat(recent).extracting(TaskStatus::taskId).containsExactly(running.id(), done.id());
      TaskStatus first = recent.get(0);
      assertThat(first.state()).isEqualTo(TaskState.WORKING);
      assertThat(first.progress()).isEqualTo(0.75, within());
      assertThat(first.components()).containsOnlyKeys("fetch", "parse");
      assertThat(first.components().get("parse").progress()).isEqualTo(0.5, within());
      assertThat(first.agent()).isEqualTo("w");
      assertThat(recent.get(1).state()).isEqualTo(TaskState.COMPLETED);
      assertThat(recent.get(1).progress()).isEqualTo(1.0, within());
      assertThat(view.recent(1)).extracting(TaskStatus::taskId).containsExactly(running.id());
    }
    assertThatThrownBy(() -> requester.recent(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> requester.recent(Tasks.MAX_RECENT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    goOn.countDown();
    assertThat(resultOf(running)).isEqualTo(Map.of("ok", true));
    await().atMost(WAIT).until(() -> requester.recent(1).get(0).state() == TaskState.COMPLETED);
  }

  @Test
  void watchAllSeesTheEventsOfTasksSubmittedBeforeAndAfterItStarted() throws Exception {
    String ch = unique("tasks");
    closeLater(
        reef()
            .channel(ch)
            .tasks()
            .serve(
                "w",
                ctx -> {
                  ctx.progress("work", 0.5, "half");
                  return Map.of("n", ctx.input().get("n"));
                }));
    Tasks requester = reef().channel(ch).tasks();
    TaskHandle before = requester.submit("boss", "w", Map.of("n", 1));
    resultOf(before);

    List<TaskEvent> sameReef = new CopyOnWriteArrayList<>();
    closeLater(requester.watchAll(sameReef::add)); // history kept by the requester's reef
    List<TaskEvent> otherReef = new CopyOnWriteArrayList<>();
    closeLater(reef().channel(ch).tasks().watchAll(otherReef::add)); // reads the log
    TaskHandle after = requester.submit("boss", "w", Map.of("n", 2));
    resultOf(after);

    for (List<TaskEvent> seen : List.of(sameReef, otherReef)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(seen)
                      .filteredOn(e -> e.type() == TaskEventType.COMPLETED)
                      .extracting(TaskEvent::taskId)
                      .containsExactly(before.id(), after.id()));
      for (TaskHandle h : List.of(before, after)) {
        assertThat(seen)
            .filteredOn(e -> e.taskId().equals(h.id()))
            .extracting(TaskEvent::type)
            .containsExactly(
                TaskEventType.SUBMITTED,
                TaskEventType.STARTED,
                TaskEventType.PROGRESS,
                TaskEventType.COMPLETED);
      }
      TaskEvent progress =
          seen.stream().filter(e -> e.type() == TaskEventType.PROGRESS).findFirst().orElseThrow();
      assertThat(progress.status().progress()).isEqualTo(0.5, within());
    }
    AutoCloseable stopped = requester.watchAll(e -> {});
    stopped.close();
    stopped.close(); // idempotent
  }
}
