package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.UnknownAgentException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RetryingPublisherTest {
  private static Spore spore(String id, String to) {
    return Spore.builder()
        .id(id)
        .type(SporeType.KNOWLEDGE)
        .fromAgent("source")
        .toAgent(to)
        .knowledge(Map.of("k", 1))
        .build();
  }

  @Test
  void confirmsOnceAndRetriesAFailingPublishUnderTheSameIdUpToTheLimit() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (Reef reef = Reef.inMemory()) {
      ReefChannel channel = reef.channel("retry-test");
      channel.declareMailbox("known");
      try (RetryingPublisher publisher =
          new RetryingPublisher(
              channel,
              4,
              3,
              new RetryingPublisher.Listener() {
                @Override
                public void attempted(Spore spore, int attempt) {
                  events.add("attempt " + spore.id() + " " + attempt);
                }

                @Override
                public void confirmed(Spore spore) {
                  events.add("confirmed " + spore.id());
                }

                @Override
                public void failed(Spore spore, int attempt, Throwable error, boolean willRetry) {
                  Throwable cause = error.getCause() != null ? error.getCause() : error;
                  assertThat(cause).isInstanceOf(UnknownAgentException.class);
                  events.add("failed " + spore.id() + " " + attempt + " " + willRetry);
                }
              })) {
        publisher.publish(spore("ok", "known"));
        publisher.publish(spore("nope", "unknown"));
        assertThat(publisher.awaitSettled(Duration.ofSeconds(10))).isTrue();
      }
    }
    assertThat(events)
        .containsOnlyOnce("attempt ok 1", "confirmed ok")
        .containsSubsequence(
            "attempt nope 1",
            "failed nope 1 true",
            "attempt nope 2",
            "failed nope 2 true",
            "attempt nope 3",
            "failed nope 3 false")
        .doesNotContain("attempt nope 4", "confirmed nope");
  }
}
