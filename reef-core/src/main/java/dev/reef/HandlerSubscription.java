package dev.reef;

import java.util.concurrent.atomic.AtomicBoolean;

/** A handler attached through a reef; closing it removes the handler. */
final class HandlerSubscription implements Subscription {
  private final DefaultReef reef;
  private final AgentDispatcher dispatcher;
  private final AgentDispatcher.Handler handler;
  private final AtomicBoolean closed = new AtomicBoolean();

  HandlerSubscription(DefaultReef reef, AgentDispatcher dispatcher, AgentDispatcher.Handler h) {
    this.reef = reef;
    this.dispatcher = dispatcher;
    this.handler = h;
  }

  @Override
  public String channel() {
    return dispatcher.channel;
  }

  @Override
  public String agent() {
    return dispatcher.agent;
  }

  @Override
  public java.util.concurrent.CompletionStage<Void> ended() {
    return handler.ended.minimalCompletionStage();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (!reef.isClosed()) {
        reef.removeHandler(dispatcher, handler);
      }
      handler.end(null);
    }
  }

  @Override
  public String toString() {
    return "Subscription{channel=" + channel() + ", agent=" + agent() + "}";
  }
}
