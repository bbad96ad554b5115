package dev.reef.memory;

/**
 * What a full in-memory mailbox does with a new spore. Either way the outcome is counted: nothing
 * is dropped without a reason and a counter.
 */
public enum OverflowPolicy {
  /**
   * Refuse the new spore: the publish fails with {@link dev.reef.MailboxFullException} and {@link
   * dev.reef.SporeEvent#REJECTED} is counted (the default).
   */
  REJECT,
  /**
   * Make room by discarding the oldest spore of the lowest priority waiting in the mailbox (the one
   * that would be delivered last); it is counted as {@link dev.reef.SporeEvent#DROPPED_OLDEST} and
   * dead-lettered with reason {@code dropped_oldest}. If the new spore has a lower priority than
   * everything waiting, the new spore itself is the one dropped.
   */
  DROP_OLDEST
}
