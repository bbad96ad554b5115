package dev.reef.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ChunkedQueue} behaves like an {@link ArrayDeque} across chunk boundaries. */
class ChunkedQueueTest {
  @Test
  void fifoAcrossChunksAndPutBacksAtTheFront() {
    ChunkedQueue q = new ChunkedQueue();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.pollFirst()).isNull();
    int n = ChunkedQueue.CHUNK * 3 + 5;
    for (int i = 0; i < n; i++) {
      q.addLast(i);
    }
    assertThat(q.size()).isEqualTo(n);
    for (int i = 0; i < ChunkedQueue.CHUNK + 2; i++) {
      assertThat(q.pollFirst()).isEqualTo(i);
    }
    q.addFirst(-1);
    q.addFirst(-2);
    assertThat(q.pollFirst()).isEqualTo(-2);
    assertThat(q.pollFirst()).isEqualTo(-1);
    for (int i = ChunkedQueue.CHUNK + 2; i < n; i++) {
      assertThat(q.pollFirst()).isEqualTo(i);
    }
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.pollFirst()).isNull();
    q.addFirst("a");
    q.addLast("b");
    assertThat(q.drainAll()).containsExactly("a", "b");
    assertThat(q.size()).isZero();
  }

  @Test
  void matchesArrayDequeUnderRandomOperations() {
    Random r = new Random(42);
    ChunkedQueue q = new ChunkedQueue();
    ArrayDeque<Object> ref = new ArrayDeque<>();
    for (int i = 0; i < 200_000; i++) {
      int op = r.nextInt(10);
      if (op < 4) {
        q.addLast(i);
        ref.addLast(i);
      } else if (op < 5) {
        q.addFirst(i);
        ref.addFirst(i);
      } else if (op < 9) {
        assertThat(q.pollFirst()).isEqualTo(ref.pollFirst());
      } else if (r.nextInt(100) == 0) {
        assertThat(q.drainAll()).containsExactly(ref.toArray());
        ref.clear();
      }
      assertThat(q.size()).isEqualTo(ref.size());
    }
  }
}
