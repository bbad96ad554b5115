package dev.reef.directory;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AgentDirectory#discover(String, DirectoryQuery)} looks for: a kind (with or without
 * its sub-kinds) and/or a capability, and whether agents without a live instance count. Immutable.
 *
 * <pre>{@code
 * DirectoryQuery.kind("llm").withCapability("risk")
 * }</pre>
 */
public final class DirectoryQuery {
  private static final DirectoryQuery ALL = new DirectoryQuery(null, true, null, false);

  private final String kind;
  private final boolean subKinds;
  private final String capability;
  private final boolean liveOnly;

  private DirectoryQuery(String kind, boolean subKinds, String capability, boolean liveOnly) {
    this.kind = kind;
    this.subKinds = subKinds;
    this.capability = capability;
    this.liveOnly = liveOnly;
  }

  /**
   * Every card, terminated ones included.
   *
   * @return the query
   */
  public static DirectoryQuery all() {
    return ALL;
  }

  /**
   * Cards of a kind or of one of its sub-kinds ({@code llm} finds {@code llm.summarizer}).
   *
   * @param kind a valid kind
   * @return the query
   */
  public static DirectoryQuery kind(String kind) {
    return new DirectoryQuery(AgentCard.requireKind(kind), true, null, false);
  }

  /**
   * Cards of exactly one kind, not its sub-kinds.
   *
   * @param kind a valid kind
   * @return the query
   */
  public static DirectoryQuery exactKind(String kind) {
    return new DirectoryQuery(AgentCard.requireKind(kind), false, null, false);
  }

  /**
   * Cards with a capability.
   *
   * @param capability a valid capability
   * @return the query
   */
  public static DirectoryQuery capability(String capability) {
    return ALL.withCapability(capability);
  }

  /**
   * This query, also requiring a capability.
   *
   * @param capability a valid capability
   * @return a new query
   */
  public DirectoryQuery withCapability(String capability) {
    return new DirectoryQuery(kind, subKinds, AgentCard.requireCapability(capability), liveOnly);
  }

  /**
   * This query, keeping only agents with at least one live instance.
   *
   * @return a new query
   */
  public DirectoryQuery liveOnly() {
    return new DirectoryQuery(kind, subKinds, capability, true);
  }

  /**
   * Whether an entry matches.
   *
   * @param entry the entry
   * @return true if it matches
   */
  public boolean matches(DirectoryEntry entry) {
    AgentCard card = entry.card();
    if (kind != null && !card.isKind(kind, subKinds)) {
      return false;
    }
    if (capability != null && !card.capabilities().contains(capability)) {
      return false;
    }
    return !liveOnly || entry.state() == AgentState.ACTIVE;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof DirectoryQuery)) {
      return false;
    }
    DirectoryQuery q = (DirectoryQuery) o;
    return subKinds == q.subKinds
        && liveOnly == q.liveOnly
        && Objects.equals(kind, q.kind)
        && Objects.equals(capability, q.capability);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, subKinds, capability, liveOnly);
  }

  @Override
  public String toString() {
    return "DirectoryQuery{kind="
        + kind
        + (subKinds ? ".*" : "")
        + ", capability="
        + capability
        + (liveOnly ? ", live" : "")
        + "}";
  }
}
