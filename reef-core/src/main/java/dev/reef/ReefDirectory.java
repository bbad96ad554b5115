package dev.reef;

import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentTerminatedException;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryEvent;
import dev.reef.directory.DirectoryEventType;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent directory of a reef ({@link Reef#directory()}): created on first use on the backend's
 * store, closed with the reef. Once it exists, it answers the send check ({@link
 * #isKnownTerminated}), follows every channel the reef subscribes on, and stops the handlers of an
 * agent of the reef when the directory sees it terminated. Before it exists, none of this costs
 * anything. Thread-safe; the lock guards only the creation (no I/O under it).
 */
final class ReefDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ReefDirectory.class);
  private static final AutoCloseable OPENING = () -> {};

  private final ReefBackend backend;
  private final BiConsumer<String, String> stopAgent;
  private final Set<String> subscribedChannels = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, AutoCloseable> watches = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile AgentDirectory directory;
  private boolean closed; // guarded by lock

  /**
   * @param stopAgent removes the handlers of a terminated (channel, agent) of this reef
   */
  ReefDirectory(ReefBackend backend, BiConsumer<String, String> stopAgent) {
    this.backend = backend;
    this.stopAgent = stopAgent;
  }

  /** The directory, created on first call. */
  AgentDirectory get() {
    AgentDirectory d = directory;
    if (d != null) {
      return d;
    }
    DirectoryStore store = backend.directoryStore(); // may connect: outside the lock
    synchronized (lock) {
      if (closed) {
        throw new ReefClosedException("the reef is closed");
      }
      if (directory == null) {
        directory = AgentDirectory.create(store);
      }
      d = directory;
    }
    for (String channel : List.copyOf(subscribedChannels)) {
      watch(d, channel);
    }
    return d;
  }

  /**
   * The key {@code agent} published on its card on {@code channel} under {@code keyId}, or null: a
   * {@link dev.reef.security.PublishedKeys} for {@code SenderVerification.trustDirectoryKeys}.
   * Creates the directory if needed; the first call for a channel waits for its first read.
   */
  @Nullable PublicKey publishedKey(String channel, String agent, String keyId) {
    return get()
        .lookup(channel, agent)
        .map(DirectoryEntry::card)
        .filter(card -> card.publicKeyId().filter(keyId::equals).isPresent())
        .flatMap(AgentCard::publicKey)
        .orElse(null);
  }

  /** Whether the directory exists and knows the agent as terminated (no I/O). */
  boolean isKnownTerminated(String channel, String agent) {
    AgentDirectory d = directory;
    return d != null && d.isKnownTerminated(channel, agent);
  }

  /** Before a subscribe: if the directory exists, follows the channel (reads its history once). */
  void subscribing(String channel) {
    subscribedChannels.add(channel);
    AgentDirectory d = directory;
    if (d != null) {
      watch(d, channel);
    }
  }

  /**
   * After a subscribe added its handler: refuses an agent that the directory knows as terminated.
   *
   * @throws AgentTerminatedException if it is
   */
  void requireNotTerminated(String channel, String agent) {
    if (isKnownTerminated(channel, agent)) {
      throw new AgentTerminatedException(channel, agent);
    }
  }

  private void watch(AgentDirectory d, String channel) {
    if (watches.putIfAbsent(channel, OPENING) != null) {
      return;
    }
    try {
      AutoCloseable w = d.watch(channel, e -> changed(d, e));
      if (!watches.replace(channel, OPENING, w)) {
        closeQuietly(w);
      }
    } catch (RuntimeException e) {
      watches.remove(channel, OPENING);
      LOG.warn(
          "cannot follow the directory of channel '{}': terminations there will not stop this"
              + " reef's handlers",
          channel,
          e);
    }
  }

  private void changed(AgentDirectory d, DirectoryEvent e) {
    if (e.type() == DirectoryEventType.CHANGED && d.isKnownTerminated(e.channel(), e.agent())) {
      LOG.info("agent '{}' on '{}' was terminated: stopping its handlers", e.agent(), e.channel());
      stopAgent.accept(e.channel(), e.agent());
    }
  }

  /** Stops watching and closes the directory (its registrations leave). Idempotent. */
  void close() {
    AgentDirectory d;
    synchronized (lock) {
      closed = true;
      d = directory;
    }
    for (AutoCloseable w : watches.values()) {
      closeQuietly(w);
    }
    watches.clear();
    if (d != null) {
      d.close();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing a directory watch failed", e);
    }
  }
}
