package dev.reef.spring.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code reef.metrics.*}: how the auto-configured {@code ReefMetrics} (reef-micrometer) records the
 * reef's meters into the application's {@code MeterRegistry}.
 */
@ConfigurationProperties("reef.metrics")
public class ReefMetricsProperties {
  /** Whether the reef's meters are recorded when a MeterRegistry bean exists (default true). */
  private boolean enabled = true;

  /**
   * Whether the publish, process and ask timers are Micrometer observations of the application's
   * ObservationRegistry (so that a tracing handler makes spans of them) instead of plain timers
   * (default false).
   */
  private boolean observations;

  /**
   * Whether the publish, process, ask and end-to-end timers are recorded (default true); false
   * keeps the counters and gauges only.
   */
  private boolean timers = true;

  /** Agent names that get their own tag value; later ones are tagged "other" (default 100). */
  private int maxAgentTags = 100;

  /** Channel names that get their own tag value; later ones are tagged "other" (default 100). */
  private int maxChannelTags = 100;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isObservations() {
    return observations;
  }

  public void setObservations(boolean observations) {
    this.observations = observations;
  }

  public boolean isTimers() {
    return timers;
  }

  public void setTimers(boolean timers) {
    this.timers = timers;
  }

  public int getMaxAgentTags() {
    return maxAgentTags;
  }

  public void setMaxAgentTags(int maxAgentTags) {
    this.maxAgentTags = maxAgentTags;
  }

  public int getMaxChannelTags() {
    return maxChannelTags;
  }

  public void setMaxChannelTags(int maxChannelTags) {
    this.maxChannelTags = maxChannelTags;
  }
}
