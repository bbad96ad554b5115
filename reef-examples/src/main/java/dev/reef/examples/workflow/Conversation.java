package dev.reef.examples.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.examples.workflow.ConversationEvent.Kind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records what the agents of this process send and receive, prints a readable line for every spore
 * sent (who sent what to whom, type, priority, time, and for answers how long they took), and can
 * write every event as a JSON line to a file (the multi-process test reads those files).
 *
 * <p>Memory is bounded: it keeps the last {@value #MAX_EVENTS} events and the creation times of the
 * last {@value #MAX_EVENTS} requests. Thread-safe: agents call it from backend threads.
 */
public final class Conversation implements AutoCloseable {

  /** How many events and request times are kept. */
  public static final int MAX_EVENTS = 10_000;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int GIST_CHARS = 80;
  private static final List<String> GIST_FIRST =
      List.of("task", "event", "kind", "by", "status", "topic", "risk", "summary");

  private final PrintStream out;
  private final boolean terminal;
  private boolean lineOpen; // guarded by out: a progress line without its newline yet
  private final BufferedWriter transcript;
  private final Clock clock;
  private final ObjectMapper json;
  private final ArrayDeque<ConversationEvent> events = new ArrayDeque<>();
  private final Map<String, Instant> requestTimes =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > MAX_EVENTS;
        }
      };

  private Conversation(PrintStream out, BufferedWriter transcript, Clock clock) {
    // A progress bar only where a person watches: this process's own standard output on a TTY.
    this(out, transcript, clock, out != null && out == System.out && System.console() != null);
  }

  private Conversation(PrintStream out, BufferedWriter transcript, Clock clock, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    this.transcript = transcript;
    this.clock = clock;
    this.json = new ObjectMapper();
  }

  /**
   * A conversation that prints to the given stream.
   *
   * @param out where lines go, or null to print nothing
   * @return the conversation
   */
  public static Conversation printingTo(PrintStream out) {
    return new Conversation(out, null, Clock.systemUTC());
  }

  /** A conversation printing to a stream as if it were a terminal (progress bars in place). */
  static Conversation printingToTerminal(PrintStream out) {
    return new Conversation(out, null, Clock.systemUTC(), true);
  }

  /**
   * A conversation that prints to the given stream and appends every event as a JSON line to a
   * file.
   *
   * @param out where lines go, or null to print nothing
   * @param transcriptFile the JSON-lines file, created or appended to
   * @return the conversation
   * @throws UncheckedIOException if the file cannot be opened
   */
  public static Conversation printingTo(PrintStream out, Path transcriptFile) {
    try {
      BufferedWriter w =
          Files.newBufferedWriter(
              transcriptFile,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
      return new Conversation(out, w, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open transcript " + transcriptFile, e);
    }
  }

  /**
   * Records a spore an agent is about to publish and prints its line: time, sender, recipient
   * ({@code *} for everyone on the channel), type, priority, the gist of the knowledge, and for an
   * answer how long after its request it was sent.
   *
   * @param agent the sender
   * @param spore the spore
   */
  public void sending(String agent, Spore spore) {
    ConversationEvent e = ConversationEvent.of(clock.instant(), Kind.SENT, agent, spore);
    String note = "";
    synchronized (this) {
      if (spore.type() == SporeType.REQUEST) {
        requestTimes.put(spore.id(), spore.createdAt());
      }
      if (spore.replyTo() != null) {
        Instant asked = requestTimes.get(spore.replyTo());
        if (asked != null) {
          note = "answered in " + millis(Duration.between(asked, spore.createdAt()));
        }
      }
      record(e);
    }
    announce(e.from(), e.to(), e.type(), e.priority(), e.knowledge(), note);
  }

  /**
   * Prints the line of a spore that is sent by a reef operation that builds the spore itself (such
   * as {@code gather}), without recording it; record it with {@link #recordSent} once known.
   *
   * @param from the sender
   * @param to the recipient, or null for everyone
   * @param type the type
   * @param priority the priority
   * @param knowledge the knowledge
   * @param note a remark printed at the end of the line, or an empty string
   */
  public void announce(
      String from,
      String to,
      SporeType type,
      int priority,
      Map<String, Object> knowledge,
      String note) {
    String line =
        String.format(
            Locale.ROOT,
            "%-11s -> %-11s %-12s p%-2d %s%s",
            from,
            to == null ? "*" : to,
            type.wireName(),
            priority,
            gist(knowledge),
            note.isEmpty() ? "" : "  (" + note + ")");
    print(line);
  }

  /**
   * Records a spore an agent sent without printing it.
   *
   * @param agent the sender
   * @param spore the spore
   */
  public synchronized void recordSent(String agent, Spore spore) {
    if (spore.type() == SporeType.REQUEST) {
      requestTimes.put(spore.id(), spore.createdAt());
    }
    record(ConversationEvent.of(clock.instant(), Kind.SENT, agent, spore));
  }

  /**
   * Records a spore handed to an agent (not printed: the sender printed it).
   *
   * @param agent the receiver
   * @param spore the spore
   */
  public void received(String agent, Spore spore) {
    ConversationEvent e = ConversationEvent.of(clock.instant(), Kind.RECEIVED, agent, spore);
    synchronized (this) {
      if (spore.type() == SporeType.REQUEST) {
        requestTimes.put(spore.id(), spore.createdAt());
      }
      record(e);
    }
  }

  /**
   * Prints a line of narration, after the time.
   *
   * @param text the text
   */
  public void say(String text) {
    print(text);
  }

  /**
   * A snapshot of the recorded events, oldest first.
   *
   * @return an immutable list
   */
  public synchronized List<ConversationEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Per agent, how many spores it sent and received, by type, as readable lines.
   *
   * @return one line per agent
   */
  public synchronized List<String> tally() {
    Map<String, Map<Kind, Map<SporeType, Integer>>> counts = new TreeMap<>();
    for (ConversationEvent e : events) {
      counts
          .computeIfAbsent(e.agent(), a -> new EnumMap<>(Kind.class))
          .computeIfAbsent(e.kind(), k -> new EnumMap<>(SporeType.class))
          .merge(e.type(), 1, Integer::sum);
    }
    List<String> lines = new ArrayList<>();
    counts.forEach(
        (agent, byKind) ->
            lines.add(
                String.format(
                    Locale.ROOT,
                    "%-11s sent %-40s received %s",
                    agent,
                    describe(byKind.get(Kind.SENT)),
                    describe(byKind.get(Kind.RECEIVED)))));
    return lines;
  }

  /** Flushes and closes the transcript file, if any. Idempotent. */
  @Override
  public synchronized void close() {
    if (transcript != null) {
      try {
        transcript.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Formats a duration as milliseconds.
   *
   * @param d the duration
   * @return e.g. {@code "12 ms"}
   */
  public static String millis(Duration d) {
    return Math.max(0, d.toMillis()) + " ms";
  }

  private void record(ConversationEvent e) {
    if (events.size() == MAX_EVENTS) {
      events.removeFirst();
    }
    events.addLast(e);
    if (transcript != null) {
      try {
        transcript.write(json.writeValueAsString(toJson(e)));
        transcript.newLine();
        transcript.flush();
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write the transcript", ex);
      }
    }
  }

  /**
   * Reads a transcript written by {@link #printingTo(PrintStream, Path)}.
   *
   * @param file the JSON-lines file
   * @return its events, in file order
   * @throws UncheckedIOException if the file cannot be read or parsed
   */
  public static List<ConversationEvent> readTranscript(Path file) {
    ObjectMapper mapper = new ObjectMapper();
    List<ConversationEvent> result = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> m = mapper.readValue(line, new TypeReference<Map<String, Object>>() {});
        @SuppressWarnings("unchecked")
        Map<String, Object> knowledge = (Map<String, Object>) m.get("knowledge");
        result.add(
            new ConversationEvent(
                Instant.parse((String) m.get("at")),
                Kind.valueOf((String) m.get("kind")),
                (String) m.get("agent"),
                (String) m.get("id"),
                SporeType.fromWireName((String) m.get("type")),
                (String) m.get("from"),
                (String) m.get("to"),
                ((Number) m.get("priority")).intValue(),
                (String) m.get("reply_to"),
                knowledge));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read transcript " + file, e);
    }
    return result;
  }

  private static Map<String, Object> toJson(ConversationEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at().toString());
    m.put("kind", e.kind().name());
    m.put("agent", e.agent());
    m.put("id", e.id());
    m.put("type", e.type().wireName());
    m.put("from", e.from());
    m.put("to", e.to());
    m.put("priority", e.priority());
    m.put("reply_to", e.replyTo());
    m.put("knowledge", e.knowledge());
    return m;
  }

  /** Prints a line after the current time, taken under the lock so that lines are in order. */
  private void print(String line) {
    if (out != null) {
      synchronized (out) {
        if (lineOpen) {
          out.println();
          lineOpen = false;
        }
        out.println(TIME.format(clock.instant()) + "  " + line);
        out.flush();
      }
    }
  }

  /**
   * Prints a progress line, after the time. On a terminal (this process's standard output when
   * {@link System#console()} says it is a TTY) each progress line replaces the previous one, so a
   * bar grows in place; anywhere else it is a line of its own.
   *
   * @param text the text
   */
  public void progress(String text) {
    if (out == null) {
      return;
    }
    if (!terminal) {
      print(text);
      return;
    }
    synchronized (out) {
      // Carriage return, the line, then erase what a longer previous line left (ANSI EL).
      out.print("\r" + TIME.format(clock.instant()) + "  " + text + "\u001b[K");
      out.flush();
      lineOpen = true;
    }
  }

  private String gist(Map<String, Object> knowledge) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String key : GIST_FIRST) {
      if (knowledge.containsKey(key)) {
        ordered.put(key, knowledge.get(key));
      }
    }
    new TreeMap<>(knowledge).forEach(ordered::putIfAbsent);
    ordered.remove("run"); // printed in the header
    StringBuilder sb = new StringBuilder();
    ordered.forEach(
        (k, v) -> {
          String value;
          try {
            value = v instanceof String str ? str : json.writeValueAsString(v);
          } catch (JsonProcessingException e) {
            value = String.valueOf(v);
          }
          sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(value);
        });
    String text = sb.toString();
    return text.length() <= GIST_CHARS ? text : text.substring(0, GIST_CHARS - 3) + "...";
  }

  private static String describe(Map<SporeType, Integer> byType) {
    if (byType == null || byType.isEmpty()) {
      return "0";
    }
    int total = byType.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder().append(total).append(" (");
    byType.forEach((t, n) -> sb.append(n).append(' ').append(t.wireName()).append(", "));
    sb.setLength(sb.length() - 2);
    return sb.append(')').toString();
  }
}
