package dev.reef.task;

import dev.reef.ReefNames;
import dev.reef.Spore;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What to submit (immutable): who asks, to which agent or to any live agent with a capability, the
 * input, and how to run it.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>from</td><td>required: a valid agent name (the spore's sender)</td></tr>
 *   <tr><td>to / capability</td><td>exactly one of them is required</td></tr>
 *   <tr><td>input</td><td>empty</td></tr>
 *   <tr><td>priority</td><td>{@value Spore#DEFAULT_PRIORITY} (1..10, higher first)</td></tr>
 *   <tr><td>timeout (per attempt)</td><td>none</td></tr>
 *   <tr><td>retryPolicy</td><td>{@link TaskRetryPolicy#none()}</td></tr>
 *   <tr><td>idempotencyKey</td><td>the task id</td></tr>
 *   <tr><td>taskId</td><td>a random UUID</td></tr>
 *   <tr><td>selector</td><td>{@link WorkerSelector#ewma()}</td></tr>
 * </table>
 */
public final class TaskRequest {
  private final String from;
  private final String to;
  private final String capability;
  private final Map<String, Object> input;
  private final int priority;
  private final Duration timeout;
  private final TaskRetryPolicy retryPolicy;
  private final String idempotencyKey;
  private final String taskId;
  private final WorkerSelector selector;

  private TaskRequest(Builder b) {
    this.from = b.from;
    this.to = b.to;
    this.capability = b.capability;
    this.input = b.input;
    this.priority = b.priority;
    this.timeout = b.timeout;
    this.retryPolicy = b.retryPolicy;
    this.taskId = b.taskId != null ? b.taskId : UUID.randomUUID().toString();
    this.idempotencyKey = b.idempotencyKey != null ? b.idempotencyKey : this.taskId;
    this.selector = b.selector;
  }

  /**
   * A request to an agent.
   *
   * @param from the sender
   * @param to the agent
   * @return a builder
   */
  public static Builder toAgent(String from, String to) {
    return new Builder(from).to(to);
  }

  /**
   * A request to any live agent with a capability (from the agent directory).
   *
   * @param from the sender
   * @param capability the capability
   * @return a builder
   */
  public static Builder toCapability(String from, String capability) {
    return new Builder(from).capability(capability);
  }

  /**
   * The sender.
   *
   * @return the agent name
   */
  public String from() {
    return from;
  }

  /**
   * The agent, or null for a capability task.
   *
   * @return the agent name
   */
  public @Nullable String to() {
    return to;
  }

  /**
   * The capability, or null for a task sent to an agent.
   *
   * @return the capability
   */
  public @Nullable String capability() {
    return capability;
  }

  /**
   * The input.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> input() {
    return input;
  }

  /**
   * The spore priority.
   *
   * @return 1..10
   */
  public int priority() {
    return priority;
  }

  /**
   * The timeout of each attempt, or null for none.
   *
   * @return the timeout
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * The retry policy.
   *
   * @return the policy
   */
  public TaskRetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The idempotency key every attempt carries.
   *
   * @return the key
   */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * The task id.
   *
   * @return the id
   */
  public String taskId() {
    return taskId;
  }

  /**
   * The selector of capability tasks.
   *
   * @return the selector
   */
  public WorkerSelector selector() {
    return selector;
  }

  /** Builds a {@link TaskRequest}. */
  public static final class Builder {
    private final String from;
    private String to;
    private String capability;
    private Map<String, Object> input = Map.of();
    private int priority = Spore.DEFAULT_PRIORITY;
    private Duration timeout;
    private TaskRetryPolicy retryPolicy = TaskRetryPolicy.none();
    private String idempotencyKey;
    private String taskId;
    private WorkerSelector selector = WorkerSelector.ewma();

    private Builder(String from) {
      this.from = ReefNames.requireAgent("from", from);
    }

    private Builder to(String to) {
      this.to = ReefNames.requireAgent("to", to);
      return this;
    }

    private Builder capability(String capability) {
      Objects.requireNonNull(capability, "capability");
      if (capability.isBlank()) {
        throw new IllegalArgumentException("capability must not be blank");
      }
      this.capability = capability;
      return this;
    }

    /**
     * The input, a JSON-compatible map (as spore knowledge).
     *
     * @param input the input
     * @return this
     */
    public Builder input(Map<String, ?> input) {
      this.input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
      return this;
    }

    /**
     * The priority of the task's spores.
     *
     * @param priority 1..10
     * @return this
     */
    public Builder priority(int priority) {
      if (priority < Spore.MIN_PRIORITY || priority > Spore.MAX_PRIORITY) {
        throw new IllegalArgumentException("priority must be 1..10, was " + priority);
      }
      this.priority = priority;
      return this;
    }

    /**
     * The timeout of each attempt, from its submission to its result.
     *
     * @param timeout positive, or null for none
     * @return this
     */
    public Builder timeout(@Nullable Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The retry policy.
     *
     * @param retryPolicy the policy
     * @return this
     */
    public Builder retryPolicy(TaskRetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The idempotency key: a worker does not run a key twice while it remembers it.
     *
     * @param key a valid id (at most 255 bytes)
     * @return this
     */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = ReefNames.requireId("idempotency_key", key);
      return this;
    }

    /**
     * The task id (to resubmit a known task; normally generated).
     *
     * @param taskId a valid id (at most 255 bytes)
     * @return this
     */
    public Builder taskId(String taskId) {
      this.taskId = ReefNames.requireId("task_id", taskId);
      return this;
    }

    /**
     * The selector of a capability task's agent.
     *
     * @param selector the selector
     * @return this
     */
    public Builder selector(WorkerSelector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public TaskRequest build() {
      return new TaskRequest(this);
    }
  }
}
