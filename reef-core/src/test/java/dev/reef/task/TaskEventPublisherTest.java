package dev.reef.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.SporeValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class TaskEventPublisherTest {

  private static Flow.Subscriber<TaskEvent> subscriber(
      long first, List<TaskEvent> into, CompletableFuture<Void> end) {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(first);
      }

      @Override
      public void onNext(TaskEvent item) {
        into.add(item);
      }

      @Override
      public void onError(Throwable t) {
        end.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        end.complete(null);
      }
    };
  }

  @Test
  void deliversOnlyWhatIsRequestedAndCompletesAfterTheTerminalEvent() throws Exception {
    try (Reef reef = Reef.inMemory()) {
      Tasks tasks = reef.tasks();
      tasks.serve("w", ctx -> Map.of("ok", true));
      TaskHandle h = tasks.submit("boss", "w", Map.of());
      h.result().get();
      List<TaskEvent> two = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> twoEnd = new CompletableFuture<>();
      h.events().subscribe(subscriber(2, two, twoEnd));
      List<TaskEvent> all = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> allEnd = new CompletableFuture<>();
      h.events().subscribe(subscriber(Long.MAX_VALUE, all, allEnd));
      allEnd.get();
      assertThat(all)
          .extracting(TaskEvent::type)
          .containsExactly(TaskEventType.SUBMITTED, TaskEventType.STARTED, TaskEventType.COMPLETED);
      await().atMost(Duration.ofSeconds(5)).until(() -> two.size() == 2);
      assertThat(twoEnd).isNotDone();
    }
  }

  @Test
  void aNonPositiveRequestIsAnError() {
    try (Reef reef = Reef.inMemory()) {
      Tasks tasks = reef.tasks();
      tasks.serve("w", ctx -> Map.of());
      TaskHandle h = tasks.submit("boss", "w", Map.of());
      CompletableFuture<Void> end = new CompletableFuture<>();
      h.events().subscribe(subscriber(0, new CopyOnWriteArrayList<>(), end));
      assertThat(end)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .withCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void badRequestsAreRefusedByTheBuilder() {
    assertThatThrownBy(() -> TaskRequest.toAgent("boss", "bad name"))
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> TaskRequest.toCapability("boss", " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskRequest.toAgent("boss", "w").priority(11))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskRequest.toAgent("boss", "w").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    TaskRequest r = TaskRequest.toAgent("boss", "w").build();
    assertThat(r.idempotencyKey()).isEqualTo(r.taskId());
    assertThat(r.retryPolicy().maxAttempts()).isEqualTo(1);
    assertThat(r.priority()).isEqualTo(5);
  }

  @Test
  void aBackendWithoutATaskLogSaysSo() {
    assertThatThrownBy(() -> dev.reef.spi.TaskLogStore.UNSUPPORTED.follow("c", r -> {}))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("task log");
  }
}
