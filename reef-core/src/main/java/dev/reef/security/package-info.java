/**
 * Who really sent a spore: the {@link dev.reef.security.SenderPolicy} mapping verified broker users
 * to the agents they may send as, Ed25519 {@link dev.reef.security.SporeSignatures} with {@link
 * dev.reef.security.SigningKeys} (outgoing) and {@link dev.reef.security.TrustedKeys} (incoming),
 * and the {@link dev.reef.security.SenderVerification} a receiving reef applies before handlers.
 * Threat model and wire format: docs/security.md.
 */
@NullMarked
package dev.reef.security;

import org.jspecify.annotations.NullMarked;
