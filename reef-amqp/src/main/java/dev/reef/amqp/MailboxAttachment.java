package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mailbox's consumer on one shared consumer channel: forwards what the channel delivers to its
 * {@link AmqpMailbox}, naming itself, so that every delivery is settled on the channel it came from
 * (a delivery tag means nothing on another channel; acknowledging it there would close that channel
 * too). A mailbox whose channel was closed under it gets a new attachment on another channel; the
 * old one is retired. Thread-safe.
 */
final class MailboxAttachment extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(MailboxAttachment.class);

  private final AmqpMailbox mailbox;
  private volatile String consumerTag;
  private volatile boolean cancelledByBroker;

  MailboxAttachment(Channel channel, AmqpMailbox mailbox) {
    super(channel);
    this.mailbox = mailbox;
  }

  /** Consumes the queue on this attachment's channel (manual acknowledgement). */
  void start(String queue) throws IOException {
    consumerTag = getChannel().basicConsume(queue, false, this);
  }

  /** Whether the consumer is on: started, not cancelled by the broker, its channel open. */
  boolean isLive() {
    return consumerTag != null && !cancelledByBroker && getChannel().isOpen();
  }

  /** Cancels the consumer if the channel is still open; failures are logged, never thrown. */
  void cancel() {
    String tag = consumerTag;
    Channel ch = getChannel();
    try {
      if (tag != null && ch.isOpen()) {
        ch.basicCancel(tag);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cancel of the consumer on {} failed: {}", mailbox.queue(), e.toString());
    }
  }

  /**
   * Forgets the consumer of a channel the broker closed: amqp-client would otherwise consume with
   * it again after a later connection recovery (it keeps the consumers of a channel it did not
   * close itself), beside the attachment that replaced it.
   */
  void retire() {
    String tag = consumerTag;
    if (tag != null && getChannel() instanceof AutorecoveringChannel recovering) {
      recovering.deleteRecordedConsumer(tag);
    }
  }

  @Override
  public void handleDelivery(
      String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    mailbox.delivered(this, envelope, props, body);
  }

  @Override
  public void handleCancel(String tag) {
    cancelledByBroker = true;
    mailbox.cancelledByBroker(this);
  }

  @Override
  public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
    if (!sig.isInitiatedByApplication()) {
      log.debug("channel of mailbox {} shut down: {}", mailbox.queue(), sig.getMessage());
    }
  }
}
