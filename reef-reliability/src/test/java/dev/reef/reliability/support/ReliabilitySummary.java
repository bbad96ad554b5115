package dev.reef.reliability.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's summary table: every case adds one row and the whole markdown table is rewritten to
 * the file named by the system property {@code reliability.summary} (Failsafe sets it to {@code
 * target/reliability-summary.md}) each time, so the file is complete even if a later case fails.
 * The first row of a JVM replaces the file of an earlier run. Without the property nothing is
 * written. Thread-safe.
 */
public final class ReliabilitySummary {
  private static final List<Row> ROWS = new ArrayList<>();

  private ReliabilitySummary() {}

  /** One case's figures. */
  public record Row(
      String caseName,
      long sent,
      long confirmed,
      long delivered,
      long duplicated,
      long deadLettered,
      long lost,
      String notes) {}

  /** Adds {@code row} (replacing an earlier row with the same case name) and rewrites the file. */
  public static synchronized void record(Row row) {
    ROWS.removeIf(r -> r.caseName().equals(row.caseName()));
    ROWS.add(row);
    write();
    System.out.println("[reliability] " + row);
  }

  /** The file the table is written to, or null when none is configured. */
  public static Path file() {
    String name = System.getProperty("reliability.summary");
    return name == null || name.isBlank() ? null : Paths.get(name);
  }

  /** The current table as markdown. */
  public static synchronized String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Reef reliability summary\n\n");
    sb.append("Run: ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" · Java ")
        .append(System.getProperty("java.version"))
        .append(" · ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores\n\n");
    sb.append(
        "| Case | Sent | Confirmed | Delivered | Duplicated | Dead-lettered | Lost | Notes |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : ROWS) {
      sb.append("| ")
          .append(r.caseName())
          .append(" | ")
          .append(r.sent())
          .append(" | ")
          .append(r.confirmed())
          .append(" | ")
          .append(r.delivered())
          .append(" | ")
          .append(r.duplicated())
          .append(" | ")
          .append(r.deadLettered())
          .append(" | ")
          .append(r.lost())
          .append(" | ")
          .append(r.notes().replace("|", "\\|").replace("\n", " "))
          .append(" |\n");
    }
    sb.append(
        "\nSent = publish attempts (retries included); Confirmed = distinct spores whose publish"
            + " the broker confirmed; Delivered = distinct spores a handler saw; Duplicated ="
            + " deliveries beyond the first; Lost = confirmed but neither delivered nor"
            + " dead-lettered.\n");
    return sb.toString();
  }

  private static void write() {
    Path file = file();
    if (file == null) {
      return;
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
