package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.spi.DirectoryStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The {@link DirectoryStore} on RabbitMQ: the directory lives in the broker, in two durable
 * <b>streams</b> per channel ({@code x-queue-type: stream}, RabbitMQ 3.9+, read over AMQP 0-9-1),
 * so that a process started later, or after a broker restart, reads what was registered:
 *
 * <ul>
 *   <li>{@code reef-directory.<channel>.records}: cards, terminations, revivals; retention {@code
 *       recordsRetention} (7 days by default; live instances write their card again daily);
 *   <li>{@code reef-directory.<channel>.leases}: leases and leaves; retention {@code
 *       leasesRetention} (10 minutes by default, far longer than any lease), small segments so that
 *       old ones are dropped soon.
 * </ul>
 *
 * <p>Names cannot collide with mailboxes ({@code reef.<channel>.<agent>}): agent names have no
 * dots. Records are appended through the default exchange with publisher confirms and read from
 * {@code first} by one consumer per stream. The mailbox state for status is a passive declare of
 * the mailbox queue. The store opens its own connection (with the settings of an {@link
 * AmqpBackend} when built from one).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class AmqpDirectoryStore implements DirectoryStore {
  /**
   * The prefix of the stream names. Not {@code reef.}: every {@code reef.<channel>.<...>} name may
   * be a mailbox, since agent names may contain dots.
   */
  public static final String STREAM_PREFIX = "reef-directory.";

  /** The default retention of the record streams. */
  public static final Duration DEFAULT_RECORDS_RETENTION = Duration.ofDays(7);

  /** The default retention of the lease streams. */
  public static final Duration DEFAULT_LEASES_RETENTION = Duration.ofMinutes(10);

  private final StreamLogs logs;
  private final BiFunction<String, String, String> mailboxQueue;
  private final StreamLogs.Retention recordsRetention;
  private final StreamLogs.Retention leasesRetention;

  private AmqpDirectoryStore(Builder b, Connection connection) {
    this.logs = new StreamLogs(connection, "directory");
    this.mailboxQueue = b.mailboxQueue;
    this.recordsRetention = new StreamLogs.Retention(b.recordsRetention, 0, 8_000_000);
    this.leasesRetention = new StreamLogs.Retention(b.leasesRetention, 0, 1_000_000);
  }

  /**
   * A builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The stream holding a log of a channel.
   *
   * @param channel a valid channel name
   * @param log the log
   * @return {@code reef-directory.<channel>.records} or {@code reef-directory.<channel>.leases}
   */
  public static String streamFor(String channel, Log log) {
    ReefNames.requireChannel(channel);
    return STREAM_PREFIX + channel + (log == Log.RECORDS ? ".records" : ".leases");
  }

  private StreamLogs.Retention retention(Log log) {
    return log == Log.RECORDS ? recordsRetention : leasesRetention;
  }

  @Override
  public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
    return logs.append(streamFor(channel, log), retention(log), record);
  }

  @Override
  public AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink) {
    return logs.follow(streamFor(channel, log), retention(log), sink);
  }

  @Override
  public MailboxInfo mailbox(String channel, String agent) {
    String queue = mailboxQueue.apply(channel, agent);
    try {
      AMQP.Queue.DeclareOk ok = logs.withChannel(ch -> ch.queueDeclarePassive(queue));
      return new MailboxInfo(ok.getMessageCount(), ok.getConsumerCount());
    } catch (IOException e) {
      if (StreamLogs.isCode(e, AMQP.NOT_FOUND)) {
        return null;
      }
      throw new ReefException("reading the state of mailbox " + queue + " failed", e);
    }
  }

  @Override
  public void close() {
    logs.close();
  }

  /** Builds an {@link AmqpDirectoryStore}. */
  public static final class Builder {
    private AmqpBackend backend;
    private String uri;
    private BiFunction<String, String, String> mailboxQueue =
        (channel, agent) -> AmqpBackend.NAME_PREFIX + channel + "." + agent;
    private Duration recordsRetention = DEFAULT_RECORDS_RETENTION;
    private Duration leasesRetention = DEFAULT_LEASES_RETENTION;
    private String connectionName = "reef-directory";

    private Builder() {}

    /**
     * Connects with the settings of a backend (URI, TLS, recovery) and reads its mailbox names.
     *
     * @param backend the backend of the same process
     * @return this builder
     */
    public Builder backend(AmqpBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      this.mailboxQueue = backend::mailboxQueueFor;
      return this;
    }

    /**
     * Connects to a broker URI ({@code amqp://user:password@host:port/vhost}), with the backend's
     * default settings.
     *
     * @param uri the URI
     * @return this builder
     */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * How long the broker keeps card, termination and revival records.
     *
     * @param retention at least a minute
     * @return this builder
     */
    public Builder recordsRetention(Duration retention) {
      if (retention.toSeconds() < 60) {
        throw new IllegalArgumentException("recordsRetention must be at least 1 minute");
      }
      this.recordsRetention = retention;
      return this;
    }

    /**
     * How long the broker keeps lease records; must be longer than any lease.
     *
     * @param retention at least a minute
     * @return this builder
     */
    public Builder leasesRetention(Duration retention) {
      if (retention.toSeconds() < 60) {
        throw new IllegalArgumentException("leasesRetention must be at least 1 minute");
      }
      this.leasesRetention = retention;
      return this;
    }

    /**
     * The name of the store's connection, as the broker shows it.
     *
     * @param name the name
     * @return this builder
     */
    public Builder connectionName(String name) {
      this.connectionName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Connects and builds the store.
     *
     * @return the store
     * @throws ReefException if the broker cannot be reached
     */
    public AmqpDirectoryStore build() {
      AmqpBackend settings = backend;
      if (settings == null) {
        settings = AmqpBackend.builder().uri(uri != null ? uri : AmqpBackend.DEFAULT_URI).build();
      }
      try {
        ConnectionFactory f = settings.connectionFactory();
        return new AmqpDirectoryStore(this, f.newConnection(connectionName));
      } catch (IOException | TimeoutException | GeneralSecurityException e) {
        throw new ReefException("cannot connect the directory to the broker", e);
      }
    }
  }
}
