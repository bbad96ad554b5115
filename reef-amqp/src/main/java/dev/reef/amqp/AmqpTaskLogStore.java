package dev.reef.amqp;

import com.rabbitmq.client.ConnectionFactory;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.spi.TaskLogStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@link TaskLogStore} on RabbitMQ: each channel's task log is one durable <b>stream</b>
 * ({@code x-queue-type: stream}, RabbitMQ 3.9+, read over AMQP 0-9-1), {@code
 * reef-tasks.<channel>}, so that a process that starts watching a task later, or restarts, reads
 * the task's events from the broker first and then live ones.
 *
 * <p>Retention: records older than {@code retention} ({@link #DEFAULT_RETENTION}, 24 hours, by
 * default), or beyond {@code maxBytes} per channel ({@value #DEFAULT_MAX_BYTES} bytes, 512 MiB, by
 * default), are dropped by the broker a segment (8 MB) at a time, so a follower reads at most that
 * history. A stream that already exists with other settings is used as it is.
 *
 * <p>Records are appended through the default exchange with publisher confirms (an append's future
 * completes on the broker's confirm) and read from {@code first} by one consumer per {@link
 * #follow} on a channel of its own; after a connection loss the consumer reads again from {@code
 * first} and skips the offsets it already handed on, so a sink sees each record once, in order. The
 * store opens its own connection (with the settings of an {@link AmqpBackend} when built from one,
 * named {@code <connection name>-tasks}).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class AmqpTaskLogStore implements TaskLogStore {
  /**
   * The prefix of the stream names: {@value}. Not {@code reef.}: every {@code reef.<channel>.<...>}
   * name may be a mailbox.
   */
  public static final String STREAM_PREFIX = "reef-tasks.";

  /** The default retention of a task log: 24 hours. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /** The default size cap of one channel's task log: {@value} bytes (512 MiB). */
  public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;

  /** The segment size of the task streams (retention drops a segment at a time). */
  static final int SEGMENT_BYTES = 8_000_000;

  private final StreamLogs logs;
  private final StreamLogs.Retention retention;

  private AmqpTaskLogStore(StreamLogs logs, StreamLogs.Retention retention) {
    this.logs = logs;
    this.retention = retention;
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
   * The stream holding a channel's task log.
   *
   * @param channel a valid channel name
   * @return {@code reef-tasks.<channel>}
   */
  public static String streamFor(String channel) {
    ReefNames.requireChannel(channel);
    return STREAM_PREFIX + channel;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes on the broker's publisher confirm; fails with a {@link dev.reef.PublishException}
   * on a nack or a connection loss before the confirm, a {@link dev.reef.ReefClosedException} after
   * close.
   */
  @Override
  public CompletableFuture<Void> append(String channel, byte[] record) {
    Objects.requireNonNull(record, "record");
    return logs.append(streamFor(channel), retention, record);
  }

  @Override
  public AutoCloseable follow(String channel, Consumer<byte[]> sink) {
    Objects.requireNonNull(sink, "sink");
    return logs.follow(streamFor(channel), retention, sink);
  }

  @Override
  public void close() {
    logs.close();
  }

  /** Builds an {@link AmqpTaskLogStore}. */
  public static final class Builder {
    private AmqpBackend backend;
    private String uri;
    private Duration retention = DEFAULT_RETENTION;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private String connectionName = "reef-tasks";

    private Builder() {}

    /**
     * Connects with the settings of a backend (URI, TLS, recovery), and takes its task log
     * retention ({@link AmqpBackend.Builder#taskLogRetention}, {@link
     * AmqpBackend.Builder#taskLogMaxBytes}) and its connection name with {@code -tasks}.
     *
     * @param backend the backend of the same process
     * @return this builder
     */
    public Builder backend(AmqpBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      AmqpSettings s = backend.settings();
      this.retention = s.taskLogRetention();
      this.maxBytes = s.taskLogMaxBytes();
      this.connectionName = s.connectionName() + "-tasks";
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
     * How long the broker keeps task records. Default {@link #DEFAULT_RETENTION} (24 hours).
     *
     * @param retention at least a minute
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = checkRetention(retention);
      return this;
    }

    /**
     * The size cap of one channel's task log. Default {@value #DEFAULT_MAX_BYTES} (512 MiB).
     *
     * @param bytes at least {@value #SEGMENT_BYTES} (one segment)
     * @return this builder
     */
    public Builder maxBytes(long bytes) {
      this.maxBytes = checkMaxBytes(bytes);
      return this;
    }

    /**
     * The name of the store's connection, as the broker shows it. Default {@code reef-tasks}.
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
    public AmqpTaskLogStore build() {
      AmqpBackend settings = backend;
      if (settings == null) {
        settings = AmqpBackend.builder().uri(uri != null ? uri : AmqpBackend.DEFAULT_URI).build();
      }
      try {
        ConnectionFactory f = settings.connectionFactory();
        return new AmqpTaskLogStore(
            new StreamLogs(f.newConnection(connectionName), "task log"),
            new StreamLogs.Retention(retention, maxBytes, SEGMENT_BYTES));
      } catch (IOException | TimeoutException | GeneralSecurityException e) {
        throw new ReefException("cannot connect the task log to the broker", e);
      }
    }
  }

  static Duration checkRetention(Duration retention) {
    if (retention == null || retention.toSeconds() < 60) {
      throw new IllegalArgumentException("task log retention must be at least 1 minute");
    }
    return retention;
  }

  static long checkMaxBytes(long bytes) {
    if (bytes < SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "task log maxBytes must be at least " + SEGMENT_BYTES + ", was " + bytes);
    }
    return bytes;
  }
}
