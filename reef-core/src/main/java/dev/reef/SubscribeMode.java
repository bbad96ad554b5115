package dev.reef;

/** Whether a new handler joins the agent's handlers or replaces them. */
public enum SubscribeMode {
  /** The handler runs beside the agent's existing handlers (the default). */
  ADD,
  /** The handler replaces every existing handler of the agent on the channel. */
  REPLACE
}
