package dev.reef.directory;

import java.time.Instant;

/**
 * One live process instance of an agent, as Reef filled it in: several processes consuming one
 * agent's mailbox (competing consumers) are several instances of it.
 *
 * @param id the instance id (a UUID chosen when the instance registered)
 * @param host the host name of the process
 * @param pid the process id, or 0 if unknown
 * @param startedAt when the instance registered
 * @param lastSeen when its lease was last renewed, as this process saw it
 */
public record AgentInstance(
    String id, String host, long pid, Instant startedAt, Instant lastSeen) {}
