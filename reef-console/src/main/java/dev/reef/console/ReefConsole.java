package dev.reef.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reef.Reef;
import dev.reef.ReefNames;
import dev.reef.directory.DirectoryEntry;
import dev.reef.spi.support.DaemonThreads;
import dev.reef.task.TaskStatus;
import dev.reef.task.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Reef console: a web page for operators, served from this process by the JDK's {@code
 * HttpServer}, showing a reef's agents (from its directory), the live flow of spores on its
 * channels (on RabbitMQ, through a tap queue), its tasks (from the channel's task log) and its dead
 * letters, updated by server-sent events.
 *
 * <pre>{@code
 * try (ReefConsole console = ReefConsole.builder().reef(reef).port(0).token(token).start()) {
 *   System.out.println("console at " + console.url());
 * }
 * }</pre>
 *
 * <p>Safety: binds to {@code 127.0.0.1} by default and then serves only requests naming a loopback
 * host; the actions (terminate, cancel, replay, purge) need the token in the {@code
 * X-Reef-Console-Token} header (401 without, 403 with a wrong one); the page never shows
 * credentials and renders every text from agents and spores as text.
 *
 * <p>Memory is bounded: the flow tail of each channel keeps {@link Builder#tailCapacity(int)}
 * spores, the tasks view of each channel {@value #TASKS_SHOWN} tasks of {@value #EVENTS_PER_TASK}
 * events each, each page's event queue {@link Builder#clientQueue(int)} batches, and at most {@link
 * Builder#maxClients(int)} pages listen at once.
 *
 * <p>Thread-safe. Closing it stops the server and the taps; it never closes the reef.
 *
 * <p>Why this file is long (~650 lines): its public {@link Builder} (about 200 lines, every option
 * documented and validated in one place) is nested, as the project's other builders are; the HTTP
 * routes live in {@code ConsoleHttp}, the views' data in {@code ConsoleModel}, {@code TaskBoard},
 * {@code FlowTail} and {@code StatusCache}, the live streams in {@code EventHub} and {@code
 * SseClient}.
 */
public final class ReefConsole implements AutoCloseable {
  /** The default port: {@value}. */
  public static final int DEFAULT_PORT = 8420;

  /** The default bind address: {@value}. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The default interval of the event batches: 250 ms. */
  public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(250);

  /** The default number of spores kept per channel by the flow tail: {@value}. */
  public static final int DEFAULT_TAIL_CAPACITY = 2_000;

  /** The default most flow rows sent to the page per batch: {@value}. */
  public static final int DEFAULT_ROWS_PER_BATCH = 100;

  /** The default most pages listening at once: {@value}. */
  public static final int DEFAULT_MAX_CLIENTS = 8;

  /** The default most batches queued per page: {@value}. */
  public static final int DEFAULT_CLIENT_QUEUE = 64;

  /** The default pause between two sweeps of the agents' mailbox status: 2 s. */
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(2);

  /** The most tasks the Tasks view keeps per channel (the oldest are forgotten first): {@value}. */
  public static final int TASKS_SHOWN = 200;

  /** The most events of a task the Tasks view keeps for its timeline (the latest): {@value}. */
  public static final int EVENTS_PER_TASK = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ReefConsole.class);
  private static final long AGENTS_MIN_MILLIS = 1_000;
  private static final long DEAD_LETTERS_EVERY_MILLIS = 2_000;

  private final Settings options;
  private final List<String> channels;
  private final ObjectMapper json;
  private final StatusCache statuses;
  private final ConsoleModel model;
  private final EventHub hub;
  private final Map<String, FlowTail> tails = new LinkedHashMap<>();
  private final Map<String, FlowTap> taps = new LinkedHashMap<>();
  private final Map<String, TaskBoard> boards = new LinkedHashMap<>();
  private final Reef reef;
  private final List<AutoCloseable> watches = new ArrayList<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> agentsSentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> deadLettersAt = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Map<String, Object>>> lastAgents = new HashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reef-console-tick"));
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reef-console-status"));
  private final ExecutorService httpThreads;
  private final HttpServer server;
  private volatile boolean running = true;

  private ReefConsole(Builder b) throws IOException {
    this.options =
        new Settings(b.token, b.amqpUri, b.batchInterval, b.tailCapacity, b.rowsPerBatch);
    this.channels = List.copyOf(b.channels);
    this.reef = b.reef;
    this.json = b.reef.options().knowledgeMapper().objectMapper().copy();
    this.statuses = new StatusCache(b.reef.directory());
    this.model = new ConsoleModel(b.reef, statuses, json);
    this.hub = new EventHub(b.maxClients, b.clientQueue);
    this.httpThreads =
        Executors.newFixedThreadPool(b.maxClients + 4, DaemonThreads.named("reef-console-http"));
    InetAddress address = InetAddress.getByName(b.bind);
    this.server = HttpServer.create(new InetSocketAddress(address, b.port), 64);
    try {
      for (String channel : channels) {
        FlowTail tail = new FlowTail(b.tailCapacity);
        tails.put(channel, tail);
        if (b.amqpUri != null) {
          taps.put(channel, FlowTap.open(b.amqpUri, channel, tail, json));
        }
        FlowTap tap = taps.get(channel);
        // Reads the channel's history first, so the first page load sees every agent.
        for (DirectoryEntry e : model.entries(channel)) {
          if (tap != null) {
            tap.follow(e.name());
          }
        }
        watches.add(
            b.reef
                .directory()
                .watch(
                    channel,
                    event -> {
                      dirty.add(channel);
                      if (tap != null) {
                        tap.follow(event.agent());
                      }
                    }));
      }
      for (String channel : channels) {
        openTasks(channel);
      }
      new ConsoleHttp(this, model, hub, json, b.token, address.isLoopbackAddress()).install(server);
      server.setExecutor(httpThreads);
      server.start();
    } catch (IOException | RuntimeException e) {
      server.stop(0);
      closeQuietly();
      throw e;
    }
    long tick = b.batchInterval.toMillis();
    ticker.scheduleAtFixedRate(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(
        this::sweepSafely, 0, b.statusInterval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info(
        "Reef console at {} (channels {}, flow {})",
        url(),
        channels,
        taps.isEmpty() ? "off: no AMQP URI" : "on");
  }

  /**
   * A builder.
   *
   * @return a new builder with the documented defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The page's address.
   *
   * @return for example {@code http://127.0.0.1:8420/}
   */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /**
   * The port the server listens on (the one chosen when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The token actions need (the one given, or the one generated at start).
   *
   * @return the token
   */
  public String token() {
    return options.token;
  }

  /**
   * The channels shown.
   *
   * @return an immutable list, the first is the page's default
   */
  public List<String> channels() {
    return channels;
  }

  /**
   * Feeds the channel's Tasks view: the most recent tasks first, then every task's events (the
   * watch's history, then live). A backend without a task log leaves the view off.
   */
  private void openTasks(String channel) {
    Tasks tasks = reef.channel(channel).tasks();
    TaskBoard board = new TaskBoard(TASKS_SHOWN, EVENTS_PER_TASK);
    try {
      List<TaskStatus> recent = new ArrayList<>(tasks.recent(TASKS_SHOWN));
      java.util.Collections.reverse(recent);
      board.seed(recent);
    } catch (UnsupportedOperationException e) {
      LOG.info("console: no tasks on {}: {}", channel, e.getMessage());
      return;
    } catch (dev.reef.ReefException e) {
      // The watch's history still fills the view.
      LOG.warn("console: could not list the recent tasks of {}: {}", channel, e.getMessage());
    }
    watches.add(tasks.watchAll(board::onEvent));
    boards.put(channel, board);
  }

  /** The channel's Tasks view, or null if the backend has no task log. */
  TaskBoard board(String channel) {
    return boards.get(channel);
  }

  /** Asks to cancel a task, waiting up to 10 s for the request to be in the log. */
  void cancelTask(String channel, String taskId) {
    try {
      reef.channel(channel).tasks().cancel(taskId).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.reef.ReefException("interrupted while cancelling task " + taskId, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new dev.reef.ReefException("could not cancel task " + taskId, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new dev.reef.ReefException("the cancel request of " + taskId + " took over 10 s", e);
    }
  }

  boolean isRunning() {
    return running;
  }

  void agentsChanged(String channel) {
    dirty.add(channel);
  }

  Map<String, Object> overview() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("broker", Texts.displayUri(options.amqpUri));
    m.put("channels", channels);
    m.put("flow", !taps.isEmpty());
    m.put("tasks", !boards.isEmpty());
    m.put("tasksShown", TASKS_SHOWN);
    m.put("batchMillis", options.batchInterval.toMillis());
    m.put("rowsPerBatch", options.rowsPerBatch);
    m.put("tailCapacity", options.tailCapacity);
    return m;
  }

  Map<String, Object> flowSnapshot(String channel) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channel", channel);
    m.put("flow", taps.containsKey(channel));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FlowRow r : tails.get(channel).recent(options.rowsPerBatch)) {
      rows.add(ConsoleModel.row(r));
    }
    m.put("rows", rows);
    return m;
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("console: a batch failed: {}", e.toString());
    }
  }

  /** Every batch interval: the flow since the last tick, the agents if changed, dead letters. */
  private void tick() {
    long now = System.currentTimeMillis();
    for (String channel : channels) {
      FlowTail.Batch batch = tails.get(channel).drain(options.rowsPerBatch);
      TaskBoard board = boards.get(channel);
      List<Map<String, Object>> changedTasks = board == null ? List.of() : board.drainChanged();
      if (!hub.hasClients(channel)) {
        continue;
      }
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("t", now);
      List<Map<String, Object>> rows = new ArrayList<>(batch.rows().size());
      for (FlowRow r : batch.rows()) {
        rows.add(ConsoleModel.row(r));
      }
      event.put("rows", rows);
      event.put("skipped", batch.skipped());
      event.put("rates", batch.rates());
      event.put("seen", batch.seen());
      if (!changedTasks.isEmpty()) {
        event.put("tasks", changedTasks);
      }
      long sentAt = agentsSentAt.getOrDefault(channel, 0L);
      if (now - sentAt >= AGENTS_MIN_MILLIS && dirty.remove(channel)) {
        agentsSentAt.put(channel, now);
        agentChanges(channel, event);
      }
      if (now - deadLettersAt.getOrDefault(channel, 0L) >= DEAD_LETTERS_EVERY_MILLIS) {
        deadLettersAt.put(channel, now);
        try {
          event.put("deadLetters", model.deadLetterCount(channel));
        } catch (RuntimeException e) {
          LOG.debug("console: dead-letter count of {}: {}", channel, e.toString());
        }
      }
      hub.publish(channel, sse("batch", event));
    }
  }

  /**
   * Puts into an event the agents that changed since the last event ({@code agents}) and the ones
   * gone ({@code agentsRemoved}): a page loads the whole list once ({@code /api/agents}) and then
   * applies these, so that 1,000 agents cost the page only what changes.
   */
  private void agentChanges(String channel, Map<String, Object> event) {
    Map<String, Map<String, Object>> previous =
        lastAgents.computeIfAbsent(channel, c -> new HashMap<>());
    Map<String, Map<String, Object>> current = new HashMap<>();
    List<Map<String, Object>> changed = new ArrayList<>();
    for (Map<String, Object> agent : model.agents(channel)) {
      String name = (String) agent.get("name");
      current.put(name, agent);
      if (!agent.equals(previous.get(name))) {
        changed.add(agent);
      }
    }
    List<String> removed = new ArrayList<>();
    for (String name : previous.keySet()) {
      if (!current.containsKey(name)) {
        removed.add(name);
      }
    }
    lastAgents.put(channel, current);
    if (!changed.isEmpty()) {
      event.put("agents", changed);
    }
    if (!removed.isEmpty()) {
      event.put("agentsRemoved", removed);
    }
  }

  private void sweepSafely() {
    try {
      for (String channel : channels) {
        List<String> names = new ArrayList<>();
        for (DirectoryEntry e : model.entries(channel)) {
          names.add(e.name());
        }
        statuses.sweep(channel, names, dirty::add);
      }
    } catch (RuntimeException e) {
      LOG.warn("console: a status sweep failed: {}", e.toString());
    }
  }

  private byte[] sse(String name, Object data) {
    try {
      return ("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server, the taps and the watches; never closes the reef. Idempotent. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    server.stop(0);
    closeQuietly();
  }

  private void closeQuietly() {
    running = false;
    ticker.shutdownNow();
    sweeper.shutdownNow();
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        LOG.debug("console: closing a watch: {}", e.toString());
      }
    }
    taps.values().forEach(FlowTap::close);
    httpThreads.shutdownNow();
  }

  /** What the console keeps of its builder. */
  private record Settings(
      String token, String amqpUri, Duration batchInterval, int tailCapacity, int rowsPerBatch) {}

  /**
   * Builds a {@link ReefConsole}. Not thread-safe.
   *
   * <p>Defaults: bind {@value #DEFAULT_BIND}, port {@value #DEFAULT_PORT}, the reef's default
   * channel, a random token (read it with {@link ReefConsole#token()}), no flow tap (give the
   * broker URI with {@link #amqpUri(String)}), batches every 250 ms of at most {@value
   * #DEFAULT_ROWS_PER_BATCH} rows, {@value #DEFAULT_TAIL_CAPACITY} spores kept per channel, {@value
   * #DEFAULT_MAX_CLIENTS} pages of {@value #DEFAULT_CLIENT_QUEUE} queued batches each, mailbox
   * statuses refreshed every 2 s.
   */
  public static final class Builder {
    private Reef reef;
    private final List<String> channels = new ArrayList<>();
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String token;
    private String amqpUri;
    private Duration batchInterval = DEFAULT_BATCH_INTERVAL;
    private int tailCapacity = DEFAULT_TAIL_CAPACITY;
    private int rowsPerBatch = DEFAULT_ROWS_PER_BATCH;
    private int maxClients = DEFAULT_MAX_CLIENTS;
    private int clientQueue = DEFAULT_CLIENT_QUEUE;
    private Duration statusInterval = DEFAULT_STATUS_INTERVAL;

    private Builder() {}

    /**
     * The reef to show (required). The console never closes it.
     *
     * @param reef the reef
     * @return this builder
     */
    public Builder reef(Reef reef) {
      this.reef = Objects.requireNonNull(reef, "reef");
      return this;
    }

    /**
     * Adds a channel to show; the first one added is the page's default. Default: the reef's
     * default channel.
     *
     * @param channel a valid channel name
     * @return this builder
     */
    public Builder channel(String channel) {
      String c = ReefNames.requireChannel(channel);
      if (!channels.contains(c)) {
        channels.add(c);
      }
      return this;
    }

    /**
     * The address to bind. Default {@value #DEFAULT_BIND}: only this machine can open the page.
     *
     * @param address an IP address or host name
     * @return this builder
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The port. Default {@value #DEFAULT_PORT}; 0 picks a free one ({@link ReefConsole#port()}).
     *
     * @param port 0..65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The token actions need. Default: 32 random hex characters, generated at start.
     *
     * @param token at least 8 characters
     * @return this builder
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 8 || token.isBlank()) {
        throw new IllegalArgumentException("the token must have at least 8 characters");
      }
      this.token = token;
      return this;
    }

    /**
     * The broker URI the flow tail taps (it opens a connection of its own). Default: none, and the
     * Flow view says the flow is off.
     *
     * @param uri an {@code amqp://} or {@code amqps://} URI, or null for no flow tap
     * @return this builder
     */
    public Builder amqpUri(String uri) {
      this.amqpUri = uri;
      return this;
    }

    /**
     * How often the page gets a batch of events. Default 250 ms.
     *
     * @param interval 50 ms to 10 s
     * @return this builder
     */
    public Builder batchInterval(Duration interval) {
      long ms = interval.toMillis();
      if (ms < 50 || ms > 10_000) {
        throw new IllegalArgumentException("batchInterval must be 50 ms..10 s, was " + interval);
      }
      this.batchInterval = interval;
      return this;
    }

    /**
     * How many spores the flow tail keeps per channel. Default {@value #DEFAULT_TAIL_CAPACITY}.
     *
     * @param capacity 1..100,000
     * @return this builder
     */
    public Builder tailCapacity(int capacity) {
      this.tailCapacity = range("tailCapacity", capacity, 1, 100_000);
      return this;
    }

    /**
     * The most flow rows per batch; the others are counted (rates, skipped), not sent. Default
     * {@value #DEFAULT_ROWS_PER_BATCH}.
     *
     * @param rows 1..1,000
     * @return this builder
     */
    public Builder rowsPerBatch(int rows) {
      this.rowsPerBatch = range("rowsPerBatch", rows, 1, 1_000);
      return this;
    }

    /**
     * The most pages listening at once. Default {@value #DEFAULT_MAX_CLIENTS}.
     *
     * @param clients 1..100
     * @return this builder
     */
    public Builder maxClients(int clients) {
      this.maxClients = range("maxClients", clients, 1, 100);
      return this;
    }

    /**
     * The most batches queued for a slow page before its oldest are dropped. Default {@value
     * #DEFAULT_CLIENT_QUEUE}.
     *
     * @param batches 1..10,000
     * @return this builder
     */
    public Builder clientQueue(int batches) {
      this.clientQueue = range("clientQueue", batches, 1, 10_000);
      return this;
    }

    /**
     * The pause between two sweeps of the agents' mailbox depths and consumers. Default 2 s.
     *
     * @param interval at least 100 ms
     * @return this builder
     */
    public Builder statusInterval(Duration interval) {
      if (interval.toMillis() < 100) {
        throw new IllegalArgumentException("statusInterval must be at least 100 ms");
      }
      this.statusInterval = interval;
      return this;
    }

    /**
     * Starts the console.
     *
     * @return the running console
     * @throws IllegalStateException if no reef was given
     * @throws UncheckedIOException if the port cannot be bound or the tap cannot be opened
     */
    public ReefConsole start() {
      if (reef == null) {
        throw new IllegalStateException("a reef is required: builder().reef(reef)");
      }
      if (channels.isEmpty()) {
        channels.add(reef.options().defaultChannel());
      }
      if (token == null) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        token = HexFormat.of().formatHex(random);
      }
      try {
        return new ReefConsole(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the Reef console: " + e.getMessage(), e);
      }
    }

    private static int range(String name, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + v);
      }
      return v;
    }
  }
}
