package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ReefNames}, and that its cache of valid names never lets an invalid name through. */
class ReefNamesTest {
  @Test
  void aValidNameIsAcceptedAgainFromTheCache() {
    String name = new String("agent_1:worker-2");
    for (int i = 0; i < 3; i++) {
      assertThat(ReefNames.requireAgent("to_agent", name)).isSameAs(name);
      assertThat(ReefNames.requireChannel(name)).isSameAs(name);
    }
    String copy = new String(name);
    assertThat(ReefNames.requireAgent("to_agent", copy)).isSameAs(copy);
  }

  @Test
  void anInvalidNameIsRejectedEveryTimeEvenWhenItsSlotHoldsAValidOne() {
    // "Aa" and "BB" have the same hash code, so they share a cache slot.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    String valid = new String("Aa");
    ReefNames.requireAgent("from_agent", valid);
    for (String bad : new String[] {"A.", "B*", "a b", "#", " ", "", "x".repeat(256)}) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> ReefNames.requireAgent("from_agent", bad))
            .isInstanceOf(SporeValidationException.class)
            .hasMessageStartingWith("from_agent:");
      }
      assertThat(ReefNames.isValidWord(bad)).isFalse();
    }
    assertThatThrownBy(() -> ReefNames.requireAgent("to_agent", null))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("null");
  }

  @Test
  void aStringOfTheSameContentAsACachedNameIsStillCheckedByItsOwnContent() {
    String valid = new String("bob");
    ReefNames.requireAgent("to_agent", valid);
    // Same slot is irrelevant: a different instance is never taken as validated.
    String other = new String("bo.b");
    assertThatThrownBy(() -> ReefNames.requireAgent("to_agent", other))
        .isInstanceOf(SporeValidationException.class);
  }
}
