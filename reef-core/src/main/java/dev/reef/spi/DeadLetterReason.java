package dev.reef.spi;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Why a backend gave up on a spore and moved it to its dead letters. One set of reasons for every
 * backend: the in-memory backend lists them in its dead letters, the AMQP backend writes the {@link
 * #wireName()} into the {@code x-reef-dead-reason} header of the dead-letter copy.
 *
 * <p>Which event a backend reports with each reason: {@link #HANDLER_FAILED} with {@link
 * dev.reef.SporeEvent#DEAD_LETTERED} (its error a {@link DeadLetteredException}), {@link #EXPIRED}
 * with {@link dev.reef.SporeEvent#EXPIRED}, {@link #MALFORMED} with {@link
 * dev.reef.SporeEvent#MALFORMED}, {@link #DROPPED_OLDEST} with {@link
 * dev.reef.SporeEvent#DROPPED_OLDEST}, {@link #TERMINATED}, {@link #UNAUTHORIZED} and {@link
 * #BAD_SIGNATURE} with {@link dev.reef.SporeEvent#DEAD_LETTERED}.
 */
public enum DeadLetterReason {
  /**
   * The consumer failed on every attempt the backend's {@link dev.reef.RetryPolicy} allows: its
   * stage completed exceptionally, {@link MailboxConsumer#deliver} threw, or it returned a {@code
   * null} stage. Wire name {@code handler_failed}.
   */
  HANDLER_FAILED("handler_failed"),

  /** The spore expired before it reached a consumer. Wire name {@code expired}. */
  EXPIRED("expired"),

  /**
   * A message from the wire could not be read as a spore (a transport with a wire format only).
   * Wire name {@code malformed}.
   */
  MALFORMED("malformed"),

  /**
   * A full mailbox with a drop-oldest overflow policy discarded the spore to take a newer one. Wire
   * name {@code dropped_oldest}.
   */
  DROPPED_OLDEST("dropped_oldest"),

  /**
   * The spore's agent was terminated ({@code dev.reef.directory.MailboxTerminator}): a consumer
   * failed it with a {@link DeadLetterException} of this reason, and it was dead-lettered at once,
   * without retries. Wire name {@code terminated}.
   */
  TERMINATED("terminated"),

  /**
   * The receiving reef's {@code dev.reef.security.SenderVerification} refused the sender: its
   * verified broker user may not send as its {@code from_agent}, or a required signature is
   * missing, or it is signed with a key that is unknown or not trusted for that agent.
   * Dead-lettered at once, never handled. Wire name {@code unauthorized}.
   */
  UNAUTHORIZED("unauthorized"),

  /**
   * The spore's Ed25519 signature does not verify (the spore was changed after signing, or the
   * signature is malformed). Dead-lettered at once, never handled. Wire name {@code bad_signature}.
   */
  BAD_SIGNATURE("bad_signature");

  /** The wire name Reef for Java wrote for {@link #HANDLER_FAILED} before 1.0: {@value}. */
  static final String LEGACY_HANDLER_FAILED = "failed";

  private final String wireName;

  DeadLetterReason(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The name written on the wire and listed in dead letters, lower case with underscores.
   *
   * @return for example {@code handler_failed}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The reason of a wire name, accepting the legacy {@code failed} for {@link #HANDLER_FAILED}
   * (dead letters written by earlier versions), case-insensitively.
   *
   * @param wireName a wire name, may be null
   * @return the reason, or empty if the name is not one of Reef's
   */
  public static Optional<DeadLetterReason> fromWireName(@Nullable String wireName) {
    if (wireName == null) {
      return Optional.empty();
    }
    String name = wireName.trim().toLowerCase(Locale.ROOT);
    if (name.equals(LEGACY_HANDLER_FAILED)) {
      return Optional.of(HANDLER_FAILED);
    }
    for (DeadLetterReason r : values()) {
      if (r.wireName.equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The wire name. */
  @Override
  public String toString() {
    return wireName;
  }
}
