package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentState;
import dev.reef.directory.AgentStatus;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StatusCacheTest {
  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
  private volatile long bobDepth;

  /** A directory whose only answer is status(): bob has a mailbox, ghost has none. */
  private AgentDirectory directory() {
    return (AgentDirectory)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {AgentDirectory.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("status")) {
                throw new UnsupportedOperationException(method.getName());
              }
              String agent = (String) args[1];
              asked.computeIfAbsent(agent, a -> new AtomicInteger()).incrementAndGet();
              return agent.equals("bob")
                  ? new AgentStatus(AgentState.ACTIVE, bobDepth, 1, 1)
                  : new AgentStatus(AgentState.IDLE, -1, -1, 0);
            });
  }

  @Test
  void aSweepRefreshesMailboxesAndAsksForMissingOnesRarely() {
    StatusCache cache = new StatusCache(directory());
    List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
    cache.sweep("main", List.of("bob", "ghost"), changed::add);
    assertThat(cache.get("main", "bob").mailboxDepth()).isZero();
    assertThat(cache.get("main", "ghost").mailboxDepth()).isEqualTo(-1);
    assertThat(changed).containsExactly("main");

    changed.clear();
    cache.sweep("main", List.of("bob", "ghost"), changed::add);
    assertThat(changed).as("nothing moved").isEmpty();
    bobDepth = 7;
    cache.sweep("main", List.of("bob", "ghost"), changed::add);
    assertThat(changed).containsExactly("main");
    assertThat(cache.get("main", "bob").mailboxDepth()).isEqualTo(7);

    for (int i = 4; i <= StatusCache.NO_MAILBOX_EVERY; i++) {
      cache.sweep("main", List.of("bob", "ghost"), c -> {});
    }
    assertThat(asked.get("bob")).hasValue(StatusCache.NO_MAILBOX_EVERY);
    assertThat(asked.get("ghost")).as("asked on the first sweep only").hasValue(1);
    cache.sweep("main", List.of("bob", "ghost"), c -> {});
    assertThat(asked.get("ghost"))
        .as("and again %d sweeps later", StatusCache.NO_MAILBOX_EVERY)
        .hasValue(2);

    cache.sweep("main", List.of("bob"), c -> {});
    assertThat(cache.get("main", "ghost")).as("forgotten when no longer shown").isNull();
  }
}
