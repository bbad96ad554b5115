package dev.reef.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} pairs and {@code --flag}s, checked against the
 * names the command knows. Not thread-safe.
 */
final class CliArgs {
  private final Map<String, String> values = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  private CliArgs() {}

  /**
   * Parses arguments.
   *
   * @param args the arguments after the command name
   * @param options names that take a value
   * @param flags names that take none
   * @throws UsageException on an unknown or incomplete option
   */
  static CliArgs parse(List<String> args, Set<String> options, Set<String> flags) {
    CliArgs a = new CliArgs();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        a.positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && inline == null) {
        a.values.put(name, "true");
      } else if (options.contains(name)) {
        if (inline == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException("--" + name + " needs a value");
          }
          inline = args.get(++i);
        }
        a.values.put(name, inline);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    return a;
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String require(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  int integer(String name, int fallback, int min, int max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be " + min + ".." + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  /**
   * A duration like {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}.
   */
  Duration duration(String name, Duration fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (s.startsWith("pt")) {
        d = Duration.parse(s.toUpperCase(Locale.ROOT));
      } else if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        throw new NumberFormatException(s);
      }
      if (d.isNegative() || d.isZero()) {
        throw new UsageException("--" + name + " must be positive, was '" + v + "'");
      }
      return d;
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new UsageException(
          "--" + name + " must be a duration like 30s, 500ms or 5m, was '" + v + "'");
    }
  }

  List<String> positional() {
    return positional;
  }
}
