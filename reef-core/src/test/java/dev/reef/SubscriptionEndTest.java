package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Subscription#ended()}: a subscription says when its handler was removed, and why. */
class SubscriptionEndTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void closingEndsItNormally() {
    try (Reef reef = Reef.inMemory()) {
      Subscription s = reef.subscribe("bob", spore -> {});
      assertThat(s.ended().toCompletableFuture()).isNotDone();
      s.close();
      assertThat(s.ended().toCompletableFuture()).succeedsWithin(WAIT);
    }
  }

  @Test
  void unsubscribeEndsEveryHandlerOfTheAgentAndNoOther() {
    try (Reef reef = Reef.inMemory()) {
      Subscription a = reef.subscribe("bob", spore -> {});
      Subscription b = reef.subscribe("bob", spore -> {});
      Subscription other = reef.subscribe("carol", spore -> {});
      reef.unsubscribe("bob");
      assertThat(a.ended().toCompletableFuture()).succeedsWithin(WAIT);
      assertThat(b.ended().toCompletableFuture()).succeedsWithin(WAIT);
      assertThat(other.ended().toCompletableFuture()).isNotDone();
    }
  }

  @Test
  void aReplacedHandlersSubscriptionEnds() {
    try (Reef reef = Reef.inMemory()) {
      Subscription first = reef.subscribe("bob", spore -> {});
      Subscription second = reef.subscribe("bob", spore -> {}, SubscribeMode.REPLACE);
      assertThat(first.ended().toCompletableFuture()).succeedsWithin(WAIT);
      assertThat(second.ended().toCompletableFuture()).isNotDone();
    }
  }

  @Test
  void closingTheReefEndsItsSubscriptions() {
    Subscription s;
    try (Reef reef = Reef.inMemory()) {
      s = reef.subscribe("bob", spore -> {});
    }
    assertThat(s.ended().toCompletableFuture()).succeedsWithin(WAIT);
  }
}
