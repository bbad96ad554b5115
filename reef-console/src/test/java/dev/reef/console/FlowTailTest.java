package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlowTailTest {
  private static FlowRow row(String from, int n) {
    return new FlowRow(0, n, "id-" + n, "knowledge", from, "sink", 5, 10, n, "{}");
  }

  @Test
  void aDrainSendsTheNewestRowsCountsTheRestAndEverySenderRate() {
    FlowTail tail = new FlowTail(100);
    for (int i = 1; i <= 30; i++) {
      tail.add(row(i % 3 == 0 ? "a" : "b", i));
    }
    FlowTail.Batch batch = tail.drain(10);
    assertThat(batch.rows()).extracting(FlowRow::id).first().isEqualTo("id-21");
    assertThat(batch.rows()).extracting(FlowRow::id).last().isEqualTo("id-30");
    assertThat(batch.rows()).extracting(FlowRow::seq).isSorted();
    assertThat(batch.skipped()).isEqualTo(20);
    assertThat(batch.rates()).containsEntry("a", 10).containsEntry("b", 20);
    assertThat(batch.seen()).isEqualTo(30);

    FlowTail.Batch empty = tail.drain(10);
    assertThat(empty.rows()).isEmpty();
    assertThat(empty.skipped()).isZero();
    assertThat(empty.rates()).isEmpty();
  }

  @Test
  void theRingKeepsOnlyItsCapacityAndSkipsWhatWasOverwritten() {
    FlowTail tail = new FlowTail(5);
    for (int i = 1; i <= 12; i++) {
      tail.add(row("a", i));
    }
    assertThat(tail.recent(100))
        .extracting(FlowRow::id)
        .containsExactly("id-8", "id-9", "id-10", "id-11", "id-12");
    FlowTail.Batch batch = tail.drain(100);
    assertThat(batch.rows()).hasSize(5);
    assertThat(batch.skipped()).isEqualTo(7);
    assertThat(batch.rates()).containsEntry("a", 12);
  }

  @Test
  void sendersBeyondTheLimitAreSummedTogether() {
    FlowTail tail = new FlowTail(10);
    for (int i = 0; i < FlowTail.MAX_RATE_AGENTS + 5; i++) {
      tail.add(row("agent-" + i, i));
    }
    FlowTail.Batch batch = tail.drain(1);
    assertThat(batch.rates()).hasSize(FlowTail.MAX_RATE_AGENTS + 1);
    assertThat(batch.rates()).containsEntry(FlowTail.OTHERS, 5);
  }

  @Test
  void aTailNeedsRoom() {
    assertThatThrownBy(() -> new FlowTail(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textsAreTruncatedAndUrisLoseTheirCredentials() {
    assertThat(Texts.truncate("abcdef", 4)).isEqualTo("abc\u2026");
    assertThat(Texts.truncate("abc", 4)).isEqualTo("abc");
    assertThat(Texts.displayUri("amqp://bob:s3cret@rabbit:5672/%2F?heartbeat=5"))
        .isEqualTo("amqp://rabbit:5672/%2F");
    assertThat(Texts.displayUri(null)).isEqualTo("in-memory");
  }
}
