package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsRecorderTest {
  @Test
  void countsPerChannelAgentAndEventAndSnapshotsThem() {
    StatsRecorder recorder = new StatsRecorder();

    recorder.count(SporeEvent.SENT, "main", "alice");
    recorder.count(SporeEvent.SENT, "main", "alice");
    recorder.onEvent(SporeEvent.DELIVERED, "main", "bob", null, null);
    recorder.onEvent(SporeEvent.MALFORMED, "ops", null, null, new IllegalStateException("x"));
    ReefStats stats = recorder.snapshot(3);
    recorder.count(SporeEvent.SENT, "main", "alice");

    assertThat(stats.agent("main", "alice", SporeEvent.SENT)).isEqualTo(2);
    assertThat(stats.agent("main", "bob", SporeEvent.DELIVERED)).isEqualTo(1);
    assertThat(stats.agent("ops", "?", SporeEvent.MALFORMED)).as("unknown agent").isEqualTo(1);
    assertThat(stats.channel("main", SporeEvent.SENT)).isEqualTo(2);
    assertThat(stats.total(SporeEvent.DELIVERED)).isEqualTo(1);
    assertThat(stats.channels()).containsExactly("main", "ops");
    assertThat(stats.agents("main")).containsExactly("alice", "bob");
    assertThat(stats.pendingAsks()).isEqualTo(3);
    assertThat(recorder.snapshot(0).agent("main", "alice", SporeEvent.SENT)).isEqualTo(3);
  }
}
