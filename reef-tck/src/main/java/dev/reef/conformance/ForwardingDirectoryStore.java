package dev.reef.conformance;

import dev.reef.spi.DirectoryStore;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link DirectoryStore} that forwards every method to another store; test decorators extend it
 * and override what they observe or break.
 */
public abstract class ForwardingDirectoryStore implements DirectoryStore {
  /** The store forwarded to. */
  protected final DirectoryStore delegate;

  /**
   * Wraps a store.
   *
   * @param delegate the store
   */
  protected ForwardingDirectoryStore(DirectoryStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
    return delegate.append(channel, log, record);
  }

  @Override
  public AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink) {
    return delegate.follow(channel, log, sink);
  }

  @Override
  public MailboxInfo mailbox(String channel, String agent) {
    return delegate.mailbox(channel, agent);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
