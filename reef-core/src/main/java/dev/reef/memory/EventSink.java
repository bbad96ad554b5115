package dev.reef.memory;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.spi.BackendListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one backend reports its events: the listener the owning reef gave at start, shielded so
 * that a listener that throws is logged and never disturbs a delivery.
 */
final class EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBackend.class);

  private volatile BackendListener listener = BackendListener.NONE;

  void listenTo(BackendListener listener) {
    this.listener = listener;
  }

  void emit(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    try {
      listener.onEvent(event, channel, agent, spore, error);
    } catch (RuntimeException e) {
      LOG.warn("backend listener failed on {}", event, e);
    }
  }
}
