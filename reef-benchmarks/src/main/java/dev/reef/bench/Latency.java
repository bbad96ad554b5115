package dev.reef.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Percentiles of one latency run, in milliseconds. */
record Latency(double p50Ms, double p99Ms, double maxMs, long count, double callsPerSecond) {

  static Histogram newHistogram() {
    return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  }

  static void record(Histogram h, long nanos) {
    h.recordValue(Math.max(0, Math.min(nanos, h.getHighestTrackableValue())));
  }

  static Latency of(Histogram h, double callsPerSecond) {
    return new Latency(
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6,
        h.getMaxValue() / 1e6,
        h.getTotalCount(),
        callsPerSecond);
  }
}
