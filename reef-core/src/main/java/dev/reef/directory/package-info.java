/**
 * The agent directory: {@link dev.reef.directory.AgentDirectory} (register agents with a card,
 * discover them by kind or capability, follow their instances and status, terminate them), kept as
 * a log of records in a {@link dev.reef.spi.DirectoryStore}.
 */
@NullMarked
package dev.reef.directory;

import org.jspecify.annotations.NullMarked;
