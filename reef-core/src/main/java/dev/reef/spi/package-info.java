/**
 * The transport SPI: what a backend implements so that the {@link dev.reef.Reef} facade can run on
 * it. The facade owns handlers, asks, authorization, rate limits and stats; a backend owns routing,
 * mailboxes, priority, expiry, acknowledgement, redelivery and dead-lettering
 * (docs/design.md#delivery-semantics).
 */
@NullMarked
package dev.reef.spi;

import org.jspecify.annotations.NullMarked;
