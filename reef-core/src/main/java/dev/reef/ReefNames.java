package dev.reef;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The rules for ids, agent names and channel names (docs/design.md#limits), one rule for every
 * backend, so that a name valid in memory is valid on AMQP. Names become AMQP routing keys and
 * queue names (at most 255 bytes each), so their limits are what those leave:
 *
 * <ul>
 *   <li><b>Channel names</b>: {@code [A-Za-z0-9_:-]+}, at most {@value #MAX_CHANNEL_BYTES} bytes
 *       (exchange {@code reef.<channel>}, mailbox queue {@code reef.<channel>.<agent>}, and room
 *       for per-channel names such as dead-letter queues). No dots: the channel is the first word
 *       after {@code reef.} in a queue name.
 *   <li><b>Agent names</b>: one or more words of {@code [A-Za-z0-9_:-]} joined by single dots
 *       ({@code py.dotted}, as Praval agents are often named), at most {@value #MAX_AGENT_BYTES}
 *       bytes. A dotted name is unambiguous in the routing key {@code agent.<agent>.<type>} (the
 *       type is always the last word, and the binding {@code agent.<agent>.*} matches only keys of
 *       exactly that many words) and in the queue {@code reef.<channel>.<agent>} (the channel has
 *       no dot). No empty word, no {@code *} or {@code #} (binding wildcards), no spaces.
 *   <li><b>Spore types</b> are the five fixed wire names, at most {@value #MAX_TYPE_BYTES} bytes
 *       ({@code notification}).
 *   <li><b>Ids</b> (spore ids, {@code reply_to}, tracing ids): non-blank, at most {@value
 *       #MAX_NAME_BYTES} UTF-8 bytes (the AMQP {@code message_id} and {@code correlation_id}).
 * </ul>
 *
 * <p>So the longest queue name is {@code 5 + 100 + 1 + 128 = 234} bytes and the longest routing key
 * {@code 6 + 128 + 1 + 12 = 147} bytes, both within AMQP's 255.
 *
 * <p>Thread-safety: stateless.
 */
public final class ReefNames {
  /** The largest id, in UTF-8 bytes (an AMQP short string). */
  public static final int MAX_NAME_BYTES = 255;

  /** The largest agent name, in bytes (ASCII). */
  public static final int MAX_AGENT_BYTES = 128;

  /** The largest channel name, in bytes (ASCII). */
  public static final int MAX_CHANNEL_BYTES = 100;

  /** The longest spore type wire name ({@code notification}). */
  public static final int MAX_TYPE_BYTES = 12;

  /** Slots of each cache of names found valid; a power of two. */
  private static final int CACHE_SLOTS = 64;

  /**
   * Name instances found valid, by hash code, one cache per kind of name: agents and channels are
   * nearly always the same few string instances, so a hit (the very same instance, compared by
   * identity) skips the character walk. Only valid names are stored; an invalid one is checked, and
   * rejected, every time. Racy by design: strings are immutable and safely published, so a reader
   * sees a valid name or a miss.
   */
  private static final String[] VALID_AGENTS = new String[CACHE_SLOTS];

  private static final String[] VALID_CHANNELS = new String[CACHE_SLOTS];

  private ReefNames() {}

  /**
   * Checks an agent name.
   *
   * @param field the field to name in an error, for example {@code to_agent}
   * @param name the name
   * @return the name
   * @throws SporeValidationException if the name is null, blank, longer than {@value
   *     #MAX_AGENT_BYTES} bytes, has a character outside {@code [A-Za-z0-9_:.-]}, or an empty
   *     dot-separated word
   */
  public static String requireAgent(String field, String name) {
    return require(field, name, true, VALID_AGENTS);
  }

  /**
   * Checks a channel name.
   *
   * @param name the channel name
   * @return the name
   * @throws SporeValidationException if the name is null, blank, longer than {@value
   *     #MAX_CHANNEL_BYTES} bytes or has a character outside {@code [A-Za-z0-9_:-]}
   */
  public static String requireChannel(String name) {
    return require("channel", name, false, VALID_CHANNELS);
  }

  /**
   * Checks an id: non-blank, at most {@value #MAX_NAME_BYTES} UTF-8 bytes.
   *
   * @param field the field to name in an error
   * @param id the id
   * @return the id
   * @throws SporeValidationException if the id is null, blank or too long
   */
  public static String requireId(String field, String id) {
    if (id == null) {
      throw new SporeValidationException(field, "must not be null");
    }
    if (id.isBlank()) {
      throw new SporeValidationException(field, "must not be blank");
    }
    if (id.length() > MAX_NAME_BYTES / 3) {
      int bytes = id.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_NAME_BYTES) {
        throw new SporeValidationException(
            field, "must be at most " + MAX_NAME_BYTES + " UTF-8 bytes, was " + bytes);
      }
    }
    return id;
  }

  /**
   * Whether a name is valid both as a channel name and as an agent name.
   *
   * @param name the name, may be null
   * @return true if {@link #requireChannel} and {@link #requireAgent} would accept it
   */
  public static boolean isValidWord(@Nullable String name) {
    return isValidChannel(name) && isValidAgent(name);
  }

  /**
   * Whether a name is a valid agent name.
   *
   * @param name the name, may be null
   * @return true if {@link #requireAgent} would accept it
   */
  public static boolean isValidAgent(@Nullable String name) {
    return problem(name, true) == null;
  }

  /**
   * Whether a name is a valid channel name.
   *
   * @param name the name, may be null
   * @return true if {@link #requireChannel} would accept it
   */
  public static boolean isValidChannel(@Nullable String name) {
    return problem(name, false) == null;
  }

  private static String require(String field, String name, boolean agent, String[] cache) {
    if (name != null) {
      int slot = name.hashCode() & (CACHE_SLOTS - 1);
      if (cache[slot] == name) {
        return name;
      }
    }
    String problem = problem(name, agent);
    if (problem != null) {
      throw new SporeValidationException(field, problem);
    }
    cache[name.hashCode() & (CACHE_SLOTS - 1)] = name;
    return name;
  }

  /** What is wrong with a name, or null if it is valid. */
  private static String problem(String name, boolean agent) {
    if (name == null) {
      return "must not be null";
    }
    if (name.isBlank()) {
      return "must not be blank";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.' && agent) {
        if (i == 0 || i == name.length() - 1 || name.charAt(i - 1) == '.') {
          return "must not start or end with '.' or have '..' (an empty routing-key word) in '"
              + abbreviate(name)
              + "'";
        }
      } else if (!isWordChar(c)) {
        return (agent
                ? "may only contain letters, digits, '_', ':', '-' and single inner '.'"
                : "may only contain letters, digits, '_', ':' and '-'")
            + " (it becomes part of routing keys and queue names), found '"
            + c
            + "' in '"
            + abbreviate(name)
            + "'";
      }
    }
    int max = agent ? MAX_AGENT_BYTES : MAX_CHANNEL_BYTES;
    if (name.length() > max) {
      return "must be at most "
          + max
          + " bytes (queue reef.<channel>.<agent> and routing key agent.<agent>.<type> are at"
          + " most 255 bytes), was "
          + name.length();
    }
    return null;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == ':';
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
