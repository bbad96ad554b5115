package dev.reef.security;

import dev.reef.Spore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The private keys a reef signs its outgoing spores with, by sending agent: every spore whose
 * {@code from_agent} matches an entry is signed ({@link SporeSignatures#sign}) just before it is
 * published. Immutable; built with {@link #builder()}. Default {@link #NONE} (nothing signed).
 */
public final class SigningKeys {
  /** No key: nothing is signed. */
  public static final SigningKeys NONE = new SigningKeys(List.of());

  private record Entry(AgentPatterns agents, String keyId, PrivateKey key) {}

  private final List<Entry> entries;

  private SigningKeys(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * A builder with no key.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether no key is held.
   *
   * @return true for {@link #NONE}
   */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The spore signed with the first key whose agents match its {@code from_agent}.
   *
   * @param spore the outgoing spore
   * @return the signed copy, or the spore itself if no key matches
   */
  public Spore sign(Spore spore) {
    for (Entry e : entries) {
      if (e.agents().matches(spore.fromAgent())) {
        return SporeSignatures.sign(spore, e.keyId(), e.key());
      }
    }
    return spore;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SigningKeys{");
    for (Entry e : entries) {
      sb.append(e.agents()).append("->").append(e.keyId()).append(' ');
    }
    return sb.append('}').toString();
  }

  /** Builds {@link SigningKeys}. Not thread-safe. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Signs the spores of the given agents with a key (entries are tried in the order added).
     *
     * @param keyId the id receivers know the public key by (non-blank)
     * @param key an Ed25519 private key
     * @param agentPatterns the sending agents: names, {@code name.*}, or {@code *}
     * @return this builder
     */
    public Builder key(String keyId, PrivateKey key, String... agentPatterns) {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(key, "key");
      if (keyId.isBlank()) {
        throw new IllegalArgumentException("keyId must not be blank");
      }
      entries.add(new Entry(new AgentPatterns(List.of(agentPatterns)), keyId, key));
      return this;
    }

    /**
     * Builds the key set.
     *
     * @return the keys
     */
    public SigningKeys build() {
      return new SigningKeys(List.copyOf(entries));
    }
  }
}
