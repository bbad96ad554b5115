package dev.reef.reliability.agents;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The line protocol between a child-JVM agent and the test: the child writes lines to standard
 * output (flushed per line, so a kill -9 loses nothing that was reported) and obeys {@code STOP} on
 * standard input; end of input (the test JVM died) also stops it.
 */
final class ChildIo {
  private ChildIo() {}

  /** Writes one protocol line. */
  static void emit(String line) {
    System.out.println(line);
  }

  /**
   * Reports {@code HEAP <used> <committed> <max>} (bytes, from the MemoryMXBean) every {@code
   * periodMillis} on a daemon thread.
   */
  static ScheduledExecutorService reportHeap(long periodMillis) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heap-reporter");
              t.setDaemon(true);
              return t;
            });
    s.scheduleAtFixedRate(
        () -> {
          MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
          emit("HEAP " + heap.getUsed() + " " + heap.getCommitted() + " " + heap.getMax());
        },
        0,
        periodMillis,
        TimeUnit.MILLISECONDS);
    return s;
  }

  /**
   * Blocks until {@code STOP} arrives on standard input or the input ends; runs {@code onDump} for
   * each {@code DUMP} line (diagnostics on demand).
   */
  static void awaitStop(Runnable onDump) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.trim().equals("STOP")) {
          return;
        }
        if (line.trim().equals("DUMP")) {
          onDump.run();
        }
      }
    } catch (IOException e) {
      // the parent is gone: stop
    }
  }
}
