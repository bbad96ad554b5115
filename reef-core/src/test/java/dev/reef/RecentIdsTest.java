package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentIdsTest {
  @Test
  void keepsTheLastIdsAndForgetsTheOldestFirst() {
    RecentIds ids = new RecentIds(3);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      ids.add(id);
    }

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.contains("d")).isTrue();
    assertThat(ids.size()).isEqualTo(3);
  }

  @Test
  void anIdAddedTwiceTakesOneSlot() {
    RecentIds ids = new RecentIds(2);
    ids.add("a");
    ids.add("a");
    ids.add("b");

    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isTrue();
  }
}
