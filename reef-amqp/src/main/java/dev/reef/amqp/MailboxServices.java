package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The {@link MailboxContext} of a started backend: each call goes to the part that does it. */
final class MailboxServices implements MailboxContext {
  private final AmqpSettings settings;
  private final AmqpSporeMapper mapper;
  private final BackendEvents events;
  private final BackendThreads threads;
  private final PublisherPool pool;
  private final Topology topology;
  private final DirectReplies directReplies;
  private final MailboxRegistry registry;

  private final BrokerNotices notices;

  MailboxServices(
      AmqpSettings settings,
      AmqpSporeMapper mapper,
      BackendEvents events,
      BackendThreads threads,
      PublisherPool pool,
      Topology topology,
      DirectReplies directReplies,
      MailboxRegistry registry,
      BrokerNotices notices) {
    this.notices = notices;
    this.settings = settings;
    this.mapper = mapper;
    this.events = events;
    this.threads = threads;
    this.pool = pool;
    this.topology = topology;
    this.directReplies = directReplies;
    this.registry = registry;
  }

  @Override
  public AmqpSporeMapper mapper() {
    return mapper;
  }

  @Override
  public long maxBodyBytes() {
    return settings.maxBodyBytes();
  }

  @Override
  public long expiryGraceMillis() {
    return settings.expiryGraceMillis();
  }

  @Override
  public RetryPolicy retryPolicy() {
    return settings.retryPolicy();
  }

  @Override
  public String deadLetterExchange(String channel) {
    return topology.ensureDeadLetters(channel);
  }

  @Override
  public void event(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    events.event(event, channel, agent, spore, error);
  }

  @Override
  public void mailboxDeleted(String channel, String agent, String queue) {
    notices.mailboxDeleted(channel, agent, queue);
  }

  @Override
  public void rememberReplyAddress(String channel, Spore spore, String replyTo) {
    directReplies.rememberReplyAddress(channel, spore, replyTo);
  }

  @Override
  public void schedule(Runnable task, Duration delay) {
    threads.schedule(task, delay);
  }

  @Override
  public CompletableFuture<Boolean> publishRaw(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    // A received message republished: it must carry this backend's user_id (BrokerUsers).
    return pool.publishSettling(exchange, routingKey, mapper.users().republished(props), body);
  }

  @Override
  public void declareMailbox(String channel, String agent) {
    topology.declareMailbox(channel, agent);
  }

  @Override
  public void inflightChanged(int delta) {
    registry.inflightChanged(delta);
  }

  @Override
  public Executor deliveryPool() {
    return threads.dispatch();
  }

  @Override
  public Channel acquireChannel() throws IOException {
    return registry.acquireChannel();
  }

  @Override
  public void releaseChannel(Channel channel) {
    registry.release(channel);
  }

  @Override
  public void unregister(AmqpMailbox mailbox) {
    registry.unregister(mailbox);
  }
}
