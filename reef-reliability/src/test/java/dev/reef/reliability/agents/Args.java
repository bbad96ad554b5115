package dev.reef.reliability.agents;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} command-line arguments of the child-JVM agents. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
  }

  String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key);
    }
    return v;
  }

  String get(String key, String dflt) {
    return values.getOrDefault(key, dflt);
  }

  int getInt(String key, int dflt) {
    String v = values.get(key);
    return v == null ? dflt : Integer.parseInt(v);
  }

  long getLong(String key, long dflt) {
    String v = values.get(key);
    return v == null ? dflt : Long.parseLong(v);
  }
}
