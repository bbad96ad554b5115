package dev.reef.security;

import dev.reef.Spore;
import dev.reef.spi.DeadLetterReason;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a receiving reef checks about who sent a spore before any handler (or open ask) sees it: the
 * {@link SenderPolicy} (may the verified broker user send as the {@code from_agent}?) and Ed25519
 * signatures against {@link TrustedKeys}. A refused spore is dead-lettered at once with reason
 * {@code unauthorized} or {@code bad_signature}, counted as {@link dev.reef.SporeEvent#DENIED} for
 * the receiving agent, and never handled; the same on every backend (docs/security.md). Immutable;
 * set with {@code ReefOptions.Builder#senderVerification}.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>the policy refuses the broker user (or its absence) for the {@code from_agent}: {@code
 *       unauthorized};
 *   <li>a {@code reef_signature} that is malformed: {@code bad_signature};
 *   <li>no signature: {@code unauthorized} if {@link Builder#requireSignatures(boolean)}, else
 *       delivered unverified;
 *   <li>a key id that is not trusted and that the {@code from_agent} did not publish ({@link
 *       PublishedKeys}: its directory card with {@link Builder#trustDirectoryKeys}, or the
 *       application's source): {@code unauthorized} if signatures are required, else delivered
 *       unverified (a signature nobody here can check is no evidence either way);
 *   <li>a trusted key that may not sign for the {@code from_agent}: {@code unauthorized};
 *   <li>a signature that does not verify: {@code bad_signature};
 *   <li>otherwise delivered, with {@link Spore#verifiedKeyId()} set.
 * </ol>
 *
 * <p>Default {@link #NONE}: nothing checked, signatures left unverified.
 */
public final class SenderVerification {
  /** Checks nothing. */
  public static final SenderVerification NONE = builder().build();

  private static final Logger LOG = LoggerFactory.getLogger(SenderVerification.class);

  private final SenderPolicy senders;
  private final TrustedKeys trustedKeys;
  private final boolean requireSignatures;
  private final PublishedKeys publishedKeys;
  private final boolean directoryKeys;

  private SenderVerification(
      SenderPolicy senders,
      TrustedKeys trustedKeys,
      boolean requireSignatures,
      PublishedKeys publishedKeys,
      boolean directoryKeys) {
    this.senders = senders;
    this.trustedKeys = trustedKeys;
    this.requireSignatures = requireSignatures;
    this.publishedKeys = publishedKeys;
    this.directoryKeys = directoryKeys;
  }

  /**
   * A builder: {@link SenderPolicy#ANY}, {@link TrustedKeys#NONE}, signatures not required.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether anything is checked.
   *
   * @return false for {@link #NONE} and equivalent settings
   */
  public boolean active() {
    return senders.enforced()
        || requireSignatures
        || !trustedKeys.isEmpty()
        || publishedKeys != PublishedKeys.NONE
        || directoryKeys;
  }

  /**
   * The sender policy.
   *
   * @return the policy
   */
  public SenderPolicy senders() {
    return senders;
  }

  /**
   * The trusted keys.
   *
   * @return the keys
   */
  public TrustedKeys trustedKeys() {
    return trustedKeys;
  }

  /**
   * Whether keys that agents publish on their directory cards are trusted (each for its card's
   * agent), read live from the reef's directory.
   *
   * @return the option
   */
  public boolean trustsDirectoryKeys() {
    return directoryKeys;
  }

  /**
   * This verification with {@code keys} asked after the application's own {@link PublishedKeys}:
   * how a reef binds its directory's cards when {@link #trustsDirectoryKeys()}.
   *
   * @param keys the further source
   * @return a new verification
   */
  public SenderVerification withPublishedKeys(PublishedKeys keys) {
    Objects.requireNonNull(keys, "keys");
    PublishedKeys first = publishedKeys;
    PublishedKeys both =
        first == PublishedKeys.NONE
            ? keys
            : (channel, agent, keyId) -> {
              PublicKey k = findQuietly(first, channel, agent, keyId);
              return k != null ? k : keys.find(channel, agent, keyId);
            };
    return new SenderVerification(senders, trustedKeys, requireSignatures, both, directoryKeys);
  }

  /**
   * Whether unsigned spores are refused.
   *
   * @return the option
   */
  public boolean requireSignatures() {
    return requireSignatures;
  }

  /**
   * Checks a received spore against the policy and the {@link TrustedKeys} only (no channel, so no
   * {@link PublishedKeys}).
   *
   * @param spore the spore as the backend delivered it (with its {@link Spore#brokerUser()})
   * @return the spore, marked {@link Spore#verifiedKeyId()} if its signature verified
   * @throws SenderRejectedException if it is refused, with the dead-letter reason
   */
  public Spore check(Spore spore) {
    return check(spore, null);
  }

  /**
   * Checks a spore received on a channel.
   *
   * @param spore the spore as the backend delivered it (with its {@link Spore#brokerUser()})
   * @param channel the channel it arrived on, or null to skip the {@link PublishedKeys}
   * @return the spore, marked {@link Spore#verifiedKeyId()} if its signature verified
   * @throws SenderRejectedException if it is refused, with the dead-letter reason
   */
  public Spore check(Spore spore, @Nullable String channel) {
    String user = spore.brokerUser().orElse(null);
    if (!senders.permits(user, spore.fromAgent())) {
      throw new SenderRejectedException(
          DeadLetterReason.UNAUTHORIZED,
          user == null
              ? "spore from '" + spore.fromAgent() + "' carries no verified broker user"
              : "broker user '" + user + "' may not send as '" + spore.fromAgent() + "'");
    }
    Optional<SporeSignatures.Signed> signed = SporeSignatures.signatureOf(spore);
    if (signed.isEmpty()) {
      if (requireSignatures) {
        throw new SenderRejectedException(
            DeadLetterReason.UNAUTHORIZED,
            "spore from '" + spore.fromAgent() + "' is not signed and signatures are required");
      }
      return spore;
    }
    String keyId = signed.get().keyId();
    TrustedKeys.Entry trusted = trustedKeys.get(keyId);
    if (trusted == null && channel != null) {
      trusted = published(channel, spore.fromAgent(), keyId);
    }
    if (trusted == null) {
      if (requireSignatures) {
        throw new SenderRejectedException(
            DeadLetterReason.UNAUTHORIZED,
            "spore from '" + spore.fromAgent() + "' is signed with unknown key '" + keyId + "'");
      }
      return spore;
    }
    if (!trusted.agents().matches(spore.fromAgent())) {
      throw new SenderRejectedException(
          DeadLetterReason.UNAUTHORIZED,
          "key '" + keyId + "' may not sign as '" + spore.fromAgent() + "'");
    }
    if (!SporeSignatures.verify(spore, signed.get(), trusted.key())) {
      throw new SenderRejectedException(
          DeadLetterReason.BAD_SIGNATURE,
          "the signature of spore " + spore.id() + " with key '" + keyId + "' does not verify");
    }
    return spore.withVerifiedKeyId(keyId);
  }

  private TrustedKeys.Entry published(String channel, String agent, String keyId) {
    PublicKey key = findQuietly(publishedKeys, channel, agent, keyId);
    return key == null ? null : new TrustedKeys.Entry(key, new AgentPatterns(List.of(agent)));
  }

  /** A source's key, or null if it has none or failed (a failure is no key, logged at DEBUG). */
  private static PublicKey findQuietly(
      PublishedKeys source, String channel, String agent, String keyId) {
    try {
      return source.find(channel, agent, keyId);
    } catch (Exception e) {
      LOG.debug("no published key {} of {} on {}: {}", keyId, agent, channel, e.toString());
      return null;
    }
  }

  @Override
  public String toString() {
    return "SenderVerification{senders="
        + senders
        + ", trustedKeys="
        + trustedKeys
        + ", requireSignatures="
        + requireSignatures
        + ", publishedKeys="
        + (publishedKeys != PublishedKeys.NONE)
        + ", directoryKeys="
        + directoryKeys
        + "}";
  }

  /** Builds a {@link SenderVerification}. Not thread-safe. */
  public static final class Builder {
    private SenderPolicy senders = SenderPolicy.ANY;
    private TrustedKeys trustedKeys = TrustedKeys.NONE;
    private boolean requireSignatures;
    private PublishedKeys publishedKeys = PublishedKeys.NONE;
    private boolean directoryKeys;

    private Builder() {}

    /**
     * The broker users and the agents they may send as. Default {@link SenderPolicy#ANY}.
     *
     * @param senders the policy
     * @return this builder
     */
    public Builder senders(SenderPolicy senders) {
      this.senders = Objects.requireNonNull(senders, "senders");
      return this;
    }

    /**
     * The keys signatures are verified with. Default {@link TrustedKeys#NONE}.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder trustedKeys(TrustedKeys keys) {
      this.trustedKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Trusts the keys agents publish on their own directory cards ({@code AgentCard.Builder
     * #publicKey}), each for its card's agent only, read live from the reef's agent directory: a
     * new or replaced card's key is trusted (and a replaced key no longer) once this process's
     * directory has read the card, with no new options. The reef opens its directory ({@code
     * Reef#directory()}) for this; the first signed spore on a channel waits for the directory's
     * first read of that channel. A key is as trustworthy as the directory: whoever may write its
     * records can publish a card (docs/security.md). Default false.
     *
     * @param trust true to trust directory keys
     * @return this builder
     */
    public Builder trustDirectoryKeys(boolean trust) {
      this.directoryKeys = trust;
      return this;
    }

    /**
     * A live source of keys agents published about themselves (a key service), asked for a key id
     * not in the {@link TrustedKeys}. Default {@link PublishedKeys#NONE}.
     *
     * @param keys the source
     * @return this builder
     */
    public Builder publishedKeys(PublishedKeys keys) {
      this.publishedKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Whether every spore must carry a signature by a trusted key. Default false.
     *
     * @param require true to dead-letter unsigned spores and unknown keys {@code unauthorized}
     * @return this builder
     */
    public Builder requireSignatures(boolean require) {
      this.requireSignatures = require;
      return this;
    }

    /**
     * Builds it.
     *
     * @return the verification
     */
    public SenderVerification build() {
      return new SenderVerification(
          senders, trustedKeys, requireSignatures, publishedKeys, directoryKeys);
    }
  }
}
