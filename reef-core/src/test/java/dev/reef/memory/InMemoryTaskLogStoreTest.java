package dev.reef.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.ReefClosedException;
import dev.reef.spi.TaskLogStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InMemoryTaskLogStoreTest {

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aLateFollowerReadsTheHistoryThenTheNewRecordsInOrderAcrossStoresOfOneHub() throws Exception {
    InMemoryHub hub = InMemoryHub.builder().build();
    TaskLogStore a = InMemoryTaskLogStore.forHub(hub);
    TaskLogStore b = InMemoryTaskLogStore.forHub(hub);
    for (int i = 0; i < 100; i++) {
      a.append("ch", b("r" + i)).join();
    }
    List<String> seen = new CopyOnWriteArrayList<>();
    try (AutoCloseable h = b.follow("ch", r -> seen.add(new String(r, UTF_8)))) {
      a.append("ch", b("r100")).join();
      a.append("other", b("x")).join();
    }
    a.append("ch", b("after-close")).join();
    assertThat(seen).hasSize(101).startsWith("r0", "r1").endsWith("r99", "r100");
  }

  @Test
  void aSinkThatAppendsGetsTheNewRecordAfterItReturnsAndOtherFollowersKeepTheOrder()
      throws Exception {
    InMemoryHub hub = InMemoryHub.builder().build();
    TaskLogStore store = InMemoryTaskLogStore.forHub(hub);
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    store.follow(
        "ch",
        r -> {
          String s = new String(r, UTF_8);
          first.add(s);
          if (s.equals("a")) {
            store.append("ch", b("b"));
          }
        });
    store.follow("ch", r -> second.add(new String(r, UTF_8)));
    store.append("ch", b("a")).join();
    assertThat(first).containsExactly("a", "b");
    assertThat(second).containsExactly("a", "b");
  }

  @Test
  void keepsAtMostMaxRecordsPerChannel() {
    InMemoryHub hub = InMemoryHub.builder().build();
    TaskLogStore store = InMemoryTaskLogStore.forHub(hub, 3, Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      store.append("ch", b("r" + i)).join();
    }
    List<String> seen = new CopyOnWriteArrayList<>();
    store.follow("ch", r -> seen.add(new String(r, UTF_8)));
    assertThat(seen).containsExactly("r7", "r8", "r9");
  }

  @Test
  void aClosedStoreRefusesAndStopsItsFollowers() {
    InMemoryHub hub = InMemoryHub.builder().build();
    TaskLogStore store = InMemoryTaskLogStore.forHub(hub);
    TaskLogStore other = InMemoryTaskLogStore.forHub(hub);
    List<String> seen = new CopyOnWriteArrayList<>();
    store.follow("ch", r -> seen.add(new String(r, UTF_8)));
    store.close();
    store.close();
    other.append("ch", b("x")).join();
    assertThat(seen).isEmpty();
    assertThat(store.append("ch", b("y"))).isCompletedExceptionally();
    assertThatThrownBy(() -> store.follow("ch", r -> {})).isInstanceOf(ReefClosedException.class);
    assertThatThrownBy(() -> InMemoryTaskLogStore.forHub(hub, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBackendOwnsOneStoreAndClosesIt() {
    InMemoryBackend backend = InMemoryBackend.builder().build();
    TaskLogStore store = backend.taskLogStore();
    assertThat(backend.taskLogStore()).isSameAs(store);
    backend.close();
    assertThat(store.append("ch", b("x"))).isCompletedExceptionally();
    assertThatThrownBy(() -> TaskLogStore.UNSUPPORTED.append("ch", b("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
