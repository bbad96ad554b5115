package dev.reef.memory;

/**
 * A FIFO queue with {@link #addFirst} for put-backs, kept in small linked chunks that are allocated
 * as the queue grows and dropped as it drains. Not thread-safe: the owner guards it.
 *
 * <p>Why not an {@link java.util.ArrayDeque}: a mailbox's deque lives long, so its array ends up in
 * the old generation, and with G1 every store of a new (young) spore into an old array runs the
 * card-marking barrier's full memory fence. A chunk here is filled within microseconds of being
 * allocated, so it is nearly always young and the stores into it skip that fence; the old mailbox
 * refers to a new chunk once per {@link #CHUNK} entries.
 */
final class ChunkedQueue {
  /** Entries per chunk. */
  static final int CHUNK = 64;

  private static final class Chunk {
    final Object[] items = new Object[CHUNK];
    int head; // index of the first entry
    int tail; // index after the last entry
    Chunk next;
  }

  private Chunk first;
  private Chunk last;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(Object e) {
    Chunk c = last;
    if (c == null || c.tail == CHUNK) {
      Chunk n = new Chunk();
      if (c == null) {
        first = n;
      } else {
        c.next = n;
      }
      last = n;
      c = n;
    }
    c.items[c.tail++] = e;
    size++;
  }

  void addFirst(Object e) {
    Chunk c = first;
    if (c == null || c.head == 0) {
      Chunk n = new Chunk();
      n.head = CHUNK;
      n.tail = CHUNK;
      n.next = c;
      first = n;
      if (c == null) {
        last = n;
      }
      c = n;
    }
    c.items[--c.head] = e;
    size++;
  }

  /** Removes and returns the first entry, or null if empty. */
  Object pollFirst() {
    Chunk c = first;
    if (c == null) {
      return null;
    }
    Object e = c.items[c.head];
    c.items[c.head++] = null;
    size--;
    if (c.head == c.tail) {
      // The chunk is drained: drop it (a new one is cheaper than keeping an aging one).
      first = c.next;
      if (first == null) {
        last = null;
      }
    }
    return e;
  }

  /** Removes every entry and returns them in order. */
  Object[] drainAll() {
    Object[] out = new Object[size];
    for (int i = 0; i < out.length; i++) {
      out[i] = pollFirst();
    }
    return out;
  }
}
