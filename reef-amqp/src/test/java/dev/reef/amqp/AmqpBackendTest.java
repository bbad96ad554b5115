package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the backend decides from its options alone, without a broker. */
class AmqpBackendTest {

  @Test
  void directRepliesAreOnByDefaultExceptOnPravalChannels() {
    AmqpBackend b = AmqpBackend.builder().pravalChannel("praval", "praval.spores").build();

    assertThat(b.directReplies("main")).isTrue();
    assertThat(b.directReplies("praval")).as("Praval agents answer through mailboxes").isFalse();
  }

  @Test
  void directRepliesCanBeTurnedOff() {
    AmqpBackend b = AmqpBackend.builder().directReplies(false).build();

    assertThat(b.directReplies("main")).isFalse();
  }

  @Test
  void theLayoutOfAChannelDecidesNotItsExchange() {
    AmqpBackend b =
        AmqpBackend.builder()
            .exchange("shared", "some.exchange")
            .headerLayout(HeaderLayout.PRAVAL)
            .headerLayout("lean", HeaderLayout.REEF)
            .build();

    assertThat(b.directReplies("shared")).isFalse();
    assertThat(b.directReplies("lean")).isTrue();
  }
}
