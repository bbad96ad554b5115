package dev.reef.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Cuts a code excerpt out of a document or a source file by its markers, and strips the common
 * indentation, so that a test can hold a document's example equal to the compiled one.
 */
public final class DocExcerpts {
  private DocExcerpts() {}

  /**
   * The text between two markers; a missing marker fails the test.
   *
   * @param text the document or source
   * @param start the start marker
   * @param end the end marker, after the start
   * @return the text between them
   */
  public static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  /**
   * The block without the indentation its non-blank lines share; blank lines are kept (as empty
   * lines), so a missing or extra blank line is a difference.
   *
   * @param block the lines
   * @return the dedented lines
   */
  public static String dedent(String block) {
    int indent =
        Arrays.stream(block.split("\n"))
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return Arrays.stream(block.split("\n"))
        .map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
        .collect(Collectors.joining("\n"));
  }
}
