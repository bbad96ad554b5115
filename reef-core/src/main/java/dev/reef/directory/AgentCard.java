package dev.reef.directory;

import dev.reef.ReefNames;
import dev.reef.SporeValidationException;
import dev.reef.security.SporeSignatures;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an agent says about itself in the directory: its name, its kind, its capabilities, a
 * version, a description and free JSON metadata. Immutable; checked when built.
 *
 * <p>The kind is hierarchical: dot-separated segments such as {@code llm.summarizer}, so that a
 * {@link DirectoryQuery} for kind {@code llm} finds it. Reef adds what the agent does not say (the
 * instances with their host, process, start and last-seen times) in {@link DirectoryEntry}.
 *
 * <p>Limits (each broken rule throws {@link SporeValidationException} naming the field):
 *
 * <ul>
 *   <li>{@code name}: an agent name ({@link ReefNames#requireAgent(String, String)});
 *   <li>{@code kind}: 1 to {@value #MAX_KIND_SEGMENTS} segments of {@code [A-Za-z0-9_-]+} joined by
 *       dots, at most {@value #MAX_KIND_CHARS} characters; default {@code agent};
 *   <li>{@code capabilities}: at most {@value #MAX_CAPABILITIES} tags of {@code [A-Za-z0-9_.:-]+},
 *       each at most {@value #MAX_CAPABILITY_CHARS} characters; duplicates are dropped, order kept;
 *   <li>{@code version}: at most {@value #MAX_VERSION_CHARS} characters, no control characters;
 *   <li>{@code description}: at most {@value #MAX_DESCRIPTION_CHARS} characters;
 *   <li>{@code metadata}: a JSON object (String keys; values null, String, Boolean, Number, Map,
 *       Collection);
 *   <li>the whole card: at most {@value #MAX_CARD_BYTES} bytes as compact UTF-8 JSON.
 * </ul>
 *
 * <p>Why this file is long (~500 lines): an immutable value type with its nested builder, whose
 * every field is documented and validated where it is set (names, kinds, capabilities, version,
 * metadata, public key).
 */
public final class AgentCard {
  /** The largest card, as compact UTF-8 JSON. */
  public static final int MAX_CARD_BYTES = 16 * 1024;

  /** The longest kind, in characters. */
  public static final int MAX_KIND_CHARS = 128;

  /** The most segments in a kind. */
  public static final int MAX_KIND_SEGMENTS = 8;

  /** The most capabilities on a card. */
  public static final int MAX_CAPABILITIES = 64;

  /** The longest capability, in characters. */
  public static final int MAX_CAPABILITY_CHARS = 64;

  /** The longest version, in characters. */
  public static final int MAX_VERSION_CHARS = 64;

  /** The longest description, in characters. */
  public static final int MAX_DESCRIPTION_CHARS = 2048;

  /** The kind of a card that does not name one. */
  public static final String DEFAULT_KIND = "agent";

  /** The most characters in a public key's id. */
  public static final int MAX_KEY_ID_CHARS = 128;

  private final String name;
  private final String kind;
  private final List<String> capabilities;
  private final String version;
  private final String description;
  private final Map<String, Object> metadata;
  private final String publicKeyId;
  private final String publicKeyText;
  private final PublicKey publicKey;

  private AgentCard(Builder b) {
    this.name = ReefNames.requireAgent("name", b.name);
    this.kind = requireKind(b.kind);
    this.capabilities = requireCapabilities(b.capabilities);
    this.version = requireText("version", b.version, MAX_VERSION_CHARS);
    this.description = requireText("description", b.description, MAX_DESCRIPTION_CHARS);
    this.metadata = CardJson.freezeObject("metadata", b.metadata);
    if (b.publicKeyText == null) {
      this.publicKeyId = null;
      this.publicKeyText = null;
      this.publicKey = null;
    } else {
      this.publicKeyId = requireText("public_key.key_id", b.publicKeyId, MAX_KEY_ID_CHARS);
      if (publicKeyId.isBlank()) {
        throw new SporeValidationException("public_key.key_id", "must not be blank");
      }
      try {
        this.publicKey = SporeSignatures.decodePublicKey(b.publicKeyText);
      } catch (IllegalArgumentException e) {
        throw new SporeValidationException("public_key.key", e.getMessage());
      }
      this.publicKeyText = SporeSignatures.encodePublicKey(publicKey);
    }
    int bytes = CardJson.cardBytes(this);
    if (bytes > MAX_CARD_BYTES) {
      throw new SporeValidationException(
          "card", "must be at most " + MAX_CARD_BYTES + " bytes as JSON, was " + bytes);
    }
  }

  /**
   * A builder for the card of an agent.
   *
   * @param name the agent name
   * @return the builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The minimal card of an agent: its name and the default kind.
   *
   * @param name the agent name
   * @return the card
   */
  public static AgentCard minimal(String name) {
    return builder(name).build();
  }

  /**
   * A builder that starts from this card.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    return new Builder(name)
        .kind(kind)
        .capabilities(capabilities)
        .version(version)
        .description(description)
        .metadata(metadata)
        .publicKey(publicKeyId, publicKeyText);
  }

  /**
   * Whether a kind is valid.
   *
   * @param kind the kind, may be null
   * @return true if {@link Builder#kind(String)} accepts it
   */
  public static boolean isValidKind(@Nullable String kind) {
    try {
      requireKind(kind);
      return true;
    } catch (SporeValidationException e) {
      return false;
    }
  }

  static String requireKind(String kind) {
    if (kind == null || kind.isEmpty()) {
      throw new SporeValidationException("kind", "must not be empty");
    }
    if (kind.length() > MAX_KIND_CHARS) {
      throw new SporeValidationException(
          "kind", "must be at most " + MAX_KIND_CHARS + " characters, was " + kind.length());
    }
    int segments = 1;
    char prev = '.';
    for (int i = 0; i < kind.length(); i++) {
      char c = kind.charAt(i);
      if (c == '.') {
        if (prev == '.') {
          throw new SporeValidationException("kind", "has an empty segment in '" + kind + "'");
        }
        segments++;
      } else if (!isWordChar(c)) {
        throw new SporeValidationException(
            "kind",
            "segments may only contain letters, digits, '_' and '-', found '"
                + c
                + "' in '"
                + kind
                + "'");
      }
      prev = c;
    }
    if (prev == '.') {
      throw new SporeValidationException("kind", "has an empty segment in '" + kind + "'");
    }
    if (segments > MAX_KIND_SEGMENTS) {
      throw new SporeValidationException(
          "kind", "must have at most " + MAX_KIND_SEGMENTS + " segments, had " + segments);
    }
    return kind;
  }

  static String requireCapability(String capability) {
    if (capability == null || capability.isEmpty()) {
      throw new SporeValidationException("capabilities", "a capability must not be empty");
    }
    if (capability.length() > MAX_CAPABILITY_CHARS) {
      throw new SporeValidationException(
          "capabilities",
          "a capability must be at most "
              + MAX_CAPABILITY_CHARS
              + " characters, was "
              + capability.length());
    }
    for (int i = 0; i < capability.length(); i++) {
      char c = capability.charAt(i);
      if (!isWordChar(c) && c != '.' && c != ':') {
        throw new SporeValidationException(
            "capabilities",
            "may only contain letters, digits, '_', '-', '.' and ':', found '"
                + c
                + "' in '"
                + capability
                + "'");
      }
    }
    return capability;
  }

  private static List<String> requireCapabilities(Collection<String> caps) {
    Set<String> out = new LinkedHashSet<>();
    for (String c : caps) {
      out.add(requireCapability(c));
    }
    if (out.size() > MAX_CAPABILITIES) {
      throw new SporeValidationException(
          "capabilities", "at most " + MAX_CAPABILITIES + " allowed, had " + out.size());
    }
    return List.copyOf(out);
  }

  private static String requireText(String field, String text, int max) {
    if (text == null) {
      return "";
    }
    if (text.length() > max) {
      throw new SporeValidationException(
          field, "must be at most " + max + " characters, was " + text.length());
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        throw new SporeValidationException(field, "must not contain control characters");
      }
    }
    return text;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  /**
   * The agent name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The kind, for example {@code llm.summarizer}.
   *
   * @return the kind
   */
  public String kind() {
    return kind;
  }

  /**
   * Whether this card's kind is {@code kind} or, with {@code subKinds}, one of its sub-kinds
   * ({@code llm.summarizer} is a sub-kind of {@code llm}).
   *
   * @param other the kind asked for
   * @param subKinds whether sub-kinds count
   * @return true on a match
   */
  public boolean isKind(String other, boolean subKinds) {
    if (kind.equals(other)) {
      return true;
    }
    return subKinds
        && kind.length() > other.length()
        && kind.startsWith(other)
        && kind.charAt(other.length()) == '.';
  }

  /**
   * The capabilities (skills), in the order given, without duplicates.
   *
   * @return an immutable list
   */
  public List<String> capabilities() {
    return capabilities;
  }

  /**
   * The version the agent reports, or {@code ""}.
   *
   * @return the version
   */
  public String version() {
    return version;
  }

  /**
   * The description, or {@code ""}.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Free metadata, a deep unmodifiable JSON object. Integers are kept as {@code Long} and other
   * numbers as {@code Double} or {@code BigDecimal}, as they read back from JSON.
   *
   * @return the metadata, never null
   */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /**
   * The id of the agent's Ed25519 public key, the {@code key_id} its signed spores name
   * (docs/security.md).
   *
   * @return the key id, or empty if the card publishes no key
   */
  public Optional<String> publicKeyId() {
    return Optional.ofNullable(publicKeyId);
  }

  /**
   * The agent's Ed25519 public key, trusted live by a receiver with {@code
   * SenderVerification.builder().trustDirectoryKeys(true)}, or as a snapshot with {@code
   * TrustedKeys.builder().trust(card.publicKeyId().get(), card.publicKey().get(), card.name())}. A
   * key read from the directory is as trustworthy as the directory: anyone who may write its
   * records may publish a card (docs/security.md, "Key distribution").
   *
   * @return the key, or empty if the card publishes none
   */
  public Optional<PublicKey> publicKey() {
    return Optional.ofNullable(publicKey);
  }

  /** The key as text ({@link SporeSignatures#encodePublicKey}), or null. */
  String publicKeyText() {
    return publicKeyText;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AgentCard)) {
      return false;
    }
    AgentCard c = (AgentCard) o;
    return name.equals(c.name)
        && kind.equals(c.kind)
        && capabilities.equals(c.capabilities)
        && version.equals(c.version)
        && description.equals(c.description)
        && metadata.equals(c.metadata)
        && Objects.equals(publicKeyId, c.publicKeyId)
        && Objects.equals(publicKeyText, c.publicKeyText);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, capabilities, version, description, metadata);
  }

  @Override
  public String toString() {
    return "AgentCard{" + name + ", kind=" + kind + ", capabilities=" + capabilities + "}";
  }

  /** Builds an {@link AgentCard}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String kind = DEFAULT_KIND;
    private final List<String> capabilities = new ArrayList<>();
    private String version = "";
    private String description = "";
    private Map<String, ?> metadata = Map.of();
    private String publicKeyId;
    private String publicKeyText;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the kind.
     *
     * @param kind dot-separated segments, for example {@code llm.summarizer}
     * @return this builder
     */
    public Builder kind(String kind) {
      this.kind = kind;
      return this;
    }

    /**
     * Adds capabilities.
     *
     * @param capabilities tags
     * @return this builder
     */
    public Builder capabilities(String... capabilities) {
      return capabilities(List.of(capabilities));
    }

    /**
     * Adds capabilities.
     *
     * @param capabilities tags
     * @return this builder
     */
    public Builder capabilities(Collection<String> capabilities) {
      for (String c : capabilities) {
        this.capabilities.add(Objects.requireNonNull(c, "capability"));
      }
      return this;
    }

    /**
     * Sets the version.
     *
     * @param version free text, for example {@code 1.2.0}
     * @return this builder
     */
    public Builder version(@Nullable String version) {
      this.version = version;
      return this;
    }

    /**
     * Sets the description.
     *
     * @param description free text
     * @return this builder
     */
    public Builder description(@Nullable String description) {
      this.description = description;
      return this;
    }

    /**
     * Sets the metadata.
     *
     * @param metadata a JSON-shaped object
     * @return this builder
     */
    public Builder metadata(Map<String, ?> metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    /**
     * Publishes the agent's Ed25519 public key (docs/security.md). Default none.
     *
     * @param keyId the id its signatures name, at most {@value AgentCard#MAX_KEY_ID_CHARS}
     *     characters; null (with a null key) for none
     * @param publicKey base64 of the X.509 {@code SubjectPublicKeyInfo} ({@link
     *     SporeSignatures#encodePublicKey}), or null for none
     * @return this builder
     */
    public Builder publicKey(@Nullable String keyId, @Nullable String publicKey) {
      this.publicKeyId = keyId;
      this.publicKeyText = publicKey;
      return this;
    }

    /**
     * Publishes the agent's Ed25519 public key.
     *
     * @param keyId the id its signatures name
     * @param publicKey the key
     * @return this builder
     */
    public Builder publicKey(String keyId, PublicKey publicKey) {
      return publicKey(keyId, SporeSignatures.encodePublicKey(publicKey));
    }

    /**
     * Builds and checks the card.
     *
     * @return the card
     * @throws SporeValidationException if a field breaks a rule
     */
    public AgentCard build() {
      return new AgentCard(this);
    }
  }
}
