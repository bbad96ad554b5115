package dev.reef.spi;

import dev.reef.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ReefBackend} that forwards every method, the SPI's default methods included, to another
 * backend; decorators (the conformance suite's recorder, tests, a third party's metrics) extend it
 * and override what they observe. Forwarding the defaults matters: a decorator that inherited
 * {@link ReefBackend#directReplies(String)} would silently turn the delegate's direct replies off.
 */
public abstract class ForwardingBackend implements ReefBackend {
  /** The backend forwarded to. */
  protected final ReefBackend delegate;

  /**
   * Wraps a backend.
   *
   * @param delegate the backend
   */
  protected ForwardingBackend(ReefBackend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void start(BackendListener listener) {
    delegate.start(listener);
  }

  @Override
  public CompletableFuture<Spore> publish(String channel, Spore spore) {
    return delegate.publish(channel, spore);
  }

  @Override
  public List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
    return delegate.publishAll(channel, spores);
  }

  @Override
  public boolean directReplies(String channel) {
    return delegate.directReplies(channel);
  }

  @Override
  public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    return delegate.publishRequest(channel, request);
  }

  @Override
  public void declareMailbox(String channel, String agent) {
    delegate.declareMailbox(channel, agent);
  }

  @Override
  public void removeMailboxIfIdle(String channel, String agent) {
    delegate.removeMailboxIfIdle(channel, agent);
  }

  @Override
  public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
    return delegate.consume(channel, agent, consumer);
  }

  @Override
  public MailboxReceiver receiver(String channel, String agent) {
    return delegate.receiver(channel, agent);
  }

  @Override
  public DirectoryStore directoryStore() {
    return delegate.directoryStore();
  }

  @Override
  public TaskLogStore taskLogStore() {
    return delegate.taskLogStore();
  }

  @Override
  public Set<String> knownAgents(String channel) {
    return delegate.knownAgents(channel);
  }

  @Override
  public long backlog() {
    return delegate.backlog();
  }

  @Override
  public Map<String, Map<String, Long>> mailboxDepths() {
    return delegate.mailboxDepths();
  }

  @Override
  public DeadLetterStore deadLetterStore() {
    return delegate.deadLetterStore();
  }

  @Override
  public void close(Duration drainTimeout) {
    delegate.close(drainTimeout);
  }
}
