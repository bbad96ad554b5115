package dev.reef;

import java.nio.charset.StandardCharsets;

/**
 * The rules for ids, agent names and channel names (DESIGN §2). Agent and channel names become
 * routing-key words and queue-name parts, so they are limited to {@code [A-Za-z0-9_:-]+}; no dots,
 * no {@code *} or {@code #}. Every name and id is non-blank and at most {@value #MAX_NAME_BYTES}
 * UTF-8 bytes.
 *
 * <p>Thread-safety: stateless.
 */
public final class ReefNames {
  /** The largest id, agent name or channel name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 255;

  /** Slots of the cache of names found valid; a power of two. */
  private static final int CACHE_SLOTS = 64;

  /**
   * Name instances found valid, by hash code: agents and channels are nearly always the same few
   * string instances, so a hit (the very same instance, compared by identity) skips the character
   * walk. Only valid names are stored; an invalid one is checked, and rejected, every time. Racy by
   * design: strings are immutable and safely published, so a reader sees a valid name or a miss.
   */
  private static final String[] VALID = new String[CACHE_SLOTS];

  private ReefNames() {}

  /**
   * Checks an agent name.
   *
   * @param field the field to name in an error, for example {@code to_agent}
   * @param name the name
   * @return the name
   * @throws SporeValidationException if the name is null, blank, too long or has a character
   *     outside {@code [A-Za-z0-9_:-]}
   */
  public static String requireAgent(String field, String name) {
    return requireWord(field, name);
  }

  /**
   * Checks a channel name (same rules as an agent name).
   *
   * @param name the channel name
   * @return the name
   * @throws SporeValidationException if the name is invalid
   */
  public static String requireChannel(String name) {
    return requireWord("channel", name);
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
    requireLength(field, id);
    return id;
  }

  /**
   * Whether a name is a valid agent or channel name.
   *
   * @param name the name, may be null
   * @return true if {@link #requireAgent} would accept it
   */
  public static boolean isValidWord(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_BYTES) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isWordChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static String requireWord(String field, String name) {
    if (name != null) {
      int slot = name.hashCode() & (CACHE_SLOTS - 1);
      if (VALID[slot] == name) {
        return name;
      }
      checkWord(field, name);
      VALID[slot] = name;
      return name;
    }
    return checkWord(field, name);
  }

  private static String checkWord(String field, String name) {
    if (name == null) {
      throw new SporeValidationException(field, "must not be null");
    }
    if (name.isBlank()) {
      throw new SporeValidationException(field, "must not be blank");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isWordChar(c)) {
        throw new SporeValidationException(
            field,
            "may only contain letters, digits, '_', ':' and '-' (it becomes part of routing keys"
                + " and queue names), found '"
                + c
                + "' in '"
                + abbreviate(name)
                + "'");
      }
    }
    if (name.length() > MAX_NAME_BYTES) {
      throw new SporeValidationException(
          field, "must be at most " + MAX_NAME_BYTES + " UTF-8 bytes, was " + name.length());
    }
    return name;
  }

  private static void requireLength(String field, String value) {
    if (value.length() > MAX_NAME_BYTES / 3) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_NAME_BYTES) {
        throw new SporeValidationException(
            field, "must be at most " + MAX_NAME_BYTES + " UTF-8 bytes, was " + bytes);
      }
    }
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
