package dev.reef.directory;

import org.jspecify.annotations.Nullable;

/**
 * A change in the directory.
 *
 * @param type what happened
 * @param channel the channel
 * @param agent the agent
 * @param instance the instance that joined or left, or null for {@link DirectoryEventType#CHANGED}
 * @param entry the agent's entry after the change, or null if it has no card
 */
public record DirectoryEvent(
    DirectoryEventType type,
    String channel,
    String agent,
    @Nullable AgentInstance instance,
    @Nullable DirectoryEntry entry) {}
