package dev.reef.task;

import java.time.Duration;

/**
 * Task statistics of one agent or capability, as seen by the requesters of this reef. For an agent
 * the counts are of attempts sent to it; for a capability, of tasks routed by it.
 *
 * @param submitted attempts sent (agent) or tasks submitted (capability)
 * @param completed completed
 * @param failed attempts failed, timed out or lost (agent) or tasks that ended FAILED (capability)
 * @param retried retries away from this agent (agent) or of tasks of this capability
 * @param successRate completed / (completed + failed), or NaN before any outcome
 * @param p50 median latency, submission of the attempt to its result (last 1,024 results)
 * @param p90 90th percentile latency
 * @param p99 99th percentile latency
 * @param successEwma exponentially weighted moving average of success (1) and failure (0), alpha
 *     0.3; NaN before any outcome
 * @param latencyEwmaMillis moving average of the latency of completed attempts, in ms; NaN before
 *     any
 */
public record TaskCounters(
    long submitted,
    long completed,
    long failed,
    long retried,
    double successRate,
    Duration p50,
    Duration p90,
    Duration p99,
    double successEwma,
    double latencyEwmaMillis) {}
