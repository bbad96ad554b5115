package dev.reef.security;

import dev.reef.Spore;
import dev.reef.codec.CanonicalJson;
import dev.reef.codec.Timestamps;
import dev.reef.spi.DeadLetterReason;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Ed25519 signatures of spores (JDK {@code Signature.getInstance("Ed25519")}): the canonical form a
 * signature covers, where the signature travels, and signing and verifying. Specified in
 * docs/security.md so that another language can sign and verify. Thread-safe (stateless).
 *
 * <p><b>Where it travels:</b> in the spore's metadata under {@value #METADATA_KEY}, a JSON object
 * {@code {"alg": "Ed25519", "key_id": "...", "sig": "<base64url without padding>"}}. Metadata
 * passes through both AMQP header layouts and Praval unchanged.
 *
 * <p><b>What it covers</b> ({@link #canonicalForm}): the {@link CanonicalJson} bytes of the object
 * with the members {@code alg}, {@code key_id}, {@code id}, {@code spore_type}, {@code from_agent},
 * {@code to_agent}, {@code knowledge}, {@code created_at}, {@code expires_at} (timestamps as {@link
 * Timestamps#format}, {@code null} when absent), {@code priority}, {@code reply_to}, {@code
 * correlation_id} (null when absent). Not covered: the other metadata, the references and the
 * tracing ids (annotations that hops may add to), and the receive-side attributes.
 */
public final class SporeSignatures {
  /** The metadata key of the signature object: {@value}. */
  public static final String METADATA_KEY = "reef_signature";

  /** The signature algorithm, as the JDK and the {@code alg} member name it: {@value}. */
  public static final String ALGORITHM = "Ed25519";

  private SporeSignatures() {}

  /** A signature read from a spore's metadata. */
  public record Signed(String keyId, byte[] signature) {}

  /**
   * The bytes a signature with key {@code keyId} covers.
   *
   * @param spore the spore (its {@value #METADATA_KEY} metadata, if any, is not covered)
   * @param keyId the signing key's id
   * @return canonical UTF-8 JSON
   */
  public static byte[] canonicalForm(Spore spore, String keyId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alg", ALGORITHM);
    m.put("key_id", Objects.requireNonNull(keyId, "keyId"));
    m.put("id", spore.id());
    m.put("spore_type", spore.type().wireName());
    m.put("from_agent", spore.fromAgent());
    m.put("to_agent", spore.toAgent());
    m.put("knowledge", spore.knowledge());
    m.put("created_at", Timestamps.format(spore.createdAt()));
    m.put("expires_at", spore.expiresAt() == null ? null : Timestamps.format(spore.expiresAt()));
    m.put("priority", spore.priority());
    m.put("reply_to", spore.replyTo());
    m.put("correlation_id", spore.correlationId());
    return CanonicalJson.write(m);
  }

  /**
   * A copy of the spore signed with a private key: its metadata gains {@value #METADATA_KEY}
   * (replacing an earlier signature).
   *
   * @param spore the spore
   * @param keyId the key's id, as receivers know it (non-blank)
   * @param key an Ed25519 private key
   * @return the signed spore (same id)
   * @throws IllegalArgumentException if the key is not an Ed25519 key
   */
  public static Spore sign(Spore spore, String keyId, PrivateKey key) {
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("keyId must not be blank");
    }
    byte[] sig;
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(canonicalForm(spore, keyId));
      sig = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key (Ed25519 expected): " + e, e);
    }
    Map<String, Object> signature = new LinkedHashMap<>();
    signature.put("alg", ALGORITHM);
    signature.put("key_id", keyId);
    signature.put("sig", Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
    Map<String, Object> metadata = new LinkedHashMap<>(spore.metadata());
    metadata.put(METADATA_KEY, signature);
    return spore.toBuilder().metadata(metadata).build();
  }

  /**
   * The signature a spore carries.
   *
   * @param spore the spore
   * @return the key id and signature bytes, or empty if the spore carries no {@value #METADATA_KEY}
   * @throws SenderRejectedException ({@code bad_signature}) if the entry is malformed
   */
  public static Optional<Signed> signatureOf(Spore spore) {
    Object entry = spore.metadata().get(METADATA_KEY);
    if (entry == null) {
      return Optional.empty();
    }
    if (!(entry instanceof Map)) {
      throw malformed("is not an object");
    }
    Map<?, ?> m = (Map<?, ?>) entry;
    if (!ALGORITHM.equals(m.get("alg"))) {
      throw malformed("alg must be " + ALGORITHM);
    }
    Object keyId = m.get("key_id");
    Object sig = m.get("sig");
    if (!(keyId instanceof String) || ((String) keyId).isBlank() || !(sig instanceof String)) {
      throw malformed("needs a key_id and a sig string");
    }
    try {
      return Optional.of(new Signed((String) keyId, Base64.getUrlDecoder().decode((String) sig)));
    } catch (IllegalArgumentException e) {
      throw malformed("sig is not base64url");
    }
  }

  /**
   * Whether a signature is valid for the spore and a public key.
   *
   * @param spore the spore as received
   * @param signed its signature ({@link #signatureOf})
   * @param key the signer's Ed25519 public key
   * @return true if it verifies
   */
  public static boolean verify(Spore spore, Signed signed, PublicKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(canonicalForm(spore, signed.keyId()));
      return s.verify(signed.signature());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A new Ed25519 key pair.
   *
   * @return the pair
   */
  public static KeyPair generateKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
    }
  }

  /**
   * A public key as text: base64 (standard, padded) of its X.509 {@code SubjectPublicKeyInfo} DER
   * encoding, the form the agent directory publishes.
   *
   * @param key an Ed25519 public key
   * @return the text
   */
  public static String encodePublicKey(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * Reads {@link #encodePublicKey}'s text.
   *
   * @param text base64 of an X.509 {@code SubjectPublicKeyInfo}
   * @return the key
   * @throws IllegalArgumentException if it is not an Ed25519 public key
   */
  public static PublicKey decodePublicKey(String text) {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  private static SenderRejectedException malformed(String why) {
    return new SenderRejectedException(
        DeadLetterReason.BAD_SIGNATURE, "metadata " + METADATA_KEY + " " + why);
  }
}
