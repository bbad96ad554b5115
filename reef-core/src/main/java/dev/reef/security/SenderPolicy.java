package dev.reef.security;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which agents each broker user may send as: a spore whose verified {@link
 * dev.reef.Spore#brokerUser()} may not use its {@code from_agent} is dead-lettered {@code
 * unauthorized} by the receiving reef and never handled (docs/security.md). Immutable; built with
 * {@link #builder()}.
 *
 * <p>Defaults: {@link #ANY} (no mapping: every sender accepted, as before). A built policy refuses
 * users it does not list, and refuses spores that carry no broker user (a foreign publisher that
 * set no AMQP {@code user_id}, an in-memory backend built without a user) unless {@link
 * Builder#acceptWithoutBrokerUser(boolean)} says otherwise.
 */
public final class SenderPolicy {
  /** No mapping: every spore is accepted whoever published it. */
  public static final SenderPolicy ANY = new SenderPolicy(Map.of(), true, false);

  private final Map<String, AgentPatterns> users;
  private final boolean acceptWithoutBrokerUser;
  private final boolean enforced;

  private SenderPolicy(
      Map<String, AgentPatterns> users, boolean acceptWithoutBrokerUser, boolean enforced) {
    this.users = users;
    this.acceptWithoutBrokerUser = acceptWithoutBrokerUser;
    this.enforced = enforced;
  }

  /**
   * A builder of an enforced policy that allows nobody until told.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the policy checks anything ({@link #ANY} does not).
   *
   * @return true for a built policy
   */
  public boolean enforced() {
    return enforced;
  }

  /**
   * Whether a spore published by {@code brokerUser} may name {@code agent} as its sender.
   *
   * @param brokerUser the verified broker user, or null if the transport names none
   * @param agent the spore's {@code from_agent}
   * @return the verdict
   */
  public boolean permits(@Nullable String brokerUser, String agent) {
    if (!enforced) {
      return true;
    }
    if (brokerUser == null) {
      return acceptWithoutBrokerUser;
    }
    AgentPatterns patterns = users.get(brokerUser);
    return patterns != null && patterns.matches(agent);
  }

  /**
   * Whether spores without a verified broker user are accepted.
   *
   * @return the option
   */
  public boolean acceptsWithoutBrokerUser() {
    return acceptWithoutBrokerUser;
  }

  @Override
  public String toString() {
    return enforced
        ? "SenderPolicy" + users + (acceptWithoutBrokerUser ? " (+ spores without a user)" : "")
        : "SenderPolicy.ANY";
  }

  /** Builds a {@link SenderPolicy}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, AgentPatterns> users = new LinkedHashMap<>();
    private boolean acceptWithoutBrokerUser;

    private Builder() {}

    /**
     * Allows a broker user to send as the given agents (replacing what it was allowed before).
     *
     * @param brokerUser the broker user name, non-blank
     * @param agentPatterns agent names, {@code name.*} for the names below {@code name}, or {@code
     *     *} for any agent
     * @return this builder
     * @throws IllegalArgumentException if a pattern is malformed or none is given
     */
    public Builder allow(String brokerUser, String... agentPatterns) {
      Objects.requireNonNull(brokerUser, "brokerUser");
      if (brokerUser.isBlank()) {
        throw new IllegalArgumentException("brokerUser must not be blank");
      }
      users.put(brokerUser, new AgentPatterns(Arrays.asList(agentPatterns)));
      return this;
    }

    /**
     * Whether a spore with no verified broker user is accepted (any {@code from_agent}). Default
     * false: with a policy, an unattributed spore is dead-lettered {@code unauthorized}.
     *
     * @param accept true to accept them (for example from Praval publishers that set no {@code
     *     user_id})
     * @return this builder
     */
    public Builder acceptWithoutBrokerUser(boolean accept) {
      this.acceptWithoutBrokerUser = accept;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public SenderPolicy build() {
      return new SenderPolicy(Map.copyOf(users), acceptWithoutBrokerUser, true);
    }
  }
}
