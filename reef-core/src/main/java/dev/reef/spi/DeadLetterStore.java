package dev.reef.spi;

import dev.reef.DeadLetterRecord;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A backend's dead letters, per channel: what {@link dev.reef.DeadLetters} reads and changes. See
 * {@link dev.reef.DeadLetters} for the meaning of each operation. A backend without reachable dead
 * letters keeps {@link ReefBackend#deadLetterStore()}'s default, {@link #UNSUPPORTED}.
 * Implementations are thread-safe.
 */
public interface DeadLetterStore {

  /** A store for backends that keep no dead letters: every call throws. */
  DeadLetterStore UNSUPPORTED = new Unsupported();

  /**
   * The oldest dead letters of a channel, not removed.
   *
   * @param channel a valid channel name
   * @param max 1..{@link dev.reef.DeadLetters#MAX_LIST}
   * @return oldest first
   */
  List<DeadLetterRecord> list(String channel, int max);

  /**
   * How many dead letters a channel has.
   *
   * @param channel a valid channel name
   * @return 0 or more
   */
  long count(String channel);

  /**
   * Sends dead letters back where they first went and removes them.
   *
   * @param channel a valid channel name
   * @param id the {@link DeadLetterRecord#id()} of the one to replay (the oldest with that id), or
   *     null for every dead letter the channel has now
   * @return how many were replayed
   */
  int replay(String channel, @Nullable String id);

  /**
   * Removes every dead letter of a channel.
   *
   * @param channel a valid channel name
   * @return how many were removed
   */
  long purge(String channel);

  /** The store of a backend that keeps no dead letters. */
  final class Unsupported implements DeadLetterStore {
    private Unsupported() {}

    private static UnsupportedOperationException unsupported() {
      return new UnsupportedOperationException("this backend keeps no dead letters Reef can reach");
    }

    @Override
    public List<DeadLetterRecord> list(String channel, int max) {
      throw unsupported();
    }

    @Override
    public long count(String channel) {
      throw unsupported();
    }

    @Override
    public int replay(String channel, String id) {
      throw unsupported();
    }

    @Override
    public long purge(String channel) {
      throw unsupported();
    }
  }
}
