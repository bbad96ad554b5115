/**
 * Internal to reef-amqp, <b>not API</b>: the spore ↔ AMQP message mapping ({@link
 * dev.reef.amqp.internal.SporeWireMapper}) and its helpers. Public only so that reef-amqp's own
 * package and the benchmarks can use it without a split package; it may change in any release.
 */
package dev.reef.amqp.internal;
