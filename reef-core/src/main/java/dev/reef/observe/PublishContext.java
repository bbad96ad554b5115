package dev.reef.observe;

import dev.reef.Spore;
import org.jspecify.annotations.Nullable;

/**
 * A publish about to reach the backend, given to {@link ReefObserver#onPublish}: the spore as the
 * application built it, and the headers the observer adds to it.
 *
 * <p><b>Headers</b> are string entries of the spore's {@link Spore#metadata() metadata}, so they
 * travel wherever the metadata does: in memory with the spore, on AMQP in the {@code
 * x-reef-metadata} header (docs/observability.md#headers). An observer adds them here, during
 * {@link ReefObserver#onPublish}; the reef then publishes a copy of the spore whose metadata holds
 * them (replacing an entry of the same name), and that copy is what the receiver sees and what the
 * publish future completes with. Names: 1 to {@value #MAX_HEADER_NAME_LENGTH} characters of {@code
 * [A-Za-z0-9._-]}, not starting with {@code praval.} (reserved); values at most {@value
 * #MAX_HEADER_VALUE_LENGTH} characters. Not thread-safe: use it only inside the callback.
 */
public interface PublishContext {
  /** The longest header name: {@value}. */
  int MAX_HEADER_NAME_LENGTH = 64;

  /** The longest header value: {@value} characters. */
  int MAX_HEADER_VALUE_LENGTH = 4096;

  /**
   * The channel published on.
   *
   * @return a channel name
   */
  String channel();

  /**
   * The spore as built by the application, without the headers added here.
   *
   * @return the spore
   */
  Spore spore();

  /**
   * Whether the spore is the request of an {@code ask} or {@code gather}.
   *
   * @return true for an ask's or gather's request
   */
  boolean isAskRequest();

  /**
   * A header: one added here, else a string entry of the spore's metadata.
   *
   * @param name the header name
   * @return the value, or null if there is none (or the metadata entry is not a string)
   */
  @Nullable String header(String name);

  /**
   * Adds a header to the published spore, replacing one of the same name.
   *
   * @param name 1 to {@value #MAX_HEADER_NAME_LENGTH} characters of {@code [A-Za-z0-9._-]}, not
   *     starting with {@code praval.}
   * @param value at most {@value #MAX_HEADER_VALUE_LENGTH} characters
   * @throws IllegalArgumentException if the name or value is not allowed
   */
  void setHeader(String name, String value);
}
