package dev.reef;

import dev.reef.spi.DeadLetterStore;
import java.util.List;
import java.util.Objects;

/** The {@link DeadLetters} of one channel over the backend's {@link DeadLetterStore}. */
final class ChannelDeadLetters implements DeadLetters {
  private final DeadLetterStore store;
  private final String channel;

  ChannelDeadLetters(DeadLetterStore store, String channel) {
    this.store = store;
    this.channel = ReefNames.requireChannel(channel);
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public List<DeadLetterRecord> list(int max) {
    if (max < 1 || max > MAX_LIST) {
      throw new IllegalArgumentException("max must be 1.." + MAX_LIST + ", was " + max);
    }
    return store.list(channel, max);
  }

  @Override
  public long count() {
    return store.count(channel);
  }

  @Override
  public boolean replay(String id) {
    Objects.requireNonNull(id, "id");
    return store.replay(channel, id) > 0;
  }

  @Override
  public int replayAll() {
    return store.replay(channel, null);
  }

  @Override
  public long purge() {
    return store.purge(channel);
  }

  @Override
  public String toString() {
    return "DeadLetters[" + channel + "]";
  }
}
