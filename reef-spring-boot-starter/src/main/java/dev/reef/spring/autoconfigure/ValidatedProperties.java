package dev.reef.spring.autoconfigure;

import dev.reef.ReefException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies properties to one of Reef's builders so that a value the builder refuses fails the
 * context with an {@link InvalidConfigurationPropertyValueException} naming the property (for
 * example {@code reef.memory.prefetch}), whether the builder's setter refuses it or its {@code
 * build()} does (a refusal there starts with the option's name, which is mapped back to the
 * property).
 */
final class ValidatedProperties {
  private final String prefix;
  private final Map<String, Object> applied = new LinkedHashMap<>();

  /**
   * @param prefix the properties' prefix, for example {@code reef.memory}
   */
  ValidatedProperties(String prefix) {
    this.prefix = prefix;
  }

  /** Sets a value unless it is null (the builder's default then applies). */
  <T> void set(String name, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    applied.put(name, value);
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | ReefException e) {
      throw invalid(name, value, e);
    }
  }

  /** Builds, naming the property behind the option a refusal names. */
  <T> T build(Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | ReefException e) {
      String name = kebab(leadingWord(String.valueOf(e.getMessage())));
      throw invalid(name, applied.get(name), e);
    }
  }

  private InvalidConfigurationPropertyValueException invalid(
      String name, Object value, Exception e) {
    // the reason carries the builder's message; the exception takes no cause
    return new InvalidConfigurationPropertyValueException(
        prefix + "." + name,
        value instanceof java.net.URI ? "(masked: it may hold a password)" : value,
        e.getMessage());
  }

  private static String leadingWord(String message) {
    int end = 0;
    while (end < message.length() && Character.isLetter(message.charAt(end))) {
      end++;
    }
    return message.substring(0, end);
  }

  /** {@code defaultChannel} to {@code default-channel}. */
  static String kebab(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
