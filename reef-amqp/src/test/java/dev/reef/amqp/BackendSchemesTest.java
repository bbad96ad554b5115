package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Reef;
import dev.reef.ReefException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** With reef-amqp on the class path, a mistyped scheme is called unknown, not a missing module. */
class BackendSchemesTest {
  @Test
  void aMistypedSchemeIsUnknownAndListsTheSupportedOnes() {
    assertThatThrownBy(() -> Reef.backendFor(URI.create("amqpp://guest:s3cr3t@localhost/")))
        .isInstanceOf(ReefException.class)
        .hasMessage("unknown backend URI scheme 'amqpp'; supported schemes: amqp, amqps, memory")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("add reef-amqp", "s3cr3t"));
  }

  @Test
  void theAmqpSchemesAreSupported() {
    assertThat(Reef.backendFor(URI.create("amqps://guest:guest@localhost/")))
        .isInstanceOf(AmqpBackend.class);
  }
}
