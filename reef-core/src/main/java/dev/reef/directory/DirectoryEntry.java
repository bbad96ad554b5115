package dev.reef.directory;

import java.util.List;

/**
 * A card with what the directory knows of it: its state and its live instances.
 *
 * @param channel the channel
 * @param card the agent's latest card
 * @param state {@link AgentState#ACTIVE} with live instances, {@link AgentState#IDLE} without, or
 *     {@link AgentState#TERMINATED}
 * @param instances the live instances, oldest first
 */
public record DirectoryEntry(
    String channel, AgentCard card, AgentState state, List<AgentInstance> instances) {
  /**
   * The agent name.
   *
   * @return the name of the card
   */
  public String name() {
    return card.name();
  }
}
