package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.reef.amqp.test.LocalRabbitNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extra-node harness itself: a node started beside the machine's broker takes AMQP on its own
 * port, survives a kill -9 and restart with its durable data (as a crashed broker would), and the
 * machine's broker on 5672 keeps answering throughout.
 */
class LocalRabbitNodeIT {
  @RegisterExtension static final LocalRabbitNode NODE = LocalRabbitNode.named("reefnode");

  private static Connection connect() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(NODE.amqpUri());
    return f.newConnection("reef-node-it");
  }

  @Test
  void aKilledNodeRestartsWithItsDurableMessages() throws Exception {
    assertThat(NODE.port()).isNotEqualTo(5672);
    try (Connection c = connect();
        Channel ch = c.createChannel()) {
      ch.confirmSelect();
      ch.queueDeclare("kept", true, false, false, null);
      ch.basicPublish(
          "",
          "kept",
          MessageProperties.PERSISTENT_TEXT_PLAIN,
          "x".getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
    }

    NODE.kill();
    assertThat(NODE.isRunning()).isFalse();
    NODE.start();

    assertThat(NODE.isRunning()).isTrue();
    try (Connection c = connect();
        Channel ch = c.createChannel()) {
      assertThat(ch.queueDeclarePassive("kept").getMessageCount()).isEqualTo(1);
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 5672), 2000); // the machine's broker, untouched
    }
  }
}
