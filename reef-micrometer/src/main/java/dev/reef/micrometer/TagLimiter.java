package dev.reef.micrometer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values of one tag: the first {@code max} distinct values are kept, every later one is
 * reported as {@value ReefMetrics#OTHER}; a missing value is {@value ReefMetrics#NONE}.
 * Thread-safe; a known value costs one map lookup.
 */
final class TagLimiter {
  private final int max;
  private final ConcurrentHashMap<String, Boolean> known = new ConcurrentHashMap<>();

  TagLimiter(int max) {
    this.max = max;
  }

  String tag(String value) {
    if (value == null) {
      return ReefMetrics.NONE;
    }
    if (known.containsKey(value)) {
      return value;
    }
    synchronized (this) {
      if (known.containsKey(value)) {
        return value;
      }
      if (known.size() >= max) {
        return ReefMetrics.OTHER;
      }
      known.put(value, Boolean.TRUE);
      return value;
    }
  }
}
