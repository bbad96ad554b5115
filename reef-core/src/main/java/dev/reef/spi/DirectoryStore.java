package dev.reef.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where the agent directory ({@code dev.reef.directory.AgentDirectory}) keeps its records: two
 * append-only logs per channel, read by every process from their start and followed live.
 * Implementations: {@code dev.reef.memory.InMemoryDirectoryStore} (shared by the backends of one
 * {@code InMemoryHub}) and {@code dev.reef.amqp.AmqpDirectoryStore} (RabbitMQ streams, durable in
 * the broker).
 *
 * <p>The store moves opaque records (UTF-8 JSON, format in docs/directory.md); it does not read
 * them. It must keep, for each log of a channel, one order that every follower sees, and keep the
 * records at least as long as its retention for that log. A follower added later first receives the
 * records still retained, then the new ones.
 *
 * <p>Thread-safety: implementations are thread-safe. A sink is called from one thread at a time per
 * follow and must be fast.
 */
public interface DirectoryStore extends AutoCloseable {

  /** The two logs of a channel. */
  enum Log {
    /** Cards, terminations and revivals: few records, kept long (days). */
    RECORDS,
    /** Leases and leaves: one record per instance every few seconds, kept briefly (minutes). */
    LEASES
  }

  /**
   * Appends a record.
   *
   * @param channel a valid channel name
   * @param log the log
   * @param record the encoded record
   * @return completes when the store has the record durably (as durable as the store is), or fails
   *     with a {@link dev.reef.ReefException}
   */
  CompletableFuture<Void> append(String channel, Log log, byte[] record);

  /**
   * Follows a log: the sink receives every retained record in order, then every new one, until the
   * returned handle is closed. There is no end-of-history signal: the directory appends a marker
   * and waits for it to come back.
   *
   * @param channel a valid channel name
   * @param log the log
   * @param sink receives each record
   * @return closing it stops following
   * @throws dev.reef.ReefException if the log cannot be read
   */
  AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink);

  /**
   * The state of an agent's mailbox, read from the transport.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return the state, or null if the agent has no mailbox on the channel
   * @throws dev.reef.ReefException if the transport cannot be asked
   */
  @Nullable MailboxInfo mailbox(String channel, String agent);

  /** Stops following and releases resources. Idempotent. */
  @Override
  void close();

  /**
   * What the transport says about a mailbox.
   *
   * @param depth spores waiting (ready) in it
   * @param consumers consumers attached to it, over all processes
   */
  record MailboxInfo(long depth, int consumers) {}
}
