package dev.reef;

import org.jspecify.annotations.Nullable;

/**
 * A spore's knowledge does not map to the requested Java type, or a Java value does not map to a
 * knowledge object. The message and {@link #field()} name the JSON path of the offending value, for
 * example {@code knowledge.items[1].price: cannot read "abc" as BigDecimal}; the {@link #getCause()
 * cause} is the underlying Jackson exception.
 */
public class KnowledgeMappingException extends SporeValidationException {
  private static final long serialVersionUID = 1L;

  private final String targetType;

  /**
   * Creates an exception for a path.
   *
   * @param path the JSON path of the offending value, starting with {@code knowledge}
   * @param targetType the Java type that was asked for (its type name)
   * @param problem what did not map
   * @param cause the underlying failure, or {@code null}
   */
  public KnowledgeMappingException(
      String path, String targetType, String problem, @Nullable Throwable cause) {
    super(path, problem, cause);
    this.targetType = targetType;
  }

  /**
   * The JSON path of the value that did not map, for example {@code knowledge.items[1].price};
   * {@code knowledge} for the object as a whole. Same as {@link #field()}.
   *
   * @return the path, never null
   */
  public String path() {
    return field();
  }

  /**
   * The Java type the knowledge was read into (or the type of the value that was written).
   *
   * @return the type name, never null
   */
  public String targetType() {
    return targetType;
  }
}
