package dev.reef.reliability.support;

import dev.reef.Spore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what happened to the spores of one reliability case, by spore id: sent (publish
 * attempted), confirmed (the publish future completed), delivered (a handler saw it; each extra
 * delivery of the same id is a duplicate), dead-lettered, and lost (confirmed but neither delivered
 * nor dead-lettered). Thread-safe; ids are whatever the case uses as the spore id.
 */
public final class SporeLedger {
  private final String caseName;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong sendFailures = new AtomicLong();
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
  private final Set<String> deadLettered = ConcurrentHashMap.newKeySet();
  private final AtomicLong deliveries = new AtomicLong();

  /** A ledger for the case named {@code caseName} (the row title of the summary). */
  public SporeLedger(String caseName) {
    this.caseName = caseName;
  }

  /** The case name. */
  public String caseName() {
    return caseName;
  }

  /** Records one publish attempt. */
  public void sent() {
    sent.incrementAndGet();
  }

  /** Records {@code n} publish attempts made elsewhere (e.g. in a producer JVM). */
  public void sent(long n) {
    sent.addAndGet(n);
  }

  /** Records {@code n} failed publish attempts made elsewhere. */
  public void sendFailed(long n) {
    sendFailures.addAndGet(n);
  }

  /** Records a publish attempt that failed (the spore may be retried and counted again). */
  public void sendFailed() {
    sendFailures.incrementAndGet();
  }

  /** Records that the publish of {@code id} was confirmed. */
  public void confirmed(String id) {
    confirmed.add(id);
  }

  /**
   * Records a delivery of {@code id} to a handler.
   *
   * @return how many times {@code id} has been delivered so far, this one included
   */
  public int delivered(String id) {
    deliveries.incrementAndGet();
    return delivered.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Records that {@code id} was found in the dead-letter queue. */
  public void deadLettered(String id) {
    deadLettered.add(id);
  }

  /** Publish attempts. */
  public long sentCount() {
    return sent.get();
  }

  /** Failed publish attempts. */
  public long sendFailureCount() {
    return sendFailures.get();
  }

  /** Distinct confirmed ids. */
  public long confirmedCount() {
    return confirmed.size();
  }

  /** Distinct delivered ids. */
  public long deliveredCount() {
    return delivered.size();
  }

  /** All deliveries, duplicates included. */
  public long deliveryCount() {
    return deliveries.get();
  }

  /** Deliveries beyond the first of each id. */
  public long duplicateCount() {
    return deliveries.get() - delivered.size();
  }

  /** Distinct dead-lettered ids. */
  public long deadLetteredCount() {
    return deadLettered.size();
  }

  /** How many times {@code id} was delivered. */
  public int deliveriesOf(String id) {
    AtomicInteger n = delivered.get(id);
    return n == null ? 0 : n.get();
  }

  /** True when {@code id} was delivered at least once. */
  public boolean wasDelivered(String id) {
    return delivered.containsKey(id);
  }

  /** Confirmed ids that were neither delivered nor dead-lettered (at most {@code limit}). */
  public List<String> lostIds(int limit) {
    List<String> out = new ArrayList<>();
    for (String id : confirmed) {
      if (!delivered.containsKey(id) && !deadLettered.contains(id)) {
        out.add(id);
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /** Confirmed ids that were neither delivered nor dead-lettered. */
  public long lostCount() {
    long n = 0;
    for (String id : confirmed) {
      if (!delivered.containsKey(id) && !deadLettered.contains(id)) {
        n++;
      }
    }
    return n;
  }

  /** A {@link RetryingPublisher.Listener} that records attempts, confirms and failures here. */
  public RetryingPublisher.Listener publishListener() {
    return new RetryingPublisher.Listener() {
      @Override
      public void attempted(Spore spore, int attempt) {
        sent();
      }

      @Override
      public void confirmed(Spore spore) {
        SporeLedger.this.confirmed(spore.id());
      }

      @Override
      public void failed(Spore spore, int attempt, Throwable error, boolean willRetry) {
        sendFailed();
      }
    };
  }

  /** Adds this ledger's row to the suite summary, with free-form {@code notes}. */
  public void report(String notes) {
    ReliabilitySummary.record(
        new ReliabilitySummary.Row(
            caseName,
            sentCount(),
            confirmedCount(),
            deliveredCount(),
            duplicateCount(),
            deadLetteredCount(),
            lostCount(),
            notes));
  }

  @Override
  public String toString() {
    return caseName
        + ": sent="
        + sentCount()
        + " sendFailures="
        + sendFailureCount()
        + " confirmed="
        + confirmedCount()
        + " delivered="
        + deliveredCount()
        + " duplicates="
        + duplicateCount()
        + " deadLettered="
        + deadLetteredCount()
        + " lost="
        + lostCount();
  }
}
