package dev.reef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ids of the last N requests whose ask or gather ended, so that a late response to one of them
 * is recognised (and dropped) rather than handed to handlers. Bounded: the oldest id is forgotten
 * first (a ring). Lock-free and thread-safe; under concurrent adds it may hold a few more than N
 * ids for a moment.
 */
final class RecentIds {
  private final AtomicReferenceArray<String> ring;
  private final AtomicLong next = new AtomicLong();
  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  RecentIds(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  void add(String id) {
    if (!ids.add(id)) {
      return;
    }
    int slot = (int) Math.floorMod(next.getAndIncrement(), (long) ring.length());
    String evicted = ring.getAndSet(slot, id);
    if (evicted != null) {
      ids.remove(evicted);
    }
  }

  boolean contains(String id) {
    return ids.contains(id);
  }

  int size() {
    return ids.size();
  }
}
