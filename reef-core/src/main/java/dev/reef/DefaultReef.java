package dev.reef;

import dev.reef.spi.ReefBackend;

/** Skeleton; replaced by the implementation of the foundation issue. */
abstract class DefaultReef implements Reef {
  DefaultReef(ReefBackend backend, ReefOptions options) {}
}
