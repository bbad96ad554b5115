package dev.reef.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {

  @Test
  void wireNamesAreTheOneSetBothBackendsUse() {
    assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::wireName))
        .containsExactly(
            "handler_failed",
            "expired",
            "malformed",
            "dropped_oldest",
            "terminated",
            "unauthorized",
            "bad_signature");
  }

  @Test
  void fromWireNameReadsEveryReasonAndTheLegacyFailed() {
    for (DeadLetterReason r : DeadLetterReason.values()) {
      assertThat(DeadLetterReason.fromWireName(r.wireName())).contains(r);
      assertThat(DeadLetterReason.fromWireName(" " + r.wireName().toUpperCase() + " ")).contains(r);
    }
    assertThat(DeadLetterReason.fromWireName("failed")).contains(DeadLetterReason.HANDLER_FAILED);
    assertThat(DeadLetterReason.fromWireName("maxlen")).isEmpty();
    assertThat(DeadLetterReason.fromWireName(null)).isEmpty();
  }

  @Test
  void deadLetteredExceptionCarriesReasonAttemptsAndCause() {
    IllegalStateException cause = new IllegalStateException("boom");
    DeadLetteredException e =
        new DeadLetteredException(
            DeadLetterReason.HANDLER_FAILED, 3, "java.lang.IllegalStateException: boom", cause);

    assertThat(e.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.getMessage())
        .isEqualTo("handler_failed after 3 attempt(s): java.lang.IllegalStateException: boom");
    assertThat(new DeadLetteredException(DeadLetterReason.EXPIRED, 0, null, null).getMessage())
        .isEqualTo("expired after 0 attempt(s)");
  }
}
