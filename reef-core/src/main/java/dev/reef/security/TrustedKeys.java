package dev.reef.security;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The public keys a receiving reef trusts, by key id, each for the agents it may sign as: a key
 * store for {@link SenderVerification} without the agent directory. Immutable; built with {@link
 * #builder()}. Default {@link #NONE}.
 */
public final class TrustedKeys {
  /** No trusted key. */
  public static final TrustedKeys NONE = new TrustedKeys(Map.of());

  /** One trusted key. */
  record Entry(PublicKey key, AgentPatterns agents) {}

  private final Map<String, Entry> keys;

  private TrustedKeys(Map<String, Entry> keys) {
    this.keys = keys;
  }

  /**
   * A builder with no key.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The key of an id, or null. */
  Entry get(String keyId) {
    return keys.get(keyId);
  }

  /**
   * Whether no key is trusted.
   *
   * @return true for {@link #NONE}
   */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TrustedKeys{");
    keys.forEach((id, e) -> sb.append(id).append("->").append(e.agents()).append(' '));
    return sb.append('}').toString();
  }

  /** Builds {@link TrustedKeys}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Entry> keys = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Trusts a public key for the given agents.
     *
     * @param keyId the id the signer puts in its signatures (non-blank)
     * @param key an Ed25519 public key
     * @param agentPatterns the agents it may sign as: names, {@code name.*}, or {@code *}
     * @return this builder
     */
    public Builder trust(String keyId, PublicKey key, String... agentPatterns) {
      Objects.requireNonNull(keyId, "keyId");
      if (keyId.isBlank()) {
        throw new IllegalArgumentException("keyId must not be blank");
      }
      if (!SporeSignatures.ALGORITHM.equalsIgnoreCase(key.getAlgorithm())
          && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
        throw new IllegalArgumentException(
            "key " + keyId + " is a " + key.getAlgorithm() + " key, Ed25519 expected");
      }
      keys.put(keyId, new Entry(key, new AgentPatterns(Arrays.asList(agentPatterns))));
      return this;
    }

    /**
     * Trusts a public key in {@link SporeSignatures#encodePublicKey} text (as the agent directory
     * publishes it).
     *
     * @param keyId the key id
     * @param publicKey base64 X.509 text
     * @param agentPatterns the agents it may sign as
     * @return this builder
     */
    public Builder trust(String keyId, String publicKey, String... agentPatterns) {
      return trust(keyId, SporeSignatures.decodePublicKey(publicKey), agentPatterns);
    }

    /**
     * Builds the key set.
     *
     * @return the keys
     */
    public TrustedKeys build() {
      return new TrustedKeys(Map.copyOf(keys));
    }
  }
}
