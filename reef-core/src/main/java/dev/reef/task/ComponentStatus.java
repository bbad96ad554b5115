package dev.reef.task;

/**
 * The progress of one component of a multi-step task.
 *
 * @param name the component
 * @param progress its progress in [0, 1]
 * @param message its latest message, or null
 */
public record ComponentStatus(String name, double progress, String message) {}
