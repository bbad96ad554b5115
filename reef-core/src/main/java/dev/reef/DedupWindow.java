package dev.reef;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys (spore id, or idempotency key where set) of the last N spores a mailbox settled, to hide
 * repeats from handlers. Bounded: the oldest key is forgotten first. Thread-safe.
 */
final class DedupWindow {
  /** The map is presized for at most this many keys; a larger window grows it as it fills. */
  private static final int MAX_PRESIZED_KEYS = 1024;

  private final LinkedHashMap<String, Boolean> keys;

  DedupWindow(int capacity) {
    this.keys =
        new LinkedHashMap<>(Math.min(capacity, MAX_PRESIZED_KEYS) * 4 / 3 + 1, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  static String keyOf(Spore spore) {
    return spore.idempotencyKey() != null ? "k:" + spore.idempotencyKey() : spore.id();
  }

  synchronized boolean contains(String key) {
    return keys.containsKey(key);
  }

  synchronized void add(String key) {
    keys.put(key, Boolean.TRUE);
  }

  synchronized int size() {
    return keys.size();
  }
}
