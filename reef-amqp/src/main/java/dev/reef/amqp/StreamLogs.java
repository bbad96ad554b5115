package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only logs kept in durable RabbitMQ <b>streams</b> ({@code x-queue-type: stream}, RabbitMQ
 * 3.9+, read over AMQP 0-9-1), on one connection owned by this object: a stream is declared once
 * with its {@link Retention} (one that exists with other settings is used as it is), records are
 * appended through the default exchange with publisher confirms ({@link StreamAppender}) and
 * followed from the first retained record by a consumer of their own ({@link StreamFollower}).
 *
 * <p>The plumbing shared by {@link AmqpDirectoryStore} and {@link AmqpTaskLogStore}.
 *
 * <p>Thread-safety: thread-safe.
 */
final class StreamLogs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLogs.class);

  /**
   * How long a stream keeps its records: the broker drops whole segments whose records are all
   * older than {@code maxAge}, or the oldest segments while the stream is larger than {@code
   * maxLengthBytes} (0: no size cap).
   *
   * @param maxAge the age limit, at least a second
   * @param maxLengthBytes the size cap in bytes, 0 for none
   * @param segmentBytes the segment size (retention drops a segment at a time)
   */
  record Retention(Duration maxAge, long maxLengthBytes, int segmentBytes) {
    Retention {
      if (maxAge.toSeconds() < 1) {
        throw new IllegalArgumentException("maxAge must be at least 1 second");
      }
      if (maxLengthBytes < 0 || segmentBytes <= 0) {
        throw new IllegalArgumentException("sizes must be positive");
      }
    }

    Map<String, Object> arguments() {
      Map<String, Object> args = new HashMap<>();
      args.put("x-queue-type", "stream");
      args.put("x-max-age", maxAge.toSeconds() + "s");
      args.put("x-stream-max-segment-size-bytes", segmentBytes);
      if (maxLengthBytes > 0) {
        args.put("x-max-length-bytes", maxLengthBytes);
      }
      return args;
    }
  }

  /** One channel operation that may close the channel. */
  @FunctionalInterface
  interface ChannelCall<T> {
    T call(Channel ch) throws IOException;
  }

  private final Connection connection;
  private final String what;
  private final StreamAppender appender;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final List<StreamFollower> followers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param connection the connection, owned (closed) by this object from now on
   * @param what what the streams hold, for messages ({@code "directory"}, {@code "task log"})
   */
  StreamLogs(Connection connection, String what) {
    this.connection = connection;
    this.what = what;
    this.appender = new StreamAppender(connection);
  }

  boolean isClosed() {
    return closed.get();
  }

  ReefClosedException closedError() {
    return new ReefClosedException("the " + what + " store is closed");
  }

  /**
   * Declares a stream unless this object already did.
   *
   * @throws ReefException if it can neither be declared nor used as it is
   * @throws ReefClosedException if closed
   */
  void declare(String stream, Retention retention) {
    if (declared.contains(stream)) {
      return;
    }
    try {
      withChannel(ch -> ch.queueDeclare(stream, true, false, false, retention.arguments()));
    } catch (IOException e) {
      if (!isCode(e, AMQP.PRECONDITION_FAILED)) {
        throw new ReefException("declaring " + what + " stream " + stream + " failed", e);
      }
      // It exists with other settings (another retention): use it as it is.
      try {
        withChannel(ch -> ch.queueDeclarePassive(stream));
      } catch (IOException e2) {
        throw new ReefException(what + " stream " + stream + " cannot be used", e2);
      }
    }
    declared.add(stream);
  }

  /**
   * Declares the stream if needed and appends a record.
   *
   * @return completes on the broker's confirm; fails with a {@link ReefException} otherwise
   */
  CompletableFuture<Void> append(String stream, Retention retention, byte[] record) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedError());
    }
    try {
      declare(stream, retention);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    return appender.append(stream, record);
  }

  /**
   * Declares the stream if needed and follows it from its first retained record.
   *
   * @return closes the follower
   * @throws ReefException if the stream cannot be followed
   */
  AutoCloseable follow(String stream, Retention retention, Consumer<byte[]> sink) {
    if (closed.get()) {
      throw closedError();
    }
    declare(stream, retention);
    try {
      StreamFollower f = StreamFollower.start(connection, stream, sink);
      followers.add(f);
      if (closed.get()) { // closed meanwhile: close() may have missed it
        followers.remove(f);
        f.close();
        throw closedError();
      }
      return () -> {
        followers.remove(f);
        f.close();
      };
    } catch (IOException e) {
      throw new ReefException("following " + what + " stream " + stream + " failed", e);
    }
  }

  /**
   * Runs a call on a short-lived channel of the connection.
   *
   * @throws ReefClosedException if closed
   */
  <T> T withChannel(ChannelCall<T> call) throws IOException {
    if (closed.get()) {
      throw closedError();
    }
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new IOException("no channel available on the " + what + " connection");
    }
    try {
      return call.call(ch);
    } finally {
      try {
        if (ch.isOpen()) {
          ch.close();
        }
      } catch (IOException | TimeoutException | ShutdownSignalException e) {
        LOG.debug("closing a {} channel failed", what, e);
      }
    }
  }

  /** Whether a failed channel call was closed by the broker with this reply code. */
  static boolean isCode(IOException e, int code) {
    Throwable c = e.getCause();
    if (c instanceof ShutdownSignalException) {
      Object reason = ((ShutdownSignalException) c).getReason();
      return reason instanceof AMQP.Channel.Close
          && ((AMQP.Channel.Close) reason).getReplyCode() == code;
    }
    return false;
  }

  /** Stops the followers and closes the connection. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    followers.forEach(StreamFollower::close);
    followers.clear();
    try {
      connection.close(5_000);
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the {} connection failed", what, e);
    }
  }
}
