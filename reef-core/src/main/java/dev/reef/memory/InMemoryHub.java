package dev.reef.memory;

import dev.reef.Spore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The shared state of in-memory reefs: the channels, their mailboxes and the dead letters. Every
 * {@link InMemoryBackend} works on one hub; several backends built on the same hub behave like
 * several processes on one broker (they see the same mailboxes, and backends consuming the same
 * mailbox compete for its spores). A backend built without a hub gets a private one.
 *
 * <p>Mailbox settings live here because mailboxes are shared: capacity (default {@value
 * #DEFAULT_MAILBOX_CAPACITY} spores, 1 to 10,000,000), overflow policy (default {@link
 * OverflowPolicy#REJECT}) and the number of dead letters kept (default {@value
 * #DEFAULT_MAX_DEAD_LETTERS}, 0 to 10,000,000; the oldest are forgotten first, their counters
 * stay). A hub has no threads and needs no closing: it is garbage once no backend refers to it.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class InMemoryHub {
  /** Default mailbox capacity: {@value} spores. */
  public static final int DEFAULT_MAILBOX_CAPACITY = 10_000;

  /** Default number of dead letters kept: {@value}. */
  public static final int DEFAULT_MAX_DEAD_LETTERS = 10_000;

  private final int mailboxCapacity;
  private final OverflowPolicy overflowPolicy;
  private final int maxDeadLetters;
  private final ConcurrentHashMap<String, HubChannel> channels = new ConcurrentHashMap<>();
  private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();

  private InMemoryHub(Builder b) {
    this.mailboxCapacity = b.mailboxCapacity;
    this.overflowPolicy = b.overflowPolicy;
    this.maxDeadLetters = b.maxDeadLetters;
  }

  /**
   * A hub with default settings.
   *
   * @return a new hub
   */
  public static InMemoryHub create() {
    return builder().build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The capacity of each mailbox.
   *
   * @return spores per mailbox
   */
  public int mailboxCapacity() {
    return mailboxCapacity;
  }

  /**
   * What a full mailbox does.
   *
   * @return the policy
   */
  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  /**
   * How many dead letters are kept.
   *
   * @return the bound
   */
  public int maxDeadLetters() {
    return maxDeadLetters;
  }

  /**
   * A snapshot of the dead letters, oldest first.
   *
   * @return an immutable list
   */
  public List<DeadLetter> deadLetters() {
    synchronized (deadLetters) {
      return List.copyOf(deadLetters);
    }
  }

  /**
   * Removes and returns every dead letter, oldest first (for example to replay them).
   *
   * @return an immutable list of what was removed
   */
  public List<DeadLetter> drainDeadLetters() {
    synchronized (deadLetters) {
      List<DeadLetter> copy = List.copyOf(deadLetters);
      deadLetters.clear();
      return copy;
    }
  }

  /**
   * The number of spores waiting in a mailbox. Not counted: spores handed to a consumer and not yet
   * settled, and spores a consumer has taken into its batch (up to 32, see {@code InMemoryBackend})
   * and not yet handed to a handler; {@link InMemoryBackend#backlog()} counts those too.
   *
   * @param channel the channel
   * @param agent the agent
   * @return the depth, or 0 if there is no such mailbox
   */
  public int mailboxDepth(String channel, String agent) {
    HubChannel ch = channels.get(channel);
    Mailbox mb = ch == null ? null : ch.mailbox(agent);
    return mb == null ? 0 : mb.size();
  }

  long totalDepth() {
    long n = 0;
    for (HubChannel ch : channels.values()) {
      for (Mailbox mb : ch.all()) {
        n += mb.size();
      }
    }
    return n;
  }

  HubChannel channel(String name) {
    HubChannel ch = channels.get(name);
    return ch != null ? ch : channels.computeIfAbsent(name, n -> new HubChannel(this, n));
  }

  Set<String> agents(String channel) {
    HubChannel ch = channels.get(channel);
    return ch == null ? Set.of() : ch.agents();
  }

  /** The dead letters that match, oldest first, at most {@code max}; none removed. */
  List<DeadLetter> deadLetters(Predicate<DeadLetter> filter, int max) {
    List<DeadLetter> found = new ArrayList<>();
    synchronized (deadLetters) {
      for (DeadLetter d : deadLetters) {
        if (found.size() >= max) {
          break;
        }
        if (filter.test(d)) {
          found.add(d);
        }
      }
    }
    return found;
  }

  /** Removes one dead letter (the same instance); false if it is no longer there. */
  boolean removeDeadLetter(DeadLetter letter) {
    synchronized (deadLetters) {
      Iterator<DeadLetter> it = deadLetters.iterator();
      while (it.hasNext()) {
        if (it.next() == letter) {
          it.remove();
          return true;
        }
      }
    }
    return false;
  }

  /** Removes the dead letters that match. */
  long removeDeadLetters(Predicate<DeadLetter> filter) {
    long n = 0;
    synchronized (deadLetters) {
      Iterator<DeadLetter> it = deadLetters.iterator();
      while (it.hasNext()) {
        if (filter.test(it.next())) {
          it.remove();
          n++;
        }
      }
    }
    return n;
  }

  void deadLetter(DeadLetter letter) {
    if (maxDeadLetters == 0) {
      return;
    }
    synchronized (deadLetters) {
      if (deadLetters.size() >= maxDeadLetters) {
        deadLetters.pollFirst();
      }
      deadLetters.addLast(letter);
    }
  }

  void deadLetter(Mailbox mb, Spore spore, String reason, String error, int attempts) {
    deadLetter(new DeadLetter(mb.channelName, mb.agent, spore, reason, error, attempts));
  }

  /** Builds an {@link InMemoryHub}; not thread-safe. */
  public static final class Builder {
    private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
    private OverflowPolicy overflowPolicy = OverflowPolicy.REJECT;
    private int maxDeadLetters = DEFAULT_MAX_DEAD_LETTERS;

    private Builder() {}

    /**
     * The capacity of each mailbox; default {@value InMemoryHub#DEFAULT_MAILBOX_CAPACITY}.
     *
     * @param capacity 1 to 10,000,000 spores
     * @return this builder
     */
    public Builder mailboxCapacity(int capacity) {
      this.mailboxCapacity = capacity;
      return this;
    }

    /**
     * What a full mailbox does; default {@link OverflowPolicy#REJECT}.
     *
     * @param policy the policy, not null
     * @return this builder
     */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = policy;
      return this;
    }

    /**
     * How many dead letters to keep; default {@value InMemoryHub#DEFAULT_MAX_DEAD_LETTERS}.
     *
     * @param max 0 (keep none; they are still counted) to 10,000,000
     * @return this builder
     */
    public Builder maxDeadLetters(int max) {
      this.maxDeadLetters = max;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the hub
     * @throws IllegalArgumentException if a value is out of range
     */
    public InMemoryHub build() {
      if (mailboxCapacity < 1 || mailboxCapacity > 10_000_000) {
        throw new IllegalArgumentException(
            "mailboxCapacity must be 1..10000000, was " + mailboxCapacity);
      }
      Objects.requireNonNull(overflowPolicy, "overflowPolicy");
      if (maxDeadLetters < 0 || maxDeadLetters > 10_000_000) {
        throw new IllegalArgumentException(
            "maxDeadLetters must be 0..10000000, was " + maxDeadLetters);
      }
      return new InMemoryHub(this);
    }
  }
}
