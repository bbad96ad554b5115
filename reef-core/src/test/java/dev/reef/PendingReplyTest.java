package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pending replies end once, and run the owner's end (which may call the backend) unlocked. */
class PendingReplyTest {
  private final List<Boolean> endedHoldingTheMonitor = new CopyOnWriteArrayList<>();

  private static Spore response(String from) {
    return Spore.builder()
        .type(SporeType.RESPONSE)
        .fromAgent(from)
        .toAgent("alice")
        .replyTo("r1")
        .build();
  }

  private PendingReply.Gather gather(Set<String> expected, int firstN) {
    PendingReply.Gather g = new PendingReply.Gather("main", "alice", "r1", expected, firstN);
    g.onEnd(() -> endedHoldingTheMonitor.add(Thread.holdsLock(g)));
    return g;
  }

  @Test
  void aGatherThatHasAllItsRepliesEndsOnceOutsideItsMonitor() {
    PendingReply.Gather g = gather(Set.of("bob", "carol"), 0);
    Spore request = Spore.of(SporeType.REQUEST, "alice", null, null, 1024);
    g.published(request);

    assertThat(g.offer(response("bob"))).isTrue();
    assertThat(g.offer(response("bob"))).as("a repeat is not taken").isFalse();
    assertThat(g.offer(response("carol"))).isTrue();
    g.expire();

    assertThat(g.future.join().replies())
        .extracting(Spore::fromAgent)
        .containsExactly("bob", "carol");
    assertThat(g.future.join().timedOut()).isFalse();
    assertThat(endedHoldingTheMonitor).containsExactly(false);
  }

  @Test
  void aGatherExpiredWhilePublishingEndsOnceTheRequestIsOutOutsideItsMonitor() {
    PendingReply.Gather g = gather(Set.of("bob"), 0);
    g.expire();
    assertThat(g.future).isNotDone();

    g.published(Spore.of(SporeType.REQUEST, "alice", null, null, 1024));

    assertThat(g.future.join().timedOut()).isTrue();
    assertThat(g.future.join().missing()).containsExactly("bob");
    assertThat(endedHoldingTheMonitor).containsExactly(false);
  }

  @Test
  void anAskEndsOnceOnItsFirstResponse() {
    PendingReply.Ask a = new PendingReply.Ask("main", "alice", "r1", Duration.ofSeconds(1));
    a.onEnd(() -> endedHoldingTheMonitor.add(Thread.holdsLock(a)));

    assertThat(a.offer(response("bob"))).isTrue();
    assertThat(a.offer(response("bob"))).isFalse();
    a.expire();

    assertThat(a.future.join().fromAgent()).isEqualTo("bob");
    assertThat(endedHoldingTheMonitor).containsExactly(false);
  }
}
