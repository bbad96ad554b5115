package dev.reef.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.SporeValidationException;
import dev.reef.task.UnknownTaskException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP routes: the page's static files, the JSON API, the event stream and the
 * actions. Every action needs the token in the {@value #TOKEN_HEADER} header: without it the answer
 * is 401, with a wrong one 403. On a loopback address only requests naming a loopback host are
 * served (no DNS rebinding).
 */
final class ConsoleHttp {
  /** The header that carries the token of an action. */
  static final String TOKEN_HEADER = "X-Reef-Console-Token";

  /** The largest request body read: {@value} bytes. */
  static final int MAX_BODY = 16 * 1024;

  /** How many dead letters the list shows at most. */
  static final int MAX_DEAD_LETTERS_SHOWN = 200;

  /** How many dead letters an inspection looks through at most. */
  static final int INSPECT_SCAN = 1_000;

  /** Idle time after which the event stream sends a comment, keeping the connection alive. */
  static final long HEARTBEAT_MILLIS = 15_000;

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleHttp.class);
  private static final String WEB = "/dev/reef/console/web/";
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final ReefConsole console;
  private final ConsoleModel model;
  private final EventHub hub;
  private final ObjectMapper json;
  private final byte[] token;
  private final boolean loopbackOnly;

  ConsoleHttp(
      ReefConsole console,
      ConsoleModel model,
      EventHub hub,
      ObjectMapper json,
      String token,
      boolean loopbackOnly) {
    this.console = console;
    this.model = model;
    this.hub = hub;
    this.json = json;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.loopbackOnly = loopbackOnly;
  }

  void install(HttpServer server) {
    server.createContext("/", this::handle);
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      if (loopbackOnly && !loopbackHost(x.getRequestHeaders().getFirst("Host"))) {
        send(x, 403, Map.of("error", "this console answers to localhost only"));
        return;
      }
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod().toUpperCase(Locale.ROOT);
      if (path.startsWith("/api/")) {
        api(x, method, path.substring("/api".length()));
      } else if (method.equals("GET")) {
        staticFile(x, path);
      } else {
        send(x, 405, Map.of("error", "method not allowed"));
      }
    } catch (SporeValidationException | IllegalArgumentException e) {
      trySend(x, 400, Map.of("error", e.getMessage()));
    } catch (ReefException e) {
      // Reef's messages never hold credentials.
      trySend(x, 502, Map.of("error", e.getMessage()));
    } catch (IOException e) {
      LOG.debug(
          "console: {} {}: {}", x.getRequestMethod(), x.getRequestURI().getPath(), e.toString());
    } catch (RuntimeException e) {
      LOG.warn("console: {} {} failed", x.getRequestMethod(), x.getRequestURI().getPath(), e);
      trySend(x, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
    } finally {
      x.close();
    }
  }

  private void api(HttpExchange x, String method, String path) throws IOException {
    Map<String, String> q = query(x);
    if (method.equals("GET")) {
      switch (path) {
        case "/overview" -> send(x, 200, console.overview());
        case "/agents" -> send(x, 200, Map.of("agents", model.agents(channel(q))));
        case "/flow" -> send(x, 200, console.flowSnapshot(channel(q)));
        case "/deadletters" -> {
          int max = intParam(q, "max", 100, 1, MAX_DEAD_LETTERS_SHOWN);
          send(x, 200, model.deadLetters(channel(q), max));
        }
        case "/deadletters/spore" -> {
          String channel = channel(q);
          String id = ReefNames.requireId("id", q.get("id"));
          Optional<Map<String, Object>> d = model.inspect(channel, id, INSPECT_SCAN);
          if (d.isPresent()) {
            send(x, 200, d.get());
          } else {
            send(x, 404, Map.of("error", "no dead letter " + id + " on " + channel));
          }
        }
        case "/tasks" -> {
          TaskBoard board = board(channel(q));
          send(x, 200, Map.of("tasks", board.tasks(), "max", ReefConsole.TASKS_SHOWN));
        }
        case "/tasks/timeline" -> {
          String channel = channel(q);
          String id = ReefNames.requireId("id", q.get("id"));
          Map<String, Object> t = board(channel).timeline(id);
          if (t != null) {
            send(x, 200, t);
          } else {
            send(x, 404, Map.of("error", "the console shows no task " + id + " on " + channel));
          }
        }
        case "/events" -> events(x, channel(q));
        default -> send(x, 404, Map.of("error", "no such resource"));
      }
      return;
    }
    if (!method.equals("POST")) {
      send(x, 405, Map.of("error", "method not allowed"));
      return;
    }
    if (!authorized(x)) {
      return;
    }
    Map<String, String> body = body(x);
    switch (path) {
      case "/agents/terminate" -> {
        String channel = channel(body);
        String agent = ReefNames.requireAgent("agent", body.get("agent"));
        LOG.info("console: terminating agent {} on {}", agent, channel);
        model.terminate(channel, agent);
        console.agentsChanged(channel);
        send(x, 200, Map.of("terminated", agent));
      }
      case "/deadletters/replay" -> {
        String channel = channel(body);
        String id = ReefNames.requireId("id", body.get("id"));
        LOG.info("console: replaying dead letter {} on {}", id, channel);
        if (model.replay(channel, id)) {
          send(x, 200, Map.of("replayed", id));
        } else {
          send(x, 404, Map.of("error", "no dead letter " + id + " on " + channel));
        }
      }
      case "/tasks/cancel" -> {
        String channel = channel(body);
        String id = ReefNames.requireId("id", body.get("id"));
        board(channel);
        LOG.info("console: cancelling task {} on {}", id, channel);
        try {
          console.cancelTask(channel, id);
          send(x, 200, Map.of("cancelRequested", id));
        } catch (UnknownTaskException e) {
          send(x, 404, Map.of("error", e.getMessage()));
        }
      }
      case "/deadletters/purge" -> {
        String channel = channel(body);
        LOG.info("console: purging the dead letters of {}", channel);
        send(x, 200, Map.of("purged", model.purge(channel)));
      }
      default -> send(x, 404, Map.of("error", "no such action"));
    }
  }

  /** Checks the token; answers 401 or 403 and returns false when it is missing or wrong. */
  private boolean authorized(HttpExchange x) throws IOException {
    String given = x.getRequestHeaders().getFirst(TOKEN_HEADER);
    if (given == null || given.isEmpty()) {
      send(x, 401, Map.of("error", "this action needs the console's token (" + TOKEN_HEADER + ")"));
      return false;
    }
    if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      LOG.warn("console: action {} refused: wrong token", x.getRequestURI().getPath());
      send(x, 403, Map.of("error", "wrong token"));
      return false;
    }
    return true;
  }

  private void events(HttpExchange x, String channel) throws IOException {
    SseClient client = hub.register(channel);
    if (client == null) {
      send(x, 503, Map.of("error", "too many pages are listening; close one"));
      return;
    }
    try {
      x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      x.getResponseHeaders().set("Cache-Control", "no-store");
      x.sendResponseHeaders(200, 0);
      OutputStream out = x.getResponseBody();
      out.write(("retry: 2000\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      long reported = 0;
      while (console.isRunning()) {
        byte[] event = client.poll(HEARTBEAT_MILLIS);
        if (event == null) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        } else {
          long dropped = client.dropped();
          if (dropped != reported) {
            reported = dropped;
            out.write(
                ("event: dropped\ndata: " + dropped + "\n\n").getBytes(StandardCharsets.UTF_8));
          }
          out.write(event);
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      hub.unregister(client);
    }
  }

  private void staticFile(HttpExchange x, String path) throws IOException {
    String name = path.equals("/") ? "index.html" : path.substring(1);
    String type =
        switch (name) {
          case "index.html" -> "text/html; charset=utf-8";
          case "console.js" -> "text/javascript; charset=utf-8";
          case "console.css" -> "text/css; charset=utf-8";
          default -> null;
        };
    if (type == null) {
      send(x, 404, Map.of("error", "no such resource"));
      return;
    }
    byte[] bytes;
    try (InputStream in = ConsoleHttp.class.getResourceAsStream(WEB + name)) {
      if (in == null) {
        send(x, 404, Map.of("error", "no such resource"));
        return;
      }
      bytes = in.readAllBytes();
    }
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Content-Security-Policy", CSP);
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private String channel(Map<String, String> params) {
    String channel = params.get("channel");
    if (channel == null || channel.isEmpty()) {
      return console.channels().get(0);
    }
    ReefNames.requireChannel(channel);
    if (!console.channels().contains(channel)) {
      throw new IllegalArgumentException(
          "the console does not show channel '" + channel + "'; it shows " + console.channels());
    }
    return channel;
  }

  /** The channel's Tasks view; an IllegalArgumentException (400) if the backend has none. */
  private TaskBoard board(String channel) {
    TaskBoard board = console.board(channel);
    if (board == null) {
      throw new IllegalArgumentException(
          "the reef's backend has no task log: no tasks on " + channel);
    }
    return board;
  }

  private static int intParam(Map<String, String> q, String name, int dflt, int min, int max) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was '" + v + "'");
  }

  private Map<String, String> body(HttpExchange x) throws IOException {
    byte[] bytes = x.getRequestBody().readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new IllegalArgumentException("the request body must be at most " + MAX_BODY + " bytes");
    }
    if (bytes.length == 0) {
      return Map.of();
    }
    Map<?, ?> raw;
    try {
      raw = json.readValue(bytes, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("the request body must be a JSON object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    raw.forEach(
        (k, v) -> {
          if (v instanceof String s) {
            out.put(String.valueOf(k), s);
          }
        });
    return out;
  }

  private static Map<String, String> query(HttpExchange x) {
    String raw = x.getRequestURI().getRawQuery();
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    for (String allowed : List.of("localhost", "127.0.0.1", "[::1]")) {
      if (h.equals(allowed) || h.startsWith(allowed + ":")) {
        return true;
      }
    }
    return false;
  }

  private void send(HttpExchange x, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private void trySend(HttpExchange x, int status, Object body) {
    try {
      send(x, status, body);
    } catch (IOException | RuntimeException e) {
      // the headers were already sent, or the page went away
      LOG.debug("console: cannot answer {}: {}", status, e.toString());
    }
  }
}
