package dev.reef.task;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the task statistics of one channel (requester side). Bounded: at most {@value #MAX_KEYS}
 * agents and capabilities each (later ones are not counted), {@value #SAMPLES} latencies each.
 * Thread-safe (one monitor per key).
 */
final class TaskStatsRecorder {
  static final int MAX_KEYS = 10_000;
  static final int SAMPLES = 1024;
  static final double ALPHA = 0.3;

  private static final class Counter {
    long submitted;
    long completed;
    long failed;
    long retried;
    double successEwma = Double.NaN;
    double latencyEwma = Double.NaN;
    final long[] latencies = new long[SAMPLES];
    int samples;
    int next;

    synchronized void outcome(boolean ok, long latencyMillis) {
      if (ok) {
        completed++;
        latencies[next] = latencyMillis;
        next = (next + 1) % SAMPLES;
        samples = Math.min(samples + 1, SAMPLES);
        latencyEwma =
            Double.isNaN(latencyEwma)
                ? latencyMillis
                : ALPHA * latencyMillis + (1 - ALPHA) * latencyEwma;
      } else {
        failed++;
      }
      double v = ok ? 1 : 0;
      successEwma = Double.isNaN(successEwma) ? v : ALPHA * v + (1 - ALPHA) * successEwma;
    }

    synchronized TaskCounters snapshot() {
      long[] sorted = Arrays.copyOf(latencies, samples);
      Arrays.sort(sorted);
      long outcomes = completed + failed;
      return new TaskCounters(
          submitted,
          completed,
          failed,
          retried,
          outcomes == 0 ? Double.NaN : (double) completed / outcomes,
          percentile(sorted, 0.50),
          percentile(sorted, 0.90),
          percentile(sorted, 0.99),
          successEwma,
          latencyEwma);
    }

    private static Duration percentile(long[] sorted, double q) {
      if (sorted.length == 0) {
        return Duration.ZERO;
      }
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return Duration.ofMillis(sorted[Math.max(0, Math.min(sorted.length - 1, i))]);
    }
  }

  private final Map<String, Counter> agents = new ConcurrentHashMap<>();
  private final Map<String, Counter> capabilities = new ConcurrentHashMap<>();

  private static Counter counter(Map<String, Counter> map, String key) {
    if (key == null) {
      return null;
    }
    Counter c = map.get(key);
    if (c == null && map.size() < MAX_KEYS) {
      c = map.computeIfAbsent(key, k -> new Counter());
    }
    return c;
  }

  void attemptSent(String agent) {
    Counter c = counter(agents, agent);
    if (c != null) {
      synchronized (c) {
        c.submitted++;
      }
    }
  }

  void taskSubmitted(String capability) {
    Counter c = counter(capabilities, capability);
    if (c != null) {
      synchronized (c) {
        c.submitted++;
      }
    }
  }

  void attemptOutcome(String agent, boolean ok, long latencyMillis) {
    Counter c = counter(agents, agent);
    if (c != null) {
      c.outcome(ok, latencyMillis);
    }
  }

  void taskOutcome(String capability, boolean ok, long latencyMillis) {
    Counter c = counter(capabilities, capability);
    if (c != null) {
      c.outcome(ok, latencyMillis);
    }
  }

  void retried(String agent, String capability) {
    for (Counter c : new Counter[] {counter(agents, agent), counter(capabilities, capability)}) {
      if (c != null) {
        synchronized (c) {
          c.retried++;
        }
      }
    }
  }

  TaskStatistics snapshot() {
    return new TaskStatistics(snap(agents), snap(capabilities));
  }

  private static Map<String, TaskCounters> snap(Map<String, Counter> map) {
    Map<String, TaskCounters> out = new LinkedHashMap<>();
    map.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.put(e.getKey(), e.getValue().snapshot()));
    return java.util.Collections.unmodifiableMap(out);
  }
}
