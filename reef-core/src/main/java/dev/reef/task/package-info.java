/**
 * Tasks: work handed to an agent, or to any live agent with a capability, with a lifecycle ({@link
 * dev.reef.task.TaskState}), progress events anyone can follow from the task log, a per-attempt
 * timeout, retries with failover, worker-side deduplication and statistics. Reached from {@link
 * dev.reef.ReefChannel#tasks()}; wire format and rules in docs/tasks.md.
 */
@NullMarked
package dev.reef.task;

import org.jspecify.annotations.NullMarked;
