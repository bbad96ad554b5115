package dev.reef.amqp.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Starts RabbitMQ in a container when Docker is available. Kept apart so that {@link
 * RabbitMqBroker} loads without Testcontainers on the class path.
 */
final class TestcontainersBroker {
  private static RabbitMQContainer container;

  private TestcontainersBroker() {}

  /** The AMQP URI of a started container, or null without Docker. */
  static synchronized String startIfDockerAvailable() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return null;
    }
    if (container == null) {
      RabbitMQContainer c = new RabbitMQContainer("rabbitmq:3.13");
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "rabbitmq-container-stop"));
      container = c;
    }
    return "amqp://"
        + container.getAdminUsername()
        + ":"
        + container.getAdminPassword()
        + "@"
        + container.getHost()
        + ":"
        + container.getAmqpPort()
        + "/%2F";
  }
}
