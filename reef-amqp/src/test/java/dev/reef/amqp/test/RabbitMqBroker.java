package dev.reef.amqp.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a RabbitMQ broker to broker tests ({@code *IT}), never skipping:
 *
 * <ol>
 *   <li>{@code REEF_TEST_AMQP_URI}, else {@code REEF_AMQP_URI}, from the environment (or the system
 *       properties of the same names);
 *   <li>else a broker answering on {@code 127.0.0.1:5672} (guest/guest);
 *   <li>else a Testcontainers RabbitMQ container when Docker is available;
 *   <li>else the test fails with a message saying how to provide a broker.
 * </ol>
 *
 * <p>Use with {@code @ExtendWith(RabbitMqBroker.class)} and a {@link TestBroker} parameter (test
 * method, constructor or lifecycle method): it gives the URI, a raw connection, unique names, and
 * deletes the queues and exchanges registered with it after each test. The broker is resolved once
 * per JVM.
 */
public final class RabbitMqBroker
    implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
  /** The environment variable (or system property) naming the test broker. */
  public static final String TEST_URI_ENV = "REEF_TEST_AMQP_URI";

  /** The fallback environment variable (or system property). */
  public static final String URI_ENV = "REEF_AMQP_URI";

  private static final String LOCAL_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RabbitMqBroker.class);
  private static volatile String resolvedUri;

  /**
   * The broker URI for tests, resolving it on first use.
   *
   * @return an {@code amqp(s)://} URI
   * @throws ExtensionConfigurationException if no broker can be found
   */
  public static synchronized String uri() {
    if (resolvedUri == null) {
      resolvedUri = resolve();
    }
    return resolvedUri;
  }

  private static String resolve() {
    for (String name : new String[] {TEST_URI_ENV, URI_ENV}) {
      String v = System.getProperty(name, System.getenv(name));
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    if (reachable("127.0.0.1", 5672)) {
      return LOCAL_URI;
    }
    String why;
    try {
      String uri = TestcontainersBroker.startIfDockerAvailable();
      if (uri != null) {
        return uri;
      }
      why = "Docker is not available for Testcontainers";
    } catch (NoClassDefFoundError | RuntimeException e) {
      why = "Testcontainers could not start RabbitMQ: " + e;
    }
    throw new ExtensionConfigurationException(
        "No RabbitMQ broker for the broker tests: nothing answers on 127.0.0.1:5672, "
            + TEST_URI_ENV
            + " is not set, and "
            + why
            + ". Provide one: run .ci/broker.sh (starts or installs a local RabbitMQ), or"
            + " `rabbitmq-server -detached`, or set "
            + TEST_URI_ENV
            + "=amqp://user:pass@host:5672/, or start Docker.");
  }

  private static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    uri();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestBroker b = context.getStore(NS).remove("broker", TestBroker.class);
    if (b != null) {
      b.cleanup();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    return p.getParameter().getType() == TestBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      // Class-level (constructor, @BeforeAll): lives as long as the class's context.
      return context
          .getStore(NS)
          .getOrComputeIfAbsent("class-broker", k -> new TestBroker(uri()), TestBroker.class);
    }
    return context
        .getStore(NS)
        .getOrComputeIfAbsent("broker", k -> new TestBroker(uri()), TestBroker.class);
  }
}
