package dev.reef.memory;

import dev.reef.spi.ReefBackend;

/** Skeleton; replaced by the implementation of the foundation issue. */
public abstract class InMemoryBackend implements ReefBackend {
  /**
   * Skeleton.
   *
   * @return nothing yet
   */
  public static InMemoryBackend create() {
    throw new UnsupportedOperationException("skeleton");
  }
}
