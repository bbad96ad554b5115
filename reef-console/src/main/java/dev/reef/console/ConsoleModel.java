package dev.reef.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.DeadLetterRecord;
import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentInstance;
import dev.reef.directory.AgentState;
import dev.reef.directory.AgentStatus;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the page shows, as JSON-shaped maps, from the reef's directory, the flow tails, the status
 * cache and the dead letters; and the actions. Every text that comes from agents or spores is
 * truncated here (the page renders it as text, never as HTML).
 */
final class ConsoleModel {
  /** The longest description, error or excerpt sent to the page in a list. */
  static final int TEXT_CHARS = 500;

  /** The longest knowledge sent to the page when a dead letter is inspected. */
  static final int INSPECT_CHARS = 4_000;

  /** The most instances listed per agent (the count is always exact). */
  static final int MAX_INSTANCES_SHOWN = 20;

  private final Reef reef;
  private final AgentDirectory directory;
  private final StatusCache statuses;
  private final ObjectMapper json;

  ConsoleModel(Reef reef, StatusCache statuses, ObjectMapper json) {
    this.reef = reef;
    this.directory = reef.directory();
    this.statuses = statuses;
    this.json = json;
  }

  List<DirectoryEntry> entries(String channel) {
    return directory.discover(channel, DirectoryQuery.all());
  }

  List<Map<String, Object>> agents(String channel) {
    List<DirectoryEntry> entries = entries(channel);
    List<Map<String, Object>> out = new ArrayList<>(entries.size());
    for (DirectoryEntry e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("kind", e.card().kind());
      m.put("capabilities", e.card().capabilities());
      m.put("version", e.card().version());
      m.put("description", Texts.truncate(e.card().description(), TEXT_CHARS));
      m.put("state", e.state().name());
      m.put("instanceCount", e.instances().size());
      List<Map<String, Object>> instances = new ArrayList<>();
      Instant lastSeen = null;
      for (AgentInstance i : e.instances()) {
        if (lastSeen == null || i.lastSeen().isAfter(lastSeen)) {
          lastSeen = i.lastSeen();
        }
        if (instances.size() < MAX_INSTANCES_SHOWN) {
          Map<String, Object> im = new LinkedHashMap<>();
          im.put("host", i.host());
          im.put("pid", i.pid());
          im.put("startedAt", i.startedAt().toEpochMilli());
          instances.add(im);
        }
      }
      m.put("instances", instances);
      // A live agent renews its lease every few seconds: its last-seen time would change every
      // agent's entry that often (and every batch would carry them all). "Live" says more; the
      // time is shown for agents without a live instance, where it stays put.
      boolean live = e.state() == AgentState.ACTIVE;
      m.put("lastSeen", live || lastSeen == null ? null : lastSeen.toEpochMilli());
      AgentStatus s = statuses.get(channel, e.name());
      m.put("mailboxDepth", s == null ? null : s.mailboxDepth());
      m.put("consumers", s == null ? null : s.consumers());
      out.add(m);
    }
    return out;
  }

  static Map<String, Object> row(FlowRow r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", r.seq());
    m.put("seenAt", r.seenAt());
    m.put("id", r.id());
    m.put("type", r.type());
    m.put("from", r.from());
    m.put("to", r.to());
    m.put("priority", r.priority());
    m.put("size", r.size());
    m.put("createdAt", r.createdAt());
    m.put("excerpt", r.excerpt());
    return m;
  }

  Map<String, Object> deadLetters(String channel, int max) {
    List<DeadLetterRecord> records = reef.deadLetters(channel).list(max);
    List<Map<String, Object>> items = new ArrayList<>(records.size());
    for (DeadLetterRecord d : records) {
      items.add(deadLetter(d, TEXT_CHARS, false));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channel", channel);
    m.put("count", reef.deadLetters(channel).count());
    m.put("items", items);
    return m;
  }

  /** One dead letter in full (knowledge truncated to {@link #INSPECT_CHARS}), if it is there. */
  Optional<Map<String, Object>> inspect(String channel, String id, int scan) {
    for (DeadLetterRecord d : reef.deadLetters(channel).list(scan)) {
      if (d.id().equals(id)) {
        return Optional.of(deadLetter(d, INSPECT_CHARS, true));
      }
    }
    return Optional.empty();
  }

  private Map<String, Object> deadLetter(DeadLetterRecord d, int chars, boolean full) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("agent", d.agent());
    m.put("reason", d.reason());
    m.put("error", Texts.truncate(d.error(), chars));
    m.put("attempts", d.attempts());
    Spore s = d.spore();
    if (s != null) {
      m.put("type", s.type().wireName());
      m.put("from", s.fromAgent());
      m.put("to", s.toAgent() == null || s.toAgent().isEmpty() ? "*" : s.toAgent());
      m.put("priority", s.priority());
      m.put("createdAt", s.createdAt().toEpochMilli());
      m.put("expiresAt", s.expiresAt() == null ? null : s.expiresAt().toEpochMilli());
      m.put("knowledge", Texts.truncate(write(s.knowledge(), full), chars));
      if (full) {
        m.put("metadata", Texts.truncate(write(s.metadata(), true), chars));
        m.put("replyTo", s.replyTo());
        m.put("correlationId", s.correlationId());
        m.put("traceId", s.traceId());
      }
    }
    return m;
  }

  private String write(Object value, boolean pretty) {
    if (value == null) {
      return null;
    }
    try {
      return pretty
          ? json.writerWithDefaultPrettyPrinter().writeValueAsString(value)
          : json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return "(unprintable)";
    }
  }

  long deadLetterCount(String channel) {
    return reef.deadLetters(channel).count();
  }

  void terminate(String channel, String agent) {
    directory.terminate(channel, agent);
  }

  boolean replay(String channel, String id) {
    return reef.deadLetters(channel).replay(id);
  }

  long purge(String channel) {
    return reef.deadLetters(channel).purge();
  }
}
