package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.memory.InMemoryBackend;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link ReefNames}, and that its cache of valid names never lets an invalid name through; issue 12
 * items 12 (dotted agent names) and 20 (limits from the AMQP names they become).
 */
class ReefNamesTest {
  private static final String AGENT_AT_LIMIT = "a".repeat(ReefNames.MAX_AGENT_BYTES);
  private static final String CHANNEL_AT_LIMIT = "c".repeat(ReefNames.MAX_CHANNEL_BYTES);

  @Test
  void agentNamesMayBeDottedWordsChannelNamesMayNot() {
    for (String ok : new String[] {"py.dotted", "a.b.c", "x:1.y-2.z_3", "py_echo"}) {
      assertThat(ReefNames.requireAgent("from_agent", ok)).isEqualTo(ok);
      assertThat(ReefNames.isValidAgent(ok)).isTrue();
    }
    for (String bad : new String[] {"a..b", ".a", "a.", ".", "a.*", "a.#", "a. b", "a.b c"}) {
      assertThatThrownBy(() -> ReefNames.requireAgent("from_agent", bad))
          .as(bad)
          .isInstanceOf(SporeValidationException.class)
          .hasMessageStartingWith("from_agent:");
      assertThat(ReefNames.isValidAgent(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> ReefNames.requireChannel("py.dotted"))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageStartingWith("channel:");
    assertThat(ReefNames.isValidWord("py.dotted")).isFalse();
  }

  @Test
  void aNameValidAsAnAgentIsNotTakenFromTheCacheAsAChannel() {
    String dotted = new String("py.dotted");
    String long110 = "l".repeat(110);
    ReefNames.requireAgent("agent", dotted);
    ReefNames.requireAgent("agent", long110);
    assertThatThrownBy(() -> ReefNames.requireChannel(dotted))
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> ReefNames.requireChannel(long110))
        .isInstanceOf(SporeValidationException.class);
  }

  @Test
  void theLimitsKeepEveryQueueNameAndRoutingKeyWithinAmqpsShortString() {
    assertThat(ReefNames.requireAgent("to_agent", AGENT_AT_LIMIT)).isEqualTo(AGENT_AT_LIMIT);
    assertThat(ReefNames.requireChannel(CHANNEL_AT_LIMIT)).isEqualTo(CHANNEL_AT_LIMIT);
    assertThatThrownBy(() -> ReefNames.requireAgent("to_agent", AGENT_AT_LIMIT + "a"))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("at most " + ReefNames.MAX_AGENT_BYTES)
        .hasMessageContaining("255");
    assertThatThrownBy(() -> ReefNames.requireChannel(CHANNEL_AT_LIMIT + "c"))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("at most " + ReefNames.MAX_CHANNEL_BYTES);
    // What the names become on AMQP (queue reef.<channel>.<agent>, routing key
    // agent.<agent>.<type>, exchange reef.<channel>) fits the 255-byte short string.
    int longestType = 0;
    for (SporeType t : SporeType.values()) {
      longestType = Math.max(longestType, t.wireName().length());
    }
    assertThat(longestType).isEqualTo(ReefNames.MAX_TYPE_BYTES);
    String dottedAtLimit = "a.".repeat(ReefNames.MAX_AGENT_BYTES / 2 - 1) + "ab";
    assertThat(dottedAtLimit).hasSize(ReefNames.MAX_AGENT_BYTES);
    ReefNames.requireAgent("to_agent", dottedAtLimit);
    assertThat(("reef." + CHANNEL_AT_LIMIT + "." + AGENT_AT_LIMIT).length())
        .isLessThanOrEqualTo(255);
    assertThat(("agent." + AGENT_AT_LIMIT + "." + "notification").length())
        .isLessThanOrEqualTo(255);
  }

  @Test
  void theInMemoryBackendAcceptsNamesAtTheLimitAndRefusesOneMore() throws Exception {
    try (Reef reef = Reef.create(InMemoryBackend.create())) {
      ReefChannel ch = reef.channel(CHANNEL_AT_LIMIT);
      CopyOnWriteArrayList<Spore> got = new CopyOnWriteArrayList<>();
      ch.subscribe(AGENT_AT_LIMIT, got::add);
      ch.subscribe("py.dotted", got::add);
      ch.send("py.dotted", AGENT_AT_LIMIT, Map.of("n", 1)).get();
      ch.send(AGENT_AT_LIMIT, "py.dotted", Map.of("n", 2)).get();
      assertThat(reef.awaitIdle(Duration.ofSeconds(5))).isTrue();
      assertThat(got)
          .extracting(Spore::toAgent)
          .containsExactlyInAnyOrder(AGENT_AT_LIMIT, "py.dotted");

      String tooLong = AGENT_AT_LIMIT + "a";
      assertThatThrownBy(() -> ch.subscribe(tooLong, got::add))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.send("py.dotted", tooLong, Map.of()))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.send(tooLong, "py.dotted", Map.of()))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> reef.channel(CHANNEL_AT_LIMIT + "c"))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.send("py..dotted", AGENT_AT_LIMIT, Map.of()))
          .isInstanceOf(SporeValidationException.class);
    }
  }

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
    String other = new String("bo b");
    assertThatThrownBy(() -> ReefNames.requireAgent("to_agent", other))
        .isInstanceOf(SporeValidationException.class);
  }
}
