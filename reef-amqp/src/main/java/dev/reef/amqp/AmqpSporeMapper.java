package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.ReefNames;
import dev.reef.Spore;
import dev.reef.amqp.internal.MalformedWireException;
import dev.reef.amqp.internal.SporeWireMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The backend's view of the spore ↔ AMQP mapping ({@link SporeWireMapper}, in the internal
 * package): the same encoder, with the Praval hosts' zone of each Praval channel, and a reader that
 * reports unreadable messages as {@link MalformedMessageException}. Thread-safe (immutable).
 */
final class AmqpSporeMapper extends SporeWireMapper {
  private final Map<String, ZoneId> pravalZones;
  private final BrokerUsers users;

  /** A mapper writing the Praval layout's naive times in UTC on every channel. */
  AmqpSporeMapper() {
    this(Map.of(), new BrokerUsers(com.rabbitmq.client.ConnectionFactory.DEFAULT_USER));
  }

  /**
   * A mapper writing the Praval layout's naive times, on the given channels, as wall-clock times in
   * their Praval hosts' zone (UTC on the others).
   *
   * @param pravalZones the zone of each channel's Praval hosts, by channel name
   * @param users the backend's broker user, stamped on every publish and read on receipt
   */
  AmqpSporeMapper(Map<String, ZoneId> pravalZones, BrokerUsers users) {
    this.users = Objects.requireNonNull(users, "users");
    Map<String, ZoneId> copy = new LinkedHashMap<>();
    pravalZones.forEach(
        (channel, zone) ->
            copy.put(ReefNames.requireChannel(channel), Objects.requireNonNull(zone, "zone")));
    this.pravalZones = Map.copyOf(copy);
  }

  /**
   * The zone whose wall clock a channel's Praval layout writes.
   *
   * @param channel the channel
   * @return its Praval hosts' zone, UTC by default
   */
  ZoneId pravalZone(String channel) {
    return pravalZones.getOrDefault(channel, ZoneOffset.UTC);
  }

  /** The backend's broker user, and how received messages name theirs. */
  BrokerUsers users() {
    return users;
  }

  /**
   * Encodes a spore for a channel (its Praval zone applies to the Praval layout), with the
   * backend's user in the {@code user_id} property (which the broker verifies).
   *
   * @param channel the channel it is published on
   * @return the message
   */
  Outgoing encode(
      String channel,
      Spore spore,
      HeaderLayout layout,
      boolean persistent,
      Instant now,
      long expiryGraceMillis) {
    Outgoing out = encode(spore, layout, pravalZone(channel), persistent, now, expiryGraceMillis);
    return new Outgoing(
        out.routingKey(), out.properties().builder().userId(users.own()).build(), out.body());
  }

  /**
   * Reads a message of either layout; the spore carries the message's verified {@link
   * Spore#brokerUser()} ({@link BrokerUsers#of}).
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
      return read(routingKey, props, body, maxBodyBytes).withBrokerUser(users.of(props));
    } catch (MalformedWireException e) {
      throw new MalformedMessageException(e.getMessage(), e);
    }
  }
}
