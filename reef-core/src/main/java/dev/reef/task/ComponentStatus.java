package dev.reef.task;

import org.jspecify.annotations.Nullable;

/**
 * The progress of one component of a multi-step task.
 *
 * @param name the component
 * @param progress its progress in [0, 1]
 * @param message its latest message, or null
 */
public record ComponentStatus(String name, double progress, @Nullable String message) {}
