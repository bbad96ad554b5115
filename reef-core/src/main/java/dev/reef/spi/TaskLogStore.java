package dev.reef.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where tasks keep their records: one append-only log per channel, read from its retained start and
 * followed live. Implementations: {@code dev.reef.memory.InMemoryTaskLogStore} (shared by the
 * backends of one {@code InMemoryHub}); a broker backend keeps the log in the broker so that every
 * process can read it.
 *
 * <p>The store moves opaque records (UTF-8 JSON, format in docs/tasks.md); it does not read them.
 * It keeps, for each channel, one order that every follower sees, and keeps the records at least as
 * long as its documented retention. A follower added later first receives the records still
 * retained, then the new ones.
 *
 * <p>Thread-safety: implementations are thread-safe. A sink is called from one thread at a time per
 * follow and must be fast; it must not block on the store.
 */
public interface TaskLogStore extends AutoCloseable {

  /** The store of a backend without task logs: {@link #append} and {@link #follow} throw. */
  TaskLogStore UNSUPPORTED = new Unsupported();

  /**
   * Appends a record (opaque UTF-8 JSON).
   *
   * @param channel a valid channel name
   * @param record the encoded record
   * @return completes when the store has the record as durably as the store is, or fails with a
   *     {@link dev.reef.ReefException}
   */
  CompletableFuture<Void> append(String channel, byte[] record);

  /**
   * Follows a channel's log: the sink receives every retained record in order, then every new one,
   * until the returned handle is closed. There is no end-of-history signal.
   *
   * @param channel a valid channel name
   * @param sink receives each record
   * @return closing it stops following
   * @throws dev.reef.ReefException if the log cannot be read
   */
  AutoCloseable follow(String channel, Consumer<byte[]> sink);

  /** Stops following, releases resources. Idempotent. */
  @Override
  void close();

  /** The store of a backend that keeps no task log. Closing it does nothing. */
  final class Unsupported implements TaskLogStore {
    private Unsupported() {}

    private static UnsupportedOperationException unsupported() {
      return new UnsupportedOperationException(
          "this backend keeps no task log: tasks need a backend with a TaskLogStore"
              + " (in-memory or AMQP)");
    }

    @Override
    public CompletableFuture<Void> append(String channel, byte[] record) {
      throw unsupported();
    }

    @Override
    public AutoCloseable follow(String channel, Consumer<byte[]> sink) {
      throw unsupported();
    }

    @Override
    public void close() {}
  }
}
