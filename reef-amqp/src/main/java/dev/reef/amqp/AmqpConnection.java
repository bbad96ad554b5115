package dev.reef.amqp;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.reef.ReefClosedException;
import dev.reef.observe.ConnectionState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's connections to the broker, one for publishing (and short calls) and one for the
 * mailboxes' consumers: how they are made (URI, TLS, cluster addresses, timeouts) and recovered
 * (amqp-client's automatic connection and topology recovery, except the direct reply consumer,
 * which is replaced instead), new channels on it, and its close. Losses and recoveries are logged
 * with the password masked. Content headers are checked before amqp-client reads them ({@link
 * GuardedFrameHandler}). Thread-safe.
 */
final class AmqpConnection {
  private static final Logger log = LoggerFactory.getLogger(AmqpConnection.class);

  /** How long a channel call (declare, consume, cancel, close) may wait for the broker. */
  static final Duration CHANNEL_RPC_TIMEOUT = Duration.ofSeconds(10);

  /** How long opening the TCP connection may take. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /** How long closing the connection may wait for the broker. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Appended to the connection name for the consumers' connection: {@value}. */
  static final String CONSUMERS_SUFFIX = "-consumers";

  /** The largest channel number AMQP 0-9-1 allows, when the broker sets no channel_max. */
  private static final int MAX_CHANNEL_NUMBER = 65_535;

  private final AmqpSettings settings;
  private volatile Connection connection;

  /**
   * The mailboxes' consumers' own connection: a publisher the broker blocks (flow control) cannot
   * stop acknowledgements, and the channel budget of one does not limit the other.
   */
  private volatile Connection consumers;

  private final AtomicInteger channelsOpened = new AtomicInteger();

  private AmqpConnection(AmqpSettings settings, Connection connection, Connection consumers) {
    this.settings = settings;
    this.connection = connection;
    this.consumers = consumers;
  }

  /**
   * Connects, with the consumers' dispatch on the given pool.
   *
   * @throws IllegalArgumentException if the URI is one amqp-client refuses
   */
  static AmqpConnection open(AmqpSettings settings, ExecutorService dispatch, BackendEvents events)
      throws IOException, TimeoutException, GeneralSecurityException {
    ConnectionFactory f = factory(settings);
    f.setSharedExecutor(dispatch);
    Connection c = connect(f, settings, settings.connectionName());
    Connection consumers;
    try {
      consumers = connect(f, settings, settings.connectionName() + CONSUMERS_SUFFIX);
    } catch (IOException | TimeoutException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    AmqpConnection conn = new AmqpConnection(settings, c, consumers);
    conn.watch(c, settings.connectionName(), events);
    conn.watch(consumers, settings.connectionName() + CONSUMERS_SUFFIX, events);
    return conn;
  }

  /**
   * Connects one connection named {@code <connectionName><suffix>} that serves both publishing and
   * consuming, with its consumers' dispatch on the given pool: for a part that needs a connection
   * of its own (the direct replies' ask channel) but no separate consumers' connection.
   *
   * @throws IllegalArgumentException if the URI is one amqp-client refuses
   */
  static AmqpConnection openSingle(
      AmqpSettings settings, ExecutorService dispatch, String suffix, BackendEvents events)
      throws IOException, TimeoutException, GeneralSecurityException {
    ConnectionFactory f = factory(settings);
    f.setSharedExecutor(dispatch);
    Connection c = connect(f, settings, settings.connectionName() + suffix);
    AmqpConnection conn = new AmqpConnection(settings, c, c);
    conn.watch(c, settings.connectionName() + suffix, events);
    return conn;
  }

  private static Connection connect(ConnectionFactory f, AmqpSettings settings, String name)
      throws IOException, TimeoutException {
    return settings.addresses().isEmpty()
        ? f.newConnection(name)
        : f.newConnection(settings.addresses(), name);
  }

  /** Logs a connection's losses and recoveries and reports them as connection states. */
  private void watch(Connection c, String name, BackendEvents events) {
    String where = settings.maskedUri();
    c.addShutdownListener(
        cause -> {
          if (!cause.isInitiatedByApplication()) {
            log.warn("connection to {} lost: {}", where, cause.getMessage());
            events.connectionState(ConnectionState.LOST, name, cause.getMessage());
          }
        });
    if (c instanceof Recoverable) {
      ((Recoverable) c)
          .addRecoveryListener(
              new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                  log.info("connection to {} recovered", where);
                  events.connectionState(ConnectionState.RECOVERED, name, null);
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) {
                  log.info("recovering the connection to {}", where);
                  events.connectionState(ConnectionState.RECOVERING, name, null);
                }
              });
    }
  }

  /** The factory for the settings' broker, TLS and recovery options. */
  static ConnectionFactory factory(AmqpSettings settings) throws GeneralSecurityException {
    ConnectionFactory f =
        new ConnectionFactory() {
          @Override
          protected synchronized FrameHandlerFactory createFrameHandlerFactory()
              throws IOException {
            // Content headers are checked before amqp-client reads them (GuardedFrameHandler).
            return GuardedFrameHandler.wrap(super.createFrameHandlerFactory());
          }
        };
    String scheme =
        settings.uri().getScheme() == null
            ? ""
            : settings.uri().getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("amqps");
    try {
      // Never hand an amqps URI to setUri: it would enable TLS that trusts every certificate.
      String uri = settings.uri().toString();
      f.setUri(tls ? "amqp" + uri.substring("amqps".length()) : uri);
    } catch (URISyntaxException | IllegalArgumentException e) {
      // amqp-client's messages may quote the user info, password included: do not pass them on.
      throw new IllegalArgumentException(
          "bad broker URI "
              + settings.maskedUri()
              + " (expected amqp[s]://user:password@host:port/vhost, with '%' escapes)");
    }
    if (tls) {
      if (settings.uri().getPort() == -1) {
        f.setPort(ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT);
      }
      SSLContext ssl =
          settings.sslContext() != null ? settings.sslContext() : SSLContext.getDefault();
      if (settings.hostnameVerification()) {
        f.useSslProtocol(ssl);
        f.enableHostnameVerification();
      } else {
        // amqp-client 5.37's useSslProtocol(SSLContext) and setSslContextFactory both turn host
        // name verification on; the TLS socket factory alone makes the connection TLS without it.
        f.setSocketFactory(ssl.getSocketFactory());
      }
    }
    f.setAutomaticRecoveryEnabled(true);
    f.setTopologyRecoveryEnabled(true);
    // The direct reply consumer is never recovered: a lost ask channel is replaced instead.
    f.setTopologyRecoveryFilter(
        new TopologyRecoveryFilter() {
          @Override
          public boolean filterConsumer(RecordedConsumer consumer) {
            return !DirectReplyRoutes.PSEUDO_QUEUE.equals(consumer.getQueue());
          }
        });
    f.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
    f.setConnectionTimeout((int) CONNECTION_TIMEOUT.toMillis());
    // Bound every channel call (declare, consume, cancel, close): amqp-client's default of ten
    // minutes turns a call that races a connection recovery into a ten-minute stall.
    f.setChannelRpcTimeout((int) CHANNEL_RPC_TIMEOUT.toMillis());
    f.setExceptionHandler(new QuietExceptionHandler());
    return f;
  }

  /**
   * Hears the broker's {@code connection.blocked} and {@code connection.unblocked} (flow control);
   * kept across connection recoveries.
   */
  void addBlockedListener(BlockedListener listener) {
    Connection c = connection;
    if (c != null) {
      c.addBlockedListener(listener);
    }
  }

  /** Whether the connection is not yet closed by {@link #close()}. */
  boolean isOpen() {
    return connection != null;
  }

  /**
   * A new channel on the connection.
   *
   * @throws ReefClosedException if the connection was closed
   * @throws IOException if the broker refuses one (no more channels) or the call fails
   */
  Channel openChannel() throws IOException {
    Connection c = connection;
    if (c == null) {
      throw new ReefClosedException("the AMQP backend is closed");
    }
    return newChannel(c);
  }

  /**
   * A new channel on the consumers' connection, for mailbox consumers.
   *
   * @throws ReefClosedException if the connection was closed
   * @throws IOException if the broker refuses one (no more channels) or the call fails
   */
  Channel openConsumerChannel() throws IOException {
    Connection c = consumers;
    if (c == null) {
      throw new ReefClosedException("the AMQP backend is closed");
    }
    return newChannel(c);
  }

  /**
   * A new channel on the consumers' connection whose number is none of {@code avoid}: the lowest
   * free one else. amqp-client would hand out the number of a channel the broker just closed again
   * at once (it allocates from the last number it gave), and a delivery the broker still wrote for
   * the closed channel would then reach the new one, whose consumers do not know its tag: an
   * "unsolicited delivery" that closes the whole connection.
   *
   * @throws ReefClosedException if the connection was closed
   * @throws IOException if no number is free or the call fails
   */
  Channel openConsumerChannel(Set<Integer> avoid) throws IOException {
    Connection c = consumers;
    if (c == null) {
      throw new ReefClosedException("the AMQP backend is closed");
    }
    int max = c.getChannelMax() == 0 ? MAX_CHANNEL_NUMBER : c.getChannelMax();
    for (int n = 1; n <= max; n++) {
      if (!avoid.contains(n)) {
        Channel ch = c.createChannel(n); // null if the number is in use
        if (ch != null) {
          channelsOpened.incrementAndGet();
          return ch;
        }
      }
    }
    throw new IOException("the broker allows no more channels");
  }

  private Channel newChannel(Connection c) throws IOException {
    Channel ch = c.createChannel();
    if (ch == null) {
      throw new IOException("the broker allows no more channels");
    }
    channelsOpened.incrementAndGet();
    return ch;
  }

  /**
   * Forgets a queue and its bindings in the topology recovery of the connection that short calls
   * use ({@link #openChannel}): amqp-client records a declaration or binding sent without waiting
   * before the broker answers, so one the broker refused would be declared again, and refused
   * again, at every connection recovery.
   */
  void excludeFromRecovery(String queue) {
    if (connection instanceof AutorecoveringConnection c) {
      c.excludeQueueFromRecovery(queue, true);
    }
  }

  /** Whether a recovery of the short calls' connection would declare the queue again (tests). */
  boolean recoversQueue(String queue) {
    return connection instanceof AutorecoveringConnection c
        && c.getRecordedQueues().containsKey(queue);
  }

  /** Channels opened so far on both connections (the budget tests count them). */
  int channelsOpened() {
    return channelsOpened.get();
  }

  /** Closes the connection (the broker requeues what is unacknowledged). Idempotent. */
  void close() {
    Connection c = connection;
    Connection k = consumers;
    connection = null;
    consumers = null;
    if (k != c) {
      closeQuietly(k);
    }
    closeQuietly(c);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close((int) CLOSE_TIMEOUT.toMillis());
      } catch (IOException | RuntimeException e) {
        log.debug("closing the connection failed: {}", e.toString());
      }
    }
  }
}
