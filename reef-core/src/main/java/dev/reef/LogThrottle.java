package dev.reef;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets one log line per key through per interval and counts the rest, so that a burst of identical
 * failures (thousands of publishes failing during a connection loss) logs a few lines, not
 * thousands. Keys should be few (for example channel and error class); each costs one small object.
 * Thread-safe.
 */
final class LogThrottle {
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  LogThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Whether to log an occurrence of {@code key} now.
   *
   * @return -1 to stay quiet; otherwise how many occurrences were kept quiet since the last line
   */
  long admit(String key, long nowNanos) {
    Window w = windows.computeIfAbsent(key, k -> new Window());
    synchronized (w) {
      if (w.logged && nowNanos - w.lastLogged < intervalNanos) {
        w.suppressed++;
        return -1;
      }
      long suppressed = w.suppressed;
      w.logged = true;
      w.lastLogged = nowNanos;
      w.suppressed = 0;
      return suppressed;
    }
  }

  private static final class Window {
    boolean logged;
    long lastLogged;
    long suppressed;
  }
}
