package dev.reef.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EwmaWorkerSelectorTest {

  @Test
  void prefersHigherSuccessThenLowerLatencyAndTriesNewAgents() {
    TaskStatsRecorder stats = new TaskStatsRecorder();
    stats.attemptSent("flaky");
    stats.attemptOutcome("flaky", false, 10);
    stats.attemptSent("slow");
    stats.attemptOutcome("slow", true, 900);
    stats.attemptSent("fast");
    stats.attemptOutcome("fast", true, 100);
    WorkerSelector s = WorkerSelector.ewma();
    assertThat(s.select("c", List.of("fast", "flaky", "slow"), stats.snapshot())).isEqualTo("fast");
    assertThat(s.select("c", List.of("flaky", "slow"), stats.snapshot())).isEqualTo("slow");
    // A new agent scores as a perfect one of average latency: better than the slow one.
    assertThat(s.select("c", List.of("new", "slow"), stats.snapshot())).isEqualTo("new");
  }

  @Test
  void theMovingAverageForgetsOldFailuresAndPercentilesComeFromTheLatencies() {
    TaskStatsRecorder stats = new TaskStatsRecorder();
    stats.attemptOutcome("a", false, 0);
    for (int i = 1; i <= 10; i++) {
      stats.attemptOutcome("a", true, i * 10L);
    }
    TaskCounters c = stats.snapshot().agent("a");
    assertThat(c.successEwma()).isGreaterThan(0.95);
    assertThat(c.successRate()).isCloseTo(10 / 11.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(c.p50().toMillis()).isEqualTo(50);
    assertThat(c.p90().toMillis()).isEqualTo(90);
    assertThat(c.p99().toMillis()).isEqualTo(100);
    assertThat(c.completed()).isEqualTo(10);
    assertThat(c.failed()).isEqualTo(1);
  }
}
