/**
 * The embedded in-memory backend: {@link dev.reef.memory.InMemoryBackend} on an {@link
 * dev.reef.memory.InMemoryHub} (mailboxes, overflow policy, dead letters). Several backends on one
 * hub behave like several processes on one broker.
 */
@NullMarked
package dev.reef.memory;

import org.jspecify.annotations.NullMarked;
