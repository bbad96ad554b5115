package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefException;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 12 item 7: {@code Reef.connect(uri)} reaches a real broker in one line. */
@ExtendWith(RabbitMqBroker.class)
class ReefConnectIT {
  @Test
  void connectReachesTheBrokerAndAnswersAnAsk(TestBroker broker) {
    String channel = TestBroker.unique("connect");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteQueueAfter("reef." + channel + ".bob");
    try (Reef reef =
        Reef.connect(broker.uri(), ReefOptions.custom().defaultChannel(channel).build())) {
      ReefChannel ch = reef.channel(channel);
      ch.subscribe("bob", s -> ch.reply(s, "bob", Map.of("answer", 42)));
      Spore answer = ch.ask("alice", "bob", Map.of("q", "?"), Duration.ofSeconds(10)).join();
      assertThat(answer.knowledge()).containsEntry("answer", 42);
    }
  }

  @Test
  void aWrongPasswordFailsWithoutQuotingIt(TestBroker broker) {
    URI good = URI.create(broker.uri());
    String user = good.getUserInfo() == null ? "guest" : good.getUserInfo().split(":")[0];
    String bad =
        "amqp://"
            + user
            + ":not-the-Pa55word@"
            + good.getHost()
            + ":"
            + (good.getPort() == -1 ? 5672 : good.getPort())
            + "/%2F";
    assertThatThrownBy(() -> Reef.connect(bad).close())
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("not-the-Pa55word");
  }
}
