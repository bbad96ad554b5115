package dev.reef.observe;

/**
 * A change in the state of a backend's connection, reported to {@link
 * ReefListener#onConnectionStateChanged}. The in-memory backend has no connection: a reef over it
 * reports only {@link #CONNECTED} when it starts and {@link #CLOSED} when it closes, as every reef
 * does for its backend as a whole.
 */
public enum ConnectionState {
  /** The backend is started and ready (reported once by every reef, for the whole backend). */
  CONNECTED,
  /** A connection to the broker was lost (not by the application); recovery follows if enabled. */
  LOST,
  /** Automatic recovery of a lost connection started. */
  RECOVERING,
  /** A lost connection was recovered, with its topology and consumers. */
  RECOVERED,
  /**
   * The broker blocks publishing on the connection (RabbitMQ flow control under a memory or disk
   * alarm); publishes fail until {@link #UNBLOCKED}.
   */
  BLOCKED,
  /** The broker accepts publishes on the connection again. */
  UNBLOCKED,
  /** The backend was closed (reported once by every reef, for the whole backend). */
  CLOSED
}
