package dev.reef.reliability.support;

import java.net.URI;

/**
 * The broker the suite runs against: {@code REEF_AMQP_URI} when set, else the local broker at
 * {@code amqp://guest:guest@127.0.0.1:5672}.
 */
public final class Brokers {
  private Brokers() {}

  /** The broker URI (may carry credentials: never log it). */
  public static URI uri() {
    String env = System.getenv("REEF_AMQP_URI");
    if (env != null && !env.isBlank()) {
      return URI.create(env.trim());
    }
    return URI.create("amqp://guest:guest@127.0.0.1:5672");
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
