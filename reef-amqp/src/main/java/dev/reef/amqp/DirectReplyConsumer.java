package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.ReefNames;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeValidationException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the responses that come back on the direct reply path ({@code amq.rabbitmq.reply-to},
 * consumed without acknowledgements on the channel the asks' requests are published on) and hands
 * them to the backend's listener. Each carries its channel in {@value #H_CHANNEL}. A message that
 * cannot be read, or an expired response, is counted ({@link SporeEvent#MALFORMED}, {@link
 * SporeEvent#EXPIRED}; an unknown channel or agent as {@code ?}) and dropped: there is no queue to
 * return it to.
 */
final class DirectReplyConsumer extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(DirectReplyConsumer.class);

  /** The header naming the channel of a direct reply: {@value}. */
  static final String H_CHANNEL = "x-reef-channel";

  private final AmqpSporeMapper mapper;
  private final long maxBodyBytes;
  private final BackendEvents events;

  DirectReplyConsumer(
      Channel channel, AmqpSporeMapper mapper, long maxBodyBytes, BackendEvents events) {
    super(channel);
    this.mapper = mapper;
    this.maxBodyBytes = maxBodyBytes;
    this.events = events;
  }

  @Override
  public void handleDelivery(
      String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    String channel = channelOf(props);
    if (channel == null) {
      log.warn(
          "direct reply {} without a valid {} header dropped", props.getMessageId(), H_CHANNEL);
      events.event(SporeEvent.MALFORMED, null, null, null, null);
      return;
    }
    Spore spore;
    try {
      spore = mapper.decode(null, props, body, maxBodyBytes);
    } catch (MalformedMessageException | RuntimeException e) {
      log.warn("malformed direct reply {} dropped: {}", props.getMessageId(), e.getMessage());
      events.event(SporeEvent.MALFORMED, channel, null, null, e);
      return;
    }
    String agent = spore.toAgent() != null ? spore.toAgent() : spore.fromAgent();
    if (spore.isExpired(Instant.now())) {
      events.event(SporeEvent.EXPIRED, channel, agent, spore, null);
      return;
    }
    events.event(SporeEvent.DELIVERED, channel, agent, spore, null);
    events.directReply(channel, spore);
    events.event(SporeEvent.HANDLED, channel, agent, spore, null);
  }

  private static String channelOf(AMQP.BasicProperties props) {
    Object v = props.getHeaders() == null ? null : props.getHeaders().get(H_CHANNEL);
    if (v == null) {
      return null;
    }
    String s = v.toString();
    try {
      return ReefNames.requireChannel(s);
    } catch (SporeValidationException | IllegalArgumentException e) {
      return null;
    }
  }
}
