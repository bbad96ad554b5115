package dev.reef.spring.handler;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Subscribes the {@link dev.reef.spring.ReefHandler} methods when the application context starts
 * and, when it stops, closes their subscriptions (no new spore is taken) and waits up to the reef's
 * close timeout for running handlers to finish; spores not yet taken stay in their mailboxes. The
 * reef itself closes when the context destroys it. Runs late in the start order and stops early
 * ({@link #PHASE}), before the beans the handlers use go away.
 */
public class ReefHandlerLifecycle implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ReefHandlerLifecycle.class);

  /** The phase: just before Spring's default one, so handlers stop before most other beans. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final Reef reef;
  private final ReefHandlerRegistry registry;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final List<String> handlers = new ArrayList<>();
  private volatile boolean running;

  public ReefHandlerLifecycle(Reef reef, ReefHandlerRegistry registry) {
    this.reef = reef;
    this.registry = registry;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    List<ReefHandlerMethod> methods = new ArrayList<>();
    List<ReefChannel> channels = new ArrayList<>();
    for (ReefHandlerRegistry.Endpoint e : registry.endpoints()) {
      String name = e.annotation().channel();
      ReefChannel channel = name.isEmpty() ? reef.channel(reef.name()) : reef.channel(name);
      methods.add(
          new ReefHandlerMethod(
              e.bean(), e.method(), e.annotation().agent(), channel, reef.knowledgeMapper()));
      channels.add(channel);
    }
    for (int i = 0; i < methods.size(); i++) {
      ReefHandlerMethod m = methods.get(i);
      subscriptions.add(channels.get(i).subscribe(m.agent(), m));
      handlers.add(channels.get(i).name() + "/" + m.agent() + " -> " + m.describe());
      LOG.info(
          "@ReefHandler {} handles {} on channel {}",
          m.describe(),
          m.agent(),
          channels.get(i).name());
    }
    running = true;
  }

  @Override
  public void stop() {
    List<Subscription> toClose;
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      toClose = new ArrayList<>(subscriptions);
      subscriptions.clear();
      handlers.clear();
    }
    for (Subscription s : toClose) {
      s.close();
    }
    Duration drain = reef.options().closeTimeout();
    if (!reef.awaitIdle(drain)) {
      LOG.warn("handlers still running after {}; the reef closes them with the context", drain);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * The handlers subscribed, as {@code channel/agent -> Bean.method}.
   *
   * @return a snapshot
   */
  public synchronized List<String> handlers() {
    return List.copyOf(handlers);
  }
}
