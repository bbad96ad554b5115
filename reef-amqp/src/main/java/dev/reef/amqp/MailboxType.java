package dev.reef.amqp;

/**
 * The kind of RabbitMQ queue that holds an agent's mailbox, chosen per channel with {@link
 * AmqpBackend.Builder#mailboxType(String, MailboxType)} (default: {@link
 * AmqpBackend.Builder#quorumMailboxes(boolean)} for the whole backend). The type is fixed when the
 * queue is first declared: the broker refuses to redeclare a queue with another type, so changing
 * it for an existing mailbox needs the queue deleted (and its spores drained) first.
 */
public enum MailboxType {
  /**
   * A classic queue with {@code x-max-priority 10}: a backlog is served by priority, then in
   * publish order. Its messages live on one node: if that node is lost, the mailbox is unavailable
   * until the node returns (durable, persistent spores survive a restart of the node).
   */
  CLASSIC,

  /**
   * A quorum queue ({@code x-queue-type=quorum}): replicated to a majority of a cluster's nodes
   * (Raft), so the mailbox survives the loss of a minority of nodes, including its leader's; a new
   * leader is elected within seconds and consumers resume on it. Trade-offs: no priorities before
   * RabbitMQ 4.0 (a backlog is served in arrival order, the spore's {@code priority} is still
   * carried), more disk and network per spore, and a delivery limit ({@code x-delivery-limit},
   * {@link AmqpBackend.Builder#quorumDeliveryLimit(int)}) after which a spore the broker had to
   * redeliver too often (a poison spore that crashes its consumers) is dead-lettered.
   */
  QUORUM
}
