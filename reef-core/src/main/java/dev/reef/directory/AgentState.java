package dev.reef.directory;

/** What the directory knows of an agent on a channel. */
public enum AgentState {
  /** At least one instance holds a live lease. */
  ACTIVE,
  /** The agent has a mailbox (or a card) but no live instance: spores wait. */
  IDLE,
  /** The agent was terminated for good. */
  TERMINATED,
  /** Neither a card, nor a mailbox, nor a termination is known. */
  UNKNOWN
}
