package dev.reef.security;

import dev.reef.ReefNames;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of agent-name patterns: an exact name ({@code alpha}), a name's descendants ({@code
 * alpha.*}: {@code alpha.one}, {@code alpha.one.two}, not {@code alpha} itself), or every agent
 * ({@code *}). Immutable.
 */
final class AgentPatterns {
  private final List<String> exact = new ArrayList<>();
  private final List<String> prefixes = new ArrayList<>();
  private final boolean any;
  private final List<String> text;

  AgentPatterns(List<String> patterns) {
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("at least one agent pattern is required");
    }
    boolean all = false;
    for (String p : patterns) {
      if (p == null) {
        throw new IllegalArgumentException("agent pattern must not be null");
      }
      if (p.equals("*")) {
        all = true;
      } else if (p.endsWith(".*")) {
        prefixes.add(ReefNames.requireAgent("agent pattern", p.substring(0, p.length() - 2)) + ".");
      } else {
        exact.add(ReefNames.requireAgent("agent pattern", p));
      }
    }
    this.any = all;
    this.text = List.copyOf(patterns);
  }

  boolean matches(String agent) {
    if (any || exact.contains(agent)) {
      return true;
    }
    for (String p : prefixes) {
      if (agent.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
