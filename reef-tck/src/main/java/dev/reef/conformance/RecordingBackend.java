package dev.reef.conformance;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.observe.ConnectionState;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.ReefBackend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A {@link ReefBackend} decorator that records every event the backend reports (with its error), so
 * the conformance suite can check what a backend observed without backend-specific inspection.
 */
public final class RecordingBackend extends ForwardingBackend {
  /**
   * One reported event.
   *
   * @param event the event
   * @param channel the channel
   * @param agent the agent
   * @param sporeId the spore id, or null
   * @param error the error, or null
   */
  public record Event(
      SporeEvent event, String channel, String agent, String sporeId, Throwable error) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> directReplies = new CopyOnWriteArrayList<>();

  /**
   * Wraps a backend.
   *
   * @param delegate the backend
   */
  public RecordingBackend(ReefBackend delegate) {
    super(delegate);
  }

  /**
   * The events reported so far.
   *
   * @return a snapshot
   */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /**
   * The events of one kind.
   *
   * @param event the kind
   * @return a snapshot
   */
  public List<Event> events(SporeEvent event) {
    return events.stream().filter(e -> e.event() == event).collect(Collectors.toList());
  }

  /**
   * The ids of the responses the backend brought back on its direct reply path.
   *
   * @return a snapshot
   */
  public List<String> directReplies() {
    return List.copyOf(directReplies);
  }

  @Override
  public void start(BackendListener listener) {
    delegate.start(
        new BackendListener() {
          @Override
          public void onEvent(
              SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
            events.add(new Event(event, channel, agent, spore == null ? null : spore.id(), error));
            listener.onEvent(event, channel, agent, spore, error);
          }

          @Override
          public void onDirectReply(String channel, Spore response) {
            directReplies.add(response.id());
            listener.onDirectReply(channel, response);
          }

          @Override
          public void onDirectRepliesLost(String reason) {
            listener.onDirectRepliesLost(reason);
          }

          @Override
          public void onConnectionState(ConnectionState state, String connection, String detail) {
            listener.onConnectionState(state, connection, detail);
          }
        });
  }
}
