package dev.reef.examples.workflow;

import dev.reef.ReefNames;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What one run of the workflow is about: the channel, the topic, the run id that ties its spores
 * together, and how long the coordinator waits for answers. Immutable.
 *
 * @param channel the channel the agents meet on
 * @param topic what the coordinator asks about
 * @param runId the id carried in every spore of the run
 * @param timeout how long the coordinator waits for the gather and for the summary, each
 */
public record WorkflowSettings(String channel, String topic, String runId, Duration timeout) {

  /** The default channel: {@value}. */
  public static final String DEFAULT_CHANNEL = "research";

  /** The default topic. */
  public static final String DEFAULT_TOPIC = "durable messaging between AI agents";

  /** The default timeout: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Validates the values. */
  public WorkflowSettings {
    ReefNames.requireChannel(channel);
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(runId, "runId");
    if (topic.isBlank() || runId.isBlank()) {
      throw new IllegalArgumentException("topic and runId must not be blank");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /**
   * Defaults with a new random run id.
   *
   * @return the settings
   */
  public static WorkflowSettings ofDefaults() {
    return new WorkflowSettings(DEFAULT_CHANNEL, DEFAULT_TOPIC, newRunId(), DEFAULT_TIMEOUT);
  }

  /**
   * Settings from environment variables, each optional: {@code REEF_CHANNEL}, {@code
   * REEF_DEMO_TOPIC}, {@code REEF_DEMO_RUN}, {@code REEF_DEMO_TIMEOUT_SECONDS}.
   *
   * @param env the environment, usually {@link System#getenv()}
   * @return the settings
   * @throws IllegalArgumentException if a value is invalid
   */
  public static WorkflowSettings fromEnvironment(Map<String, String> env) {
    String timeout = env.get("REEF_DEMO_TIMEOUT_SECONDS");
    return new WorkflowSettings(
        env.getOrDefault("REEF_CHANNEL", DEFAULT_CHANNEL),
        env.getOrDefault("REEF_DEMO_TOPIC", DEFAULT_TOPIC),
        env.getOrDefault("REEF_DEMO_RUN", newRunId()),
        timeout == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(Long.parseLong(timeout.trim())));
  }

  /**
   * A short random run id.
   *
   * @return eight hex digits
   */
  public static String newRunId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
