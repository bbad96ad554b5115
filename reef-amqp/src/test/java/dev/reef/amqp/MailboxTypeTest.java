package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The per-channel mailbox type and its backend-wide default. */
class MailboxTypeTest {
  @Test
  void channelsWithoutTheirOwnTypeTakeTheBackendWideDefault() {
    AmqpSettings classic =
        AmqpBackend.builder().mailboxType("orders", MailboxType.QUORUM).build().settings();
    assertThat(classic.mailboxTypeFor("orders")).isEqualTo(MailboxType.QUORUM);
    assertThat(classic.mailboxTypeFor("alerts")).isEqualTo(MailboxType.CLASSIC);

    AmqpSettings quorum =
        AmqpBackend.builder()
            .quorumMailboxes(true)
            .mailboxType("alerts", MailboxType.CLASSIC)
            .build()
            .settings();
    assertThat(quorum.mailboxTypeFor("orders")).isEqualTo(MailboxType.QUORUM);
    assertThat(quorum.mailboxTypeFor("alerts")).isEqualTo(MailboxType.CLASSIC);
  }

  @Test
  void deliveryLimitAndDeadLetterQueueTypeHaveDefaultsAndAreChecked() {
    AmqpSettings s = AmqpBackend.builder().build().settings();
    assertThat(s.quorumDeliveryLimit()).isEqualTo(20);
    assertThat(s.deadLetterQueueType()).isEqualTo(MailboxType.CLASSIC);
    assertThat(
            AmqpBackend.builder().quorumDeliveryLimit(0).build().settings().quorumDeliveryLimit())
        .isZero();
    assertThatThrownBy(() -> AmqpBackend.builder().quorumDeliveryLimit(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().mailboxType("bad.channel", MailboxType.QUORUM))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().mailboxType("orders", null))
        .isInstanceOf(NullPointerException.class);
  }
}
