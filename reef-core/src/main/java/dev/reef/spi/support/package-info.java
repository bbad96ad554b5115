/**
 * SPI support: the logic every {@link dev.reef.spi.ReefBackend} implementation needs the same way,
 * written once so that backends behave alike: unwrapping and describing failures ({@link
 * dev.reef.spi.support.Failures}), calling a {@link dev.reef.spi.MailboxConsumer} under the
 * null-stage rule ({@link dev.reef.spi.support.ConsumerCalls}), the retry-or-dead-letter decision
 * ({@link dev.reef.spi.support.RedeliveryDecision}), the headers of a dead-letter copy ({@link
 * dev.reef.spi.support.DeadLetterHeaders}), daemon thread factories ({@link
 * dev.reef.spi.support.DaemonThreads}) and the runs of deliveries on one thread around which the
 * reef saves and restores its per-thread handler context ({@link
 * dev.reef.spi.support.DeliveryRun}).
 *
 * <p>For backend implementers only, not user API: applications use {@link dev.reef.Reef}. The
 * classes are public because backends live in other packages and modules.
 */
@NullMarked
package dev.reef.spi.support;

import org.jspecify.annotations.NullMarked;
