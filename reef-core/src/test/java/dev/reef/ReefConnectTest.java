package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Reef#connect(String)}: one line from a URI to a reef, credentials never echoed. */
class ReefConnectTest {
  @Test
  void aMemoryUriConnectsToAnInMemoryReef() {
    try (Reef reef = Reef.connect("memory:local")) {
      reef.subscribe("bob", s -> reef.reply(s, "bob", Map.of("answer", 42)));
      Spore answer = reef.ask("alice", "bob", Map.of("q", "?"), Duration.ofSeconds(5)).join();
      assertThat(answer.knowledge()).containsEntry("answer", 42);
    }
  }

  @Test
  void optionsAreUsed() {
    ReefOptions options = ReefOptions.custom().defaultChannel("elsewhere").build();
    try (Reef reef = Reef.connect("memory:local", options)) {
      assertThat(reef.name()).isEqualTo("elsewhere");
    }
  }

  @Test
  void anUnsupportedSchemeFailsWithoutQuotingTheCredentials() {
    // reef-core's tests have no AMQP provider on the class path.
    assertThatThrownBy(() -> Reef.connect("amqp://alice:s3cret@broker.example:5672/%2F"))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("amqp")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aMalformedUriFailsWithoutQuotingIt() {
    assertThatThrownBy(() -> Reef.connect("amqp://alice:s3cret@[broker"))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("not a valid URI")
        .hasMessageNotContaining("s3cret");
  }
}
