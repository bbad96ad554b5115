package dev.reef.amqp;

/**
 * Which AMQP headers the backend writes for a spore (docs/design.md#header-layouts). The reader
 * accepts both layouts on every channel, whatever a channel writes: typed or string header values,
 * an empty string meaning absent, timestamps with or without an offset (without one they are taken
 * as UTC).
 */
public enum HeaderLayout {
  /**
   * The lean default: headers only for what no AMQP property carries exactly ({@code from_agent},
   * {@code to_agent} when directed, {@code created_at} with sub-second precision, {@code
   * expires_at} when set, {@code version}, and the tracing ids, metadata and references only when
   * present). The id, type, priority and reply-to travel only as the {@code message_id}, {@code
   * type}, {@code priority} and {@code correlation_id} properties. Fewer headers cost the broker
   * less.
   */
  REEF,

  /**
   * Exactly the 14 string headers the Python Praval reef writes ({@code spore_id}, {@code
   * spore_type}, {@code from_agent}, {@code to_agent}, {@code created_at}, {@code expires_at},
   * {@code priority}, {@code reply_to}, {@code version}, {@code correlation_id}, {@code
   * causation_id}, {@code trace_id}, {@code run_id}, {@code idempotency_key}), all {@code longstr},
   * empty strings for absent values, timestamps as naive UTC ISO strings with microseconds, so that
   * Praval agents on the same exchange read Reef's spores. References travel in Praval's v2 body
   * envelope. Use it for channels mapped to a Praval exchange.
   */
  PRAVAL
}
