package dev.reef.conformance;

import dev.reef.Spore;
import dev.reef.SporeHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A handler that records the spores it receives, for tests. Thread-safe. */
public final class Inbox implements SporeHandler {
  private final List<Spore> spores = new CopyOnWriteArrayList<>();

  @Override
  public void handle(Spore spore) {
    spores.add(spore);
  }

  /**
   * What arrived, in arrival order.
   *
   * @return a snapshot
   */
  public List<Spore> spores() {
    return List.copyOf(spores);
  }

  /**
   * How many arrived.
   *
   * @return the count
   */
  public int size() {
    return spores.size();
  }

  /**
   * The ids that arrived, in order.
   *
   * @return a snapshot
   */
  public List<String> ids() {
    return spores.stream().map(Spore::id).collect(Collectors.toList());
  }

  /**
   * The values of one knowledge key, in arrival order.
   *
   * @param key the knowledge key
   * @return the values
   */
  public List<Object> values(String key) {
    return spores.stream()
        .map(s -> s.knowledge() == null ? null : s.knowledge().get(key))
        .collect(Collectors.toList());
  }
}
