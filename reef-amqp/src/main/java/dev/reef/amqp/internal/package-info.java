/**
 * Internal to reef-amqp, <b>not API</b>: the spore ↔ AMQP message mapping ({@link
 * dev.reef.amqp.internal.SporeWireMapper}) and its helpers, and the tap queue of the operator tools
 * ({@link dev.reef.amqp.internal.TapQueues}). Public only so that reef-amqp's own package, the
 * benchmarks, reef-cli and reef-console can use them without a split package; they may change in
 * any release.
 */
package dev.reef.amqp.internal;
