package dev.reef.security;

import java.security.PublicKey;
import org.jspecify.annotations.Nullable;

/**
 * Public keys that agents published about themselves, looked up when a signed spore arrives: a live
 * key source for {@link SenderVerification}, beside the fixed {@link TrustedKeys}. A key found here
 * for {@code (channel, agent, keyId)} is trusted to sign as that one agent only. The reef's own
 * agent directory is one ({@link SenderVerification.Builder#trustDirectoryKeys}); an application
 * can supply another (a key service) with {@link SenderVerification.Builder#publishedKeys}.
 *
 * <p>Called on the delivery thread for every signed spore whose key id is not in the {@link
 * TrustedKeys}: an implementation answers from memory, or caches. An exception is taken for "no
 * key" (logged at DEBUG by the reef).
 */
@FunctionalInterface
public interface PublishedKeys {
  /** No published key. */
  PublishedKeys NONE = (channel, agent, keyId) -> null;

  /**
   * The Ed25519 key {@code agent} published on {@code channel} under {@code keyId}.
   *
   * @param channel the channel the spore arrived on
   * @param agent the spore's {@code from_agent}
   * @param keyId the key id of its signature
   * @return the key, or null if that agent published no key of that id there
   */
  @Nullable PublicKey find(String channel, String agent, String keyId);
}
