package dev.reef.directory;

/**
 * The status of an agent on a channel ({@link AgentDirectory#status(String, String)}).
 *
 * @param state the state
 * @param mailboxDepth spores waiting in its mailbox, or -1 if it has none
 * @param consumers consumers attached to its mailbox over all processes, or -1 if it has none
 * @param liveInstances instances holding a live lease
 */
public record AgentStatus(AgentState state, long mailboxDepth, int consumers, int liveInstances) {}
