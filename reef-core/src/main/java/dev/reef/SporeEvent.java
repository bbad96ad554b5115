package dev.reef;

/**
 * What can happen to a spore; each is counted per channel and per agent in {@link ReefStats}.
 *
 * <p>Every spore that does not reach a handler ends in exactly one of the dropping events ({@link
 * #EXPIRED}, {@link #DEAD_LETTERED}, {@link #REJECTED}, {@link #DROPPED_OLDEST}, {@link
 * #UNROUTABLE}, {@link #MALFORMED}, {@link #DUPLICATE}): nothing is dropped without a reason and a
 * counter.
 */
public enum SporeEvent {
  /** The sender published a spore and the backend accepted it (counted for the sender). */
  SENT,
  /** Publishing failed (counted for the sender). */
  SEND_FAILED,
  /** A spore was handed to the agent's handlers (counted for the receiver, per attempt). */
  DELIVERED,
  /** All the agent's handlers succeeded and the spore was settled. */
  HANDLED,
  /** A handler failed and the spore will be delivered again after a backoff. */
  RETRIED,
  /** The spore was moved to the dead letters (handler failures exhausted, or bad input). */
  DEAD_LETTERED,
  /** The spore expired before it reached a handler and was not handed to one. */
  EXPIRED,
  /** A full mailbox rejected the spore ({@link MailboxFullException}). */
  REJECTED,
  /** A full mailbox with the drop-oldest policy discarded its oldest spore to take a new one. */
  DROPPED_OLDEST,
  /** A directed spore named an agent with no mailbox ({@link UnknownAgentException}). */
  UNROUTABLE,
  /** A message from the wire could not be read as a spore; it was dead-lettered. */
  MALFORMED,
  /** A redelivered or repeated spore was recognised and not handed to handlers again. */
  DUPLICATE,
  /** The authorization hook or the broadcast rate limit refused an action. */
  DENIED,
  /**
   * Not about one spore: the broker started blocking this reef's publishes (flow control under a
   * memory or disk alarm); counted once per blocked period, with no channel or agent. Publishes
   * fail meanwhile (see the backend). Backends without flow control never count it.
   */
  BROKER_BLOCKED,
  /**
   * Not about one spore: a mailbox this reef consumes was deleted under its consumer (by an
   * operator or another application); the backend declares and consumes it again. The spores that
   * waited in it are gone with it.
   */
  MAILBOX_DELETED,
  /**
   * A delivered spore carried a malformed W3C {@code traceparent} (from a foreign publisher): the
   * handler ran anyway, in a new trace (counted for the receiver, per delivery). Not a dropping
   * event: the spore was delivered.
   */
  TRACE_CONTEXT_MALFORMED
}
