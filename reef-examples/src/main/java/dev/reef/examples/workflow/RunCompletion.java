package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.SporeType;
import dev.reef.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watches an agent's mailbox for the coordinator's {@code workflow-complete} notification of one
 * run, with a second handler beside the agent's own (every handler of an agent sees each spore), so
 * that an agent process can end when the run it joined is over. Thread-safe.
 */
public final class RunCompletion {
  private final CountDownLatch done = new CountDownLatch(1);

  private RunCompletion() {}

  /**
   * Starts watching.
   *
   * @param channel the channel
   * @param agent the agent whose mailbox is watched
   * @param runId the run
   * @return the watcher
   */
  public static RunCompletion watch(ReefChannel channel, String agent, String runId) {
    RunCompletion watcher = new RunCompletion();
    @SuppressWarnings("unused")
    Subscription unused =
        channel.subscribe(
            agent,
            spore -> {
              if (spore.type() == SporeType.NOTIFICATION
                  && Knowledge.is(spore, Knowledge.EVENT, Knowledge.EVENT_COMPLETE)
                  && Knowledge.is(spore, Knowledge.RUN, runId)) {
                watcher.done.countDown();
              }
            });
    return watcher;
  }

  /**
   * Waits for the notification.
   *
   * @param timeout how long at most
   * @return true if the run completed, false if the timeout passed first
   * @throws InterruptedException if interrupted
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
