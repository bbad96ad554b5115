package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupWindowTest {
  @Test
  void remembersTheLastNKeysAndForgetsTheOldest() {
    DedupWindow window = new DedupWindow(2);
    window.add("a");
    window.add("b");
    window.add("c");

    assertThat(window.contains("a")).isFalse();
    assertThat(window.contains("b")).isTrue();
    assertThat(window.contains("c")).isTrue();
    assertThat(window.size()).isEqualTo(2);
  }

  @Test
  void keyIsTheIdempotencyKeyWhenSetElseTheId() {
    Spore plain = Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("a").id("id-1").build();
    Spore keyed = plain.toBuilder().idempotencyKey("id-1").build();

    assertThat(DedupWindow.keyOf(plain)).isEqualTo("id-1");
    assertThat(DedupWindow.keyOf(keyed)).isNotEqualTo(DedupWindow.keyOf(plain));
  }
}
