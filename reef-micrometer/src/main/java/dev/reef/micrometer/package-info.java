/**
 * Micrometer metrics and observations for a reef: {@link dev.reef.micrometer.ReefMetrics}, a {@link
 * dev.reef.observe.ReefObserver}. Meter names, tags and the tag cardinality bounds are in
 * docs/observability.md.
 */
package dev.reef.micrometer;
