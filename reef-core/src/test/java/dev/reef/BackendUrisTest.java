package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendUrisTest {
  @Test
  void parsesAValidUri() {
    assertThat(BackendUris.parse("REEF_AMQP_URI", " amqp://u:secret@host:5672/%2F ").getHost())
        .isEqualTo("host");
  }

  @Test
  void anInvalidUriIsATypedErrorThatNeverQuotesThePassword() {
    assertThatThrownBy(() -> BackendUris.parse("REEF_AMQP_URI", "amqp://user:s3cr3t pw@host"))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("REEF_AMQP_URI is not a valid URI")
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }

  @Test
  void aMistypedSchemeIsCalledUnknownWithTheSupportedOnesListed() {
    assertThatThrownBy(() -> Reef.backendFor(java.net.URI.create("amqpp://u:s3cr3t@host/")))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("unknown backend URI scheme 'amqpp'")
        .hasMessageContaining("supported schemes: memory")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }

  @Test
  void anAmqpSchemeWithoutReefAmqpSaysToAddIt() {
    assertThatThrownBy(() -> Reef.backendFor(java.net.URI.create("amqp://u:s3cr3t@host/")))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("add reef-amqp")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }
}
