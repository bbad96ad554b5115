package dev.reef.reliability.support;

import dev.reef.amqp.test.RabbitMqBroker;
import java.net.URI;

/**
 * The broker the suite runs against, as reef-amqp's {@link RabbitMqBroker} test extension resolves
 * it ({@code REEF_TEST_AMQP_URI} / {@code REEF_AMQP_URI}, else the local broker on 127.0.0.1:5672,
 * else Testcontainers, else a failure saying how to provide one). Child JVMs get the resolved URI
 * as {@code REEF_AMQP_URI}, so they resolve the same broker.
 */
public final class Brokers {
  private Brokers() {}

  /**
   * The broker URI (may carry credentials: never log it). A bare trailing {@code /} is dropped:
   * amqp-client reads it as the empty virtual host, which does not exist.
   */
  public static URI uri() {
    String u = RabbitMqBroker.uri();
    URI parsed = URI.create(u);
    if ("/".equals(parsed.getRawPath())) {
      return URI.create(u.substring(0, u.length() - 1));
    }
    return parsed;
  }

  /** {@link #uri()} with host and port replaced, e.g. to go through a {@link TcpProxy}. */
  public static URI via(String host, int port) {
    URI u = uri();
    return URI.create(
        u.getScheme()
            + "://"
            + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@")
            + host
            + ":"
            + port
            + (u.getRawPath() == null ? "" : u.getRawPath()));
  }

  /** The broker's port, with the scheme's default when the URI has none. */
  public static int port() {
    URI u = uri();
    if (u.getPort() > 0) {
      return u.getPort();
    }
    return "amqps".equals(u.getScheme()) ? 5671 : 5672;
  }
}
