package dev.reef.memory;

import dev.reef.DeadLetterRecord;
import dev.reef.MailboxFullException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.Spore;
import dev.reef.UnknownAgentException;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.support.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The {@link DeadLetterStore} of an {@link InMemoryBackend}: the hub's bounded dead-letter list,
 * per channel. Listing removes nothing; a replayed dead letter is removed only once its spore is
 * back in a mailbox. Thread-safe.
 */
final class HubDeadLetters implements DeadLetterStore {
  private final InMemoryHub hub;
  private final Router router;
  private final EventSink events;

  HubDeadLetters(InMemoryHub hub, Router router, EventSink events) {
    this.hub = hub;
    this.router = router;
    this.events = events;
  }

  @Override
  public List<DeadLetterRecord> list(String channel, int max) {
    ReefNames.requireChannel(channel);
    List<DeadLetterRecord> out = new ArrayList<>();
    for (DeadLetter d : hub.deadLetters(d -> d.channel().equals(channel), max)) {
      out.add(
          new DeadLetterRecord(
              d.spore().id(),
              d.channel(),
              d.inMailbox() ? d.agent() : null,
              d.spore(),
              d.reason(),
              d.error(),
              d.attempts()));
    }
    return out;
  }

  @Override
  public long count(String channel) {
    ReefNames.requireChannel(channel);
    return hub.deadLetters(d -> d.channel().equals(channel), Integer.MAX_VALUE).size();
  }

  @Override
  public int replay(String channel, @Nullable String id) {
    ReefNames.requireChannel(channel);
    List<DeadLetter> found =
        hub.deadLetters(
            d -> d.channel().equals(channel) && (id == null || d.spore().id().equals(id)),
            id == null ? Integer.MAX_VALUE : 1);
    int replayed = 0;
    for (DeadLetter d : found) {
      if (!hub.removeDeadLetter(d)) {
        continue; // replayed or purged meanwhile
      }
      try {
        sendBack(d);
      } catch (RuntimeException e) {
        hub.deadLetter(d); // stays a dead letter (now the newest)
        throw e instanceof ReefException
            ? (ReefException) e
            : new ReefException("replaying spore " + d.spore().id() + " failed: " + e, e);
      }
      replayed++;
    }
    return replayed;
  }

  /**
   * A directed spore (or one that reached no mailbox) through the router, as first published; an
   * undirected one straight into the mailbox it was dead-lettered from.
   */
  private void sendBack(DeadLetter d) {
    Spore spore = d.spore();
    if (spore.isDirected() || !d.inMailbox()) {
      try {
        router.route(d.channel(), spore).join();
      } catch (CompletionException e) {
        Throwable cause = Failures.unwrap(e);
        throw cause instanceof ReefException
            ? (ReefException) cause
            : new ReefException("replaying spore " + spore.id() + " failed: " + cause, cause);
      }
      return;
    }
    Mailbox mb = hub.channel(d.channel()).mailbox(d.agent());
    if (mb == null) {
      throw new UnknownAgentException(d.channel(), d.agent());
    }
    if (!mb.offer(spore, events)) {
      throw new MailboxFullException(d.channel(), d.agent(), hub.mailboxCapacity());
    }
  }

  @Override
  public long purge(String channel) {
    ReefNames.requireChannel(channel);
    return hub.removeDeadLetters(d -> d.channel().equals(channel));
  }
}
