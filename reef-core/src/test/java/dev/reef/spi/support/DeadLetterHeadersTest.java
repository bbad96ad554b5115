package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spi.DeadLetterReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void addsTheDeadLetterHeadersToACopyOfTheOriginal() {
    Map<String, Object> original = Map.of("from_agent", "alice", "x-reef-attempts", 2);

    Map<String, Object> h =
        DeadLetterHeaders.of(
            original,
            DeadLetterReason.HANDLER_FAILED,
            "java.lang.IllegalStateException: boom",
            3,
            "c",
            "reef.c.bob",
            "reef.c",
            "agent.bob.knowledge");

    assertThat(h)
        .containsEntry("from_agent", "alice")
        .containsEntry("x-reef-dead-reason", "handler_failed")
        .containsEntry("x-reef-error", "java.lang.IllegalStateException: boom")
        .containsEntry("x-reef-attempts", 3)
        .containsEntry("x-reef-channel", "c")
        .containsEntry("x-reef-queue", "reef.c.bob")
        .containsEntry("x-reef-exchange", "reef.c")
        .containsEntry("x-reef-routing-key", "agent.bob.knowledge");
    assertThat(original).containsEntry("x-reef-attempts", 2);
  }

  @Test
  void noErrorIsEmptyNoQueueIsLeftOutAndLongErrorsAreBounded() {
    Map<String, Object> none =
        DeadLetterHeaders.of(null, DeadLetterReason.EXPIRED, null, 0, "c", null, "reef.c", "rk");
    assertThat(none).containsEntry("x-reef-error", "").doesNotContainKey("x-reef-queue");

    Map<String, Object> big =
        DeadLetterHeaders.of(
            null, DeadLetterReason.MALFORMED, "x".repeat(10_000), 1, "c", "q", "reef.c", "rk");
    assertThat((String) big.get("x-reef-error"))
        .hasSize(DeadLetterHeaders.MAX_ERROR_CHARS)
        .endsWith("...");
  }

  @Test
  void aRetryCopyKeepsTheFirstRouteAndItsDeadLetterCarriesIt() {
    Map<String, Object> first =
        DeadLetterHeaders.retry(Map.of("from_agent", "alice"), 2, "reef.c", "agent.bob.request");
    Map<String, Object> second = DeadLetterHeaders.retry(first, 3, "", "reef.c.bob");
    assertThat(second)
        .containsEntry("x-reef-attempts", 3)
        .containsEntry("x-reef-original-exchange", "reef.c")
        .containsEntry("x-reef-original-routing-key", "agent.bob.request");

    Map<String, Object> dead =
        DeadLetterHeaders.of(
            second, DeadLetterReason.HANDLER_FAILED, "e", 3, "c", "reef.c.bob", "", "reef.c.bob");

    assertThat(dead)
        .containsEntry("x-reef-exchange", "reef.c")
        .containsEntry("x-reef-routing-key", "agent.bob.request")
        .doesNotContainKeys("x-reef-original-exchange", "x-reef-original-routing-key");
    assertThat(DeadLetterHeaders.replayed(dead))
        .containsOnlyKeys("from_agent")
        .containsEntry("from_agent", "alice");
  }
}
