package dev.reef;

/** An action the {@link ReefAuthorizer} is asked about. */
public enum ReefAction {
  /** Publishing a directed spore (send, request, reply, ask, gather to named agents). */
  SEND,
  /** Publishing an undirected spore (broadcast, system broadcast, undirected gather). */
  BROADCAST,
  /** Attaching a handler to an agent's mailbox. */
  SUBSCRIBE
}
