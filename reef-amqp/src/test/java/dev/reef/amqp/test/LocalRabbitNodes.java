package dev.reef.amqp.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts several {@link LocalRabbitNode}s at once before a test class (a
 * node boots in several seconds, mostly CPU) and stops all of them after it, also when a test or a
 * start failed. A node that cannot start fails the class's tests with the script's output.
 */
public final class LocalRabbitNodes implements BeforeAllCallback, AfterAllCallback {
  private final List<LocalRabbitNode> nodes;

  /**
   * The nodes to run for the class.
   *
   * @param nodes one or more nodes
   */
  public LocalRabbitNodes(LocalRabbitNode... nodes) {
    this.nodes = List.of(nodes);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startAll();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAll();
  }

  /**
   * Starts every node at once and waits for all of them.
   *
   * @throws IllegalStateException with the scripts' output if a node cannot start
   */
  public void startAll() {
    IllegalStateException failed = null;
    for (CompletableFuture<Void> s : onEach(LocalRabbitNode::start)) {
      try {
        s.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (failed == null) {
          failed = new IllegalStateException(cause.getMessage(), cause);
        } else {
          failed.addSuppressed(cause);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Stops every node at once (never throws: {@link LocalRabbitNode#stop()} reports failures). */
  public void stopAll() {
    // stop() reports its own failures and never throws.
    onEach(LocalRabbitNode::stop).forEach(CompletableFuture::join);
  }

  /** Runs the action on every node at once, one thread each (not the small common pool). */
  private List<CompletableFuture<Void>> onEach(Consumer<LocalRabbitNode> action) {
    ExecutorService threads = Executors.newFixedThreadPool(nodes.size());
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (LocalRabbitNode n : nodes) {
        all.add(CompletableFuture.runAsync(() -> action.accept(n), threads));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
          .exceptionally(e -> null)
          .join();
      return all;
    } finally {
      threads.shutdown();
    }
  }
}
