package dev.reef;

import org.jspecify.annotations.Nullable;

/**
 * A spore, a name or an option is invalid. The message names the field and the rule it broke, for
 * example {@code priority: must be between 1 and 10, was 11}.
 *
 * <p>Thrown when a spore is built or decoded, and when a name passed to the {@link Reef} is not a
 * valid agent or channel name.
 */
public class SporeValidationException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates an exception for a field.
   *
   * @param field the offending field, by its JSON name (for example {@code from_agent})
   * @param problem the rule it broke
   */
  public SporeValidationException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /**
   * Creates an exception for a field with a cause (for example a JSON parse error).
   *
   * @param field the offending field, by its JSON name, or {@code "json"} for unparseable input
   * @param problem the rule it broke
   * @param cause the underlying failure
   */
  public SporeValidationException(String field, String problem, @Nullable Throwable cause) {
    super(field + ": " + problem, cause);
    this.field = field;
  }

  /**
   * The field that failed validation, by its JSON name.
   *
   * @return the field name, never null
   */
  public String field() {
    return field;
  }
}
