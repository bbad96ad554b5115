package dev.reef.task;

import java.util.Comparator;
import java.util.List;

/** {@link WorkerSelector#ewma()}. */
final class EwmaWorkerSelector implements WorkerSelector {
  static final EwmaWorkerSelector INSTANCE = new EwmaWorkerSelector();

  /** How much latency weighs against success, per unit of the largest latency. */
  static final double LATENCY_WEIGHT = 0.5;

  private EwmaWorkerSelector() {}

  @Override
  public String select(String capability, List<String> candidates, TaskStatistics statistics) {
    double maxLatency = 0;
    double sum = 0;
    int known = 0;
    for (String a : candidates) {
      TaskCounters c = statistics.agent(a);
      if (c != null && !Double.isNaN(c.latencyEwmaMillis())) {
        maxLatency = Math.max(maxLatency, c.latencyEwmaMillis());
        sum += c.latencyEwmaMillis();
        known++;
      }
    }
    double meanLatency = known == 0 ? 0 : sum / known;
    double max = maxLatency;
    Comparator<String> byScore =
        Comparator.comparingDouble((String a) -> score(statistics.agent(a), meanLatency, max))
            .reversed()
            .thenComparingLong(a -> attempts(statistics.agent(a)))
            .thenComparing(Comparator.naturalOrder());
    return candidates.stream().min(byScore).orElseThrow();
  }

  private static double score(TaskCounters c, double meanLatency, double maxLatency) {
    double success = c == null || Double.isNaN(c.successEwma()) ? 1.0 : c.successEwma();
    double latency =
        c == null || Double.isNaN(c.latencyEwmaMillis()) ? meanLatency : c.latencyEwmaMillis();
    return success - (maxLatency <= 0 ? 0 : LATENCY_WEIGHT * latency / maxLatency);
  }

  private static long attempts(TaskCounters c) {
    return c == null ? 0 : c.submitted();
  }
}
