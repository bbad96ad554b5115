package dev.reef.directory;

/** The kinds of {@link DirectoryEvent}. */
public enum DirectoryEventType {
  /** An instance of an agent became live (registered, or seen for the first time). */
  JOINED,
  /** An instance left cleanly, or its lease ran out. */
  LEFT,
  /** An agent's card was replaced, or the agent was terminated or revived. */
  CHANGED
}
