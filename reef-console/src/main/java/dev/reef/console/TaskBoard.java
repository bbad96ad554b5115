package dev.reef.console;

import dev.reef.task.ComponentStatus;
import dev.reef.task.TaskEvent;
import dev.reef.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Tasks view of one channel: the latest status of the most recent tasks (at most {@code
 * maxTasks}, the oldest forgotten first) and the last {@code maxEvents} events of each, fed by the
 * channel's {@code Tasks.watchAll}; remembers which tasks changed since the last batch, so that a
 * batch carries each changed task once however many events it had. Thread-safe.
 */
final class TaskBoard {
  /** The most characters of a message or error shown. */
  static final int MAX_TEXT = 500;

  private final int maxTasks;
  private final int maxEvents;
  private final Map<String, Entry> tasks = new LinkedHashMap<>();
  private final Set<String> changed = new LinkedHashSet<>();

  private static final class Entry {
    TaskStatus status;
    final Deque<TaskEvent> events = new ArrayDeque<>();
  }

  TaskBoard(int maxTasks, int maxEvents) {
    this.maxTasks = maxTasks;
    this.maxEvents = maxEvents;
  }

  /** Seeds the board with statuses read before the watch, oldest first. */
  synchronized void seed(List<TaskStatus> oldestFirst) {
    for (TaskStatus s : oldestFirst) {
      entry(s.taskId()).status = s;
    }
  }

  /** One event of the channel's watch. */
  synchronized void onEvent(TaskEvent e) {
    Entry entry = entry(e.taskId());
    entry.status = e.status();
    entry.events.addLast(e);
    if (entry.events.size() > maxEvents) {
      entry.events.removeFirst();
    }
    changed.add(e.taskId());
  }

  private Entry entry(String taskId) {
    Entry e = tasks.get(taskId);
    if (e == null) {
      e = new Entry();
      tasks.put(taskId, e);
      if (tasks.size() > maxTasks) {
        String eldest = tasks.keySet().iterator().next();
        tasks.remove(eldest);
        changed.remove(eldest);
      }
    }
    return e;
  }

  /** The tasks, newest first, as the page reads them. */
  synchronized List<Map<String, Object>> tasks() {
    List<Map<String, Object>> out = new ArrayList<>(tasks.size());
    for (Entry e : tasks.values()) {
      if (e.status != null) {
        out.add(0, status(e.status));
      }
    }
    return out;
  }

  /** The tasks that changed since the last call, newest first; empty if none. */
  synchronized List<Map<String, Object>> drainChanged() {
    List<Map<String, Object>> out = new ArrayList<>(changed.size());
    for (String id : changed) {
      Entry e = tasks.get(id);
      if (e != null && e.status != null) {
        out.add(0, status(e.status));
      }
    }
    changed.clear();
    return out;
  }

  /** A task's status and its last events, oldest first; null if the board does not hold it. */
  synchronized Map<String, Object> timeline(String taskId) {
    Entry e = tasks.get(taskId);
    if (e == null || e.status == null) {
      return null;
    }
    List<Map<String, Object>> events = new ArrayList<>(e.events.size());
    for (TaskEvent ev : e.events) {
      events.add(event(ev));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", status(e.status));
    m.put("events", events);
    m.put("maxEvents", maxEvents);
    return m;
  }

  synchronized boolean contains(String taskId) {
    return tasks.containsKey(taskId);
  }

  static Map<String, Object> status(TaskStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.taskId());
    m.put("state", s.state().name());
    m.put("attempt", s.attempt());
    m.put("agent", s.agent());
    m.put("capability", s.capability());
    m.put("stage", s.stage());
    m.put("progress", s.progress());
    List<Map<String, Object>> components = new ArrayList<>(s.components().size());
    for (ComponentStatus c : s.components().values()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("progress", c.progress());
      cm.put("message", Texts.truncate(c.message(), MAX_TEXT));
      components.add(cm);
    }
    m.put("components", components);
    m.put("message", Texts.truncate(s.message(), MAX_TEXT));
    m.put("warnings", s.warnings());
    m.put("error", Texts.truncate(s.error(), MAX_TEXT));
    m.put("cancelRequested", s.cancelRequested());
    m.put("terminal", s.state().isTerminal());
    m.put("submittedAt", millis(s.submittedAt()));
    m.put("startedAt", millis(s.startedAt()));
    m.put("finishedAt", millis(s.finishedAt()));
    m.put("elapsedMillis", s.elapsed().toMillis());
    return m;
  }

  static Map<String, Object> event(TaskEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", e.type().name());
    m.put("attempt", e.attempt());
    m.put("agent", e.agent());
    m.put("at", millis(e.at()));
    m.put("stage", e.stage());
    m.put("progress", e.progress());
    m.put("component", e.component());
    m.put("message", Texts.truncate(e.message(), MAX_TEXT));
    m.put("reason", e.reason());
    return m;
  }

  private static Long millis(Instant i) {
    return i == null ? null : i.toEpochMilli();
  }
}
