package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Telling the call whose channel error closed a shared consumer channel from a bystander whose call
 * only waited on that channel (issue 13): only the bystander is tried again on another channel.
 */
class BrokerErrorsTest {
  private static ShutdownSignalException channelClose(int code, String text) {
    return new ShutdownSignalException(
        false,
        false,
        new AMQP.Channel.Close.Builder().replyCode(code).replyText(text).build(),
        null);
  }

  private static final String REFUSED_Q1 =
      "ACCESS_REFUSED - access to queue 'reef.ch.q1' in vhost '/' refused for user 'u'";

  @Test
  void theConsumeTheBrokerRefusedConcernsItsQueueAndIsNoBystander() {
    IOException refused = new IOException(channelClose(AMQP.ACCESS_REFUSED, REFUSED_Q1));
    assertThat(BrokerErrors.concernsQueue(refused, "reef.ch.q1")).isTrue();
    assertThat(BrokerErrors.isBystander(refused, "reef.ch.q1")).isFalse();
    assertThat(BrokerErrors.isAccessRefused(refused)).isTrue();
  }

  @Test
  void aConsumeThatWaitedOnTheClosedChannelIsABystander() {
    AlreadyClosedException waited =
        new AlreadyClosedException(channelClose(AMQP.ACCESS_REFUSED, REFUSED_Q1));
    assertThat(BrokerErrors.isBystander(waited, "reef.ch.q2")).isTrue();
    // A queue whose name only starts like the refused one's is another queue.
    assertThat(BrokerErrors.isBystander(waited, "reef.ch.q")).isTrue();
    IOException other =
        new IOException(
            channelClose(AMQP.PRECONDITION_FAILED, "PRECONDITION_FAILED - unknown delivery tag 9"));
    assertThat(BrokerErrors.isBystander(other, "reef.ch.q2")).isTrue();
  }

  @Test
  void aLostConnectionOrAnErrorWithoutACloseIsNoBystander() {
    ShutdownSignalException connection =
        new ShutdownSignalException(
            true,
            false,
            new AMQP.Connection.Close.Builder()
                .replyCode(AMQP.CONNECTION_FORCED)
                .replyText("CONNECTION_FORCED - closed via management plugin")
                .build(),
            null);
    assertThat(BrokerErrors.isBystander(new IOException(connection), "reef.ch.q2")).isFalse();
    assertThat(BrokerErrors.isBystander(new IOException("socket closed"), "reef.ch.q2")).isFalse();
  }
}
