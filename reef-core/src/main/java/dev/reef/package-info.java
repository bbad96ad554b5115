/**
 * The Reef API: the {@link dev.reef.Reef} facade, {@link dev.reef.Spore} messages, channels,
 * handlers, options, statistics and the exceptions they throw. Nullness: every type here is
 * non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.reef;

import org.jspecify.annotations.NullMarked;
