package dev.reef.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A thread-safe text sink standing in for stdout or stderr in the CLI's tests. */
final class Captured {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  PrintStream stream() {
    return stream;
  }

  String text() {
    synchronized (stream) {
      stream.flush();
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
