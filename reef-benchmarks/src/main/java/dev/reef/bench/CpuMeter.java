package dev.reef.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM and by a local RabbitMQ ({@code beam.smp}, found in {@code /proc}).
 * CPU per message is much less sensitive than wall-clock figures to other work on the machine, so
 * it shows where the cost goes even when the machine is busy.
 */
final class CpuMeter {
  private static final long BROKER_PID = findBroker();

  /**
   * A reading: nanoseconds of CPU of this process and of the broker (-1 if unknown), and the
   * context switches of this process's threads (-1 if unknown).
   */
  record Reading(long processNanos, long brokerNanos, long contextSwitches) {
    /**
     * Per operation since {@code start}: [process CPU µs, broker CPU µs, context switches of this
     * process].
     */
    double[] perOp(Reading start, long ops) {
      double p = (processNanos - start.processNanos) / 1e3 / ops;
      double b =
          brokerNanos < 0 || start.brokerNanos < 0
              ? Double.NaN
              : (brokerNanos - start.brokerNanos) / 1e3 / ops;
      double c =
          contextSwitches < 0 || start.contextSwitches < 0
              ? Double.NaN
              : (contextSwitches - start.contextSwitches) / (double) ops;
      return new double[] {p, b, c};
    }
  }

  /** Voluntary and involuntary context switches of all threads of this process, from /proc. */
  private static long contextSwitches() {
    long total = 0;
    try (Stream<Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          for (String line : Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches")
                || line.startsWith("nonvoluntary_ctxt_switches")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (Exception e) {
          // a thread that ended meanwhile
        }
      }
      return total;
    } catch (Exception e) {
      return -1;
    }
  }

  private CpuMeter() {}

  static boolean brokerKnown() {
    return BROKER_PID > 0;
  }

  static Reading read() {
    long p = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      p = os.getProcessCpuTime();
    }
    return new Reading(p, brokerNanos(), contextSwitches());
  }

  /**
   * The local broker: the oldest {@code beam.smp} (other, younger ones are extra nodes that tests
   * start and stop, e.g. the cluster tests' local nodes).
   */
  private static long findBroker() {
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      return procs
          .filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              d -> {
                try {
                  return Files.readString(d.resolve("comm")).trim().equals("beam.smp");
                } catch (Exception e) {
                  return false;
                }
              })
          .min(Comparator.comparingLong(CpuMeter::startTicks))
          .map(d -> Long.parseLong(d.getFileName().toString()))
          .orElse(-1L);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The start time of a process, in clock ticks since boot (Long.MAX_VALUE if unknown). */
  private static long startTicks(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    } catch (Exception e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Write system calls of this process so far ({@code syscw} of {@code /proc/self/io}: socket
   * writes, among others), or -1 if unknown; a load-independent count of the flushes a path does.
   */
  static long writeCalls() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/io"))) {
        if (line.startsWith("syscw:")) {
          return Long.parseLong(line.substring("syscw:".length()).trim());
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /** utime + stime of the broker from /proc/pid/stat, in ns (clock ticks of 10 ms). */
  private static long brokerNanos() {
    if (BROKER_PID <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Paths.get("/proc", Long.toString(BROKER_PID), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 10_000_000L;
    } catch (Exception e) {
      return -1;
    }
  }
}
