package dev.reef.reliability.agents;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.SporeEvent;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.Reefs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A child-JVM consumer: subscribes as {@code agent} on {@code channel} through the AMQP backend and
 * reports every handled spore as {@code R <id>} (written before the handler returns, so before the
 * acknowledgement), its heap every 500 ms as {@code HEAP used committed max}, {@code READY} once
 * subscribed, {@code STATS ...} on {@code DUMP} and {@code BYE handled=<n> duplicates=<n>} when
 * stopped.
 *
 * <p>The broker is {@link Brokers#uri()} (the parent passes {@code REEF_AMQP_URI}). Arguments
 * ({@code key=value}): {@code channel}, {@code agent}, {@code prefetch} (default 100), {@code
 * dedup} (ReefOptions.deduplicationWindow, default 0), {@code workMicros} (simulated work per
 * spore, default 0), {@code hangAfter} (after this many spores the handler reports {@code HANG
 * <id>} and never returns, to be killed mid-handling; default never), {@code dlx}/{@code dlq}
 * (dead-letter names).
 */
public final class ConsumerAgent {
  private ConsumerAgent() {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] argv) {
    Args args = new Args(argv);
    String channel = args.get("channel");
    String agent = args.get("agent");
    long workNanos = args.getLong("workMicros", 0) * 1000;
    long hangAfter = args.getLong("hangAfter", -1);
    ReefOptions options = ReefOptions.custom().deduplicationWindow(args.getInt("dedup", 0)).build();
    Reefs.Settings settings =
        Reefs.Settings.defaults()
            .withPrefetch(args.getInt("prefetch", 100))
            .withDeadLetters(args.get("dlx", null), args.get("dlq", null));
    AtomicLong handled = new AtomicLong();
    ChildIo.reportHeap(500);
    Reef reef = Reefs.amqp(Brokers.uri(), settings, options);
    reef.channel(channel)
        .subscribe(
            agent,
            spore -> {
              long n = handled.incrementAndGet();
              if (hangAfter >= 0 && n > hangAfter) {
                ChildIo.emit("HANG " + spore.id());
                while (true) {
                  LockSupport.park();
                }
              }
              if (workNanos > 0) {
                LockSupport.parkNanos(workNanos);
              }
              ChildIo.emit("R " + spore.id());
            });
    ChildIo.emit("READY");
    ChildIo.awaitStop(() -> ChildIo.emit("STATS handled=" + handled.get() + " " + reef.stats()));
    reef.close(Duration.ofSeconds(10));
    ChildIo.emit(
        "BYE handled=" + handled.get() + " duplicates=" + reef.stats().total(SporeEvent.DUPLICATE));
    System.exit(0);
  }
}
