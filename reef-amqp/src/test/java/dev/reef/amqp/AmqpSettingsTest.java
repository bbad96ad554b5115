package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The immutable options the builder makes, and what follows from them alone. */
class AmqpSettingsTest {

  private static AmqpSettings settings(AmqpBackend.Builder b) {
    return b.build().settings();
  }

  @Test
  void theBuilderDefaultsAreKept() {
    AmqpSettings s = settings(AmqpBackend.builder());

    assertThat(s.prefetch()).isEqualTo(AmqpBackend.DEFAULT_PREFETCH);
    assertThat(s.confirmWindow()).isEqualTo(AmqpBackend.DEFAULT_CONFIRM_WINDOW);
    assertThat(s.publisherChannels()).isEqualTo(AmqpBackend.DEFAULT_PUBLISHER_CHANNELS);
    assertThat(s.publishTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.confirmTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.recoveryInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.connectionName()).isEqualTo("reef");
    assertThat(s.sharedDeadLetters()).isFalse();
    assertThat(s.deadLetterExchange()).isNull();
    assertThat(s.deadLetterQueue()).isNull();
    assertThat(s.persistent()).isTrue();
    assertThat(s.directReplies()).isTrue();
    assertThat(s.defaultLayout()).isEqualTo(HeaderLayout.REEF);
    // A Praval envelope holds the knowledge twice: the default body limit lets a spore whose
    // knowledge is at the default knowledge limit arrive in either layout.
    assertThat(s.maxBodyBytes())
        .isEqualTo(
            dev.reef.codec.SporeCodec.maxBodyBytes(dev.reef.Spore.DEFAULT_MAX_KNOWLEDGE_BYTES))
        .isGreaterThan(2 * dev.reef.Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);
  }

  @Test
  void deadLettersArePerChannelByDefaultAndSharedOnRequest() {
    AmqpSettings own = settings(AmqpBackend.builder());
    assertThat(own.deadLetterExchangeFor("orders")).isEqualTo("reef-dlx.orders");
    assertThat(own.deadLetterQueueFor("orders")).isEqualTo("reef-dlq.orders");
    assertThat(own.deadLetterQueueFor("orders"))
        .as("never a mailbox queue reef.<channel>.<agent>")
        .doesNotStartWith(AmqpBackend.NAME_PREFIX);

    AmqpSettings shared = settings(AmqpBackend.builder().sharedDeadLetters());
    assertThat(shared.deadLetterExchangeFor("orders"))
        .isEqualTo(AmqpBackend.DEFAULT_DEAD_LETTER_EXCHANGE);
    assertThat(shared.deadLetterQueueFor("orders"))
        .isEqualTo(AmqpBackend.DEFAULT_DEAD_LETTER_QUEUE);

    AmqpSettings named = settings(AmqpBackend.builder().deadLetterQueue("my.dead"));
    assertThat(named.sharedDeadLetters()).isTrue();
    assertThat(named.deadLetterQueueFor("a")).isEqualTo("my.dead");
    assertThat(named.deadLetterExchangeFor("a"))
        .isEqualTo(AmqpBackend.DEFAULT_DEAD_LETTER_EXCHANGE);
  }

  @Test
  void namesComeFromTheMappingOrThePrefix() {
    AmqpSettings s = settings(AmqpBackend.builder().exchange("shared", "some.exchange"));

    assertThat(s.exchangeFor("shared")).isEqualTo("some.exchange");
    assertThat(s.exchangeFor("main")).isEqualTo("reef.main");
    assertThat(s.mailboxQueueFor("main", "bob")).isEqualTo("reef.main.bob");
  }

  @Test
  void theSettingsDoNotChangeWhenTheBuilderDoes() {
    AmqpBackend.Builder b = AmqpBackend.builder().exchange("a", "x.a");
    AmqpSettings s = settings(b);
    b.exchange("a", "y.a").exchange("b", "x.b");

    assertThat(s.exchangeFor("a")).isEqualTo("x.a");
    assertThat(s.exchangeFor("b")).isEqualTo("reef.b");
  }

  @Test
  void toStringMasksThePassword() {
    AmqpBackend b = AmqpBackend.builder().uri("amqp://user:secret@host:5672/vh").build();

    assertThat(b.toString()).contains("amqp://user:***@host:5672/vh").doesNotContain("secret");
  }

  @Test
  void limitsAreCheckedWithTheirRangeInTheMessage() {
    assertThatThrownBy(() -> AmqpBackend.builder().prefetch(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefetch must be 1..65535, was 0");
    assertThatThrownBy(() -> AmqpBackend.builder().confirmWindow(1_000_001))
        .hasMessage("confirmWindow must be 1..1000000, was 1000001");
    assertThatThrownBy(() -> AmqpBackend.builder().publisherChannels(65))
        .hasMessage("publisherChannels must be 1..64, was 65");
    assertThatThrownBy(() -> AmqpBackend.builder().deadLetterQueue("q".repeat(256)))
        .hasMessage("deadLetterQueue must be at most 255 UTF-8 bytes");
    assertThatThrownBy(() -> AmqpBackend.builder().confirmTimeout(Duration.ofMillis(99)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().expiryGrace(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
