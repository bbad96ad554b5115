package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.Spore;
import dev.reef.amqp.internal.MalformedWireException;
import dev.reef.amqp.internal.SporeWireMapper;

/**
 * The backend's view of the spore ↔ AMQP mapping ({@link SporeWireMapper}, in the internal
 * package): the same encoder, and a reader that reports unreadable messages as {@link
 * MalformedMessageException}. Thread-safe (stateless).
 */
final class AmqpSporeMapper extends SporeWireMapper {
  /**
   * Reads a message of either layout.
   *
   * @param routingKey the routing key it was published with (a fallback for the type and target)
   * @param props its properties
   * @param body its body
   * @param maxBodyBytes the largest body accepted
   * @return the spore
   * @throws MalformedMessageException naming what is wrong
   */
  Spore decode(String routingKey, AMQP.BasicProperties props, byte[] body, long maxBodyBytes)
      throws MalformedMessageException {
    try {
      return read(routingKey, props, body, maxBodyBytes);
    } catch (MalformedWireException e) {
      throw new MalformedMessageException(e.getMessage(), e);
    }
  }
}
