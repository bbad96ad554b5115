package dev.reef.amqp.internal;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * A tap on a channel's traffic that takes no spore from the agents, shared by {@code reef-cli tail}
 * and the console's flow tail: the channel's exchange declared as the backend declares it (so the
 * tap can start before any agent), and a server-named, non-durable, exclusive, auto-delete queue of
 * the tap's own, bounded ({@code x-max-length}, oldest dropped), bound with {@link #BROADCASTS}
 * and, per agent, {@link #agentKey(String)}. Never {@code #}: that would make every directed spore
 * routable and senders to agents without a mailbox would get no {@code UnknownAgentException}.
 * <b>Internal, not API.</b>
 */
public final class TapQueues {
  /** The binding key of every broadcast on the channel. */
  public static final String BROADCASTS = "broadcast.#";

  private TapQueues() {}

  /**
   * Declares the exchange and a new tap queue bound to {@link #BROADCASTS}.
   *
   * @param ch an open channel; the queue lives as long as its connection
   * @param exchange the channel's exchange ({@code AmqpBackend#exchangeFor})
   * @param maxBacklog the most messages the queue holds; the oldest are dropped beyond
   * @return the queue's name
   * @throws IOException if the broker refused
   */
  public static String declare(Channel ch, String exchange, int maxBacklog) throws IOException {
    ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
    String queue =
        ch.queueDeclare(
                "",
                false,
                true,
                true,
                Map.of("x-max-length", maxBacklog, "x-overflow", "drop-head"))
            .getQueue();
    ch.queueBind(queue, exchange, BROADCASTS);
    return queue;
  }

  /**
   * The binding key of every spore directed to an agent.
   *
   * @param agent a valid agent name
   * @return {@code agent.<agent>.#}
   */
  public static String agentKey(String agent) {
    return "agent." + agent + ".#";
  }
}
