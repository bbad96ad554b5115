package dev.reef.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code reef.*} properties: the {@code ReefOptions} of the auto-configured reef, the retry
 * policy, and the backend ({@code reef.memory.*} or {@code reef.amqp.*}). An unset (null) value
 * keeps the library's default. Long: it mirrors three builders' options one to one, and the
 * configuration processor needs them here as fields.
 */
@ConfigurationProperties(prefix = "reef")
public class ReefProperties {

  /** Which backend the reef uses. */
  public enum BackendType {
    /**
     * RabbitMQ when {@code reef.amqp.*} or {@code spring.rabbitmq.*} names a broker and reef-amqp
     * is on the class path, in memory otherwise.
     */
    AUTO,
    /** The in-memory backend: every agent in this JVM. */
    MEMORY,
    /** RabbitMQ through reef-amqp (its defaults when nothing else is configured). */
    AMQP
  }

  /** The AMQP header layout. */
  public enum Layout {
    /** Reef's lean layout. */
    REEF,
    /** Every header a Python Praval agent writes. */
    PRAVAL
  }

  /** Whether to auto-configure a Reef bean at all. */
  private boolean enabled = true;

  /** The backend. */
  private BackendType backend = BackendType.AUTO;

  /** The channel of the Reef's own channel operations and of @ReefHandler without a channel. */
  private String defaultChannel;

  /** The sender of system broadcasts. */
  private String systemAgent;

  /** How long a request lives before it expires (default 5m). */
  private Duration defaultRequestExpiry;

  /** The timeout of an ask without one (default 30s). */
  private Duration defaultAskTimeout;

  /**
   * How long closing the reef (the application context stopping) waits for running handlers to
   * finish (default 10s).
   */
  private Duration closeTimeout;

  /** The largest knowledge accepted, in bytes of compact JSON (default 10 MiB). */
  private Long maxKnowledgeBytes;

  /** How many recent spore ids each agent remembers to drop redeliveries (default 0: off). */
  private Integer deduplicationWindow;

  /** Broadcasts per second each sender may publish (default: unlimited). */
  private Double broadcastRateLimit;

  /** How failed handlers are retried before their spore is dead-lettered. */
  private final Retry retry = new Retry();

  /** The in-memory backend. */
  private final Memory memory = new Memory();

  /** The RabbitMQ backend. */
  private final Amqp amqp = new Amqp();

  /** The retry policy of failed handlers. */
  public static class Retry {
    /** Attempts in all, the first one included (default 5); 1 means no retry. */
    private Integer maxAttempts;

    /** The backoff before the first retry (default 100ms). */
    private Duration initialBackoff;

    /** The factor each further backoff grows by (default 2.0). */
    private Double multiplier;

    /** The longest backoff (default 10s). */
    private Duration maxBackoff;

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(Double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    boolean isSet() {
      return maxAttempts != null
          || initialBackoff != null
          || multiplier != null
          || maxBackoff != null;
    }
  }

  /** Options of the in-memory backend. */
  public static class Memory {
    /** Spores a mailbox holds at most (default: unbounded). */
    private Integer mailboxCapacity;

    /** Spores handed to an agent's handlers before they settle (default 64). */
    private Integer prefetch;

    /** Threads running handlers. */
    private Integer workerThreads;

    /** Dead letters kept for inspection. */
    private Integer maxDeadLetters;

    public Integer getMailboxCapacity() {
      return mailboxCapacity;
    }

    public void setMailboxCapacity(Integer mailboxCapacity) {
      this.mailboxCapacity = mailboxCapacity;
    }

    public Integer getPrefetch() {
      return prefetch;
    }

    public void setPrefetch(Integer prefetch) {
      this.prefetch = prefetch;
    }

    public Integer getWorkerThreads() {
      return workerThreads;
    }

    public void setWorkerThreads(Integer workerThreads) {
      this.workerThreads = workerThreads;
    }

    public Integer getMaxDeadLetters() {
      return maxDeadLetters;
    }

    public void setMaxDeadLetters(Integer maxDeadLetters) {
      this.maxDeadLetters = maxDeadLetters;
    }
  }

  /**
   * Options of the RabbitMQ backend. The broker comes from {@code uri}, else from {@code
   * addresses}/{@code host}/{@code port} with the credentials here, else (when {@code
   * use-spring-rabbitmq} is true) from the application's {@code spring.rabbitmq.*} properties.
   */
  public static class Amqp {
    /** The broker as amqp://user:pass@host:port/vhost (amqps:// for TLS). */
    private String uri;

    /** Host of the broker (when no uri is given). */
    private String host;

    /** Port of the broker (default 5672, 5671 with ssl). */
    private Integer port;

    /** host:port pairs of a cluster, tried in order (instead of host and port). */
    private List<String> addresses = new ArrayList<>();

    /** The user (default guest). */
    private String username;

    /** The password (default guest); never logged. */
    private String password;

    /** The virtual host (default /). */
    private String virtualHost;

    /** Whether to connect with TLS, verifying the broker's certificate and host name. */
    private Boolean sslEnabled;

    /** Whether to reuse spring.rabbitmq.* when reef.amqp names no broker. */
    private boolean useSpringRabbitmq = true;

    /** Unacknowledged spores per consumer (default 64). */
    private Integer prefetch;

    /** Whether spores are persistent and mailboxes durable (default true). */
    private Boolean persistent;

    /** Publishes in flight awaiting the broker's confirm, per publishing channel. */
    private Integer confirmWindow;

    /** How long a publish may wait for room in the confirm window. */
    private Duration publishTimeout;

    /** How long a publish waits for the broker's confirm. */
    private Duration confirmTimeout;

    /** The dead-letter exchange (default reef.dlx). */
    private String deadLetterExchange;

    /** The dead-letter queue (default reef.dead). */
    private String deadLetterQueue;

    /** Exchange per channel, when it is not reef.CHANNEL. */
    private Map<String, String> exchanges = new LinkedHashMap<>();

    /** The header layout of every channel (default reef). */
    private Layout headerLayout;

    /** Channels exchanging spores with Python Praval agents: channel to exchange. */
    private Map<String, String> pravalChannels = new LinkedHashMap<>();

    /** Whether mailboxes are quorum queues. */
    private Boolean quorumMailboxes;

    /** The largest message body accepted, in bytes. */
    private Long maxBodyBytes;

    /** Publishing channels on the connection. */
    private Integer publisherChannels;

    /** The connection's name in the management UI. */
    private String connectionName;

    /** How long to wait between connection recovery attempts. */
    private Duration recoveryInterval;

    /** Clock skew tolerated before a spore counts as expired. */
    private Duration expiryGrace;

    /** Whether asks use RabbitMQ's direct reply-to (default true). */
    private Boolean directReplies;

    /** Whether a broker is named here (uri, host, port or addresses). */
    boolean namesBroker() {
      return uri != null || host != null || port != null || !addresses.isEmpty();
    }

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public List<String> getAddresses() {
      return addresses;
    }

    public void setAddresses(List<String> addresses) {
      this.addresses = addresses;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getVirtualHost() {
      return virtualHost;
    }

    public void setVirtualHost(String virtualHost) {
      this.virtualHost = virtualHost;
    }

    public Boolean getSslEnabled() {
      return sslEnabled;
    }

    public void setSslEnabled(Boolean sslEnabled) {
      this.sslEnabled = sslEnabled;
    }

    public boolean isUseSpringRabbitmq() {
      return useSpringRabbitmq;
    }

    public void setUseSpringRabbitmq(boolean useSpringRabbitmq) {
      this.useSpringRabbitmq = useSpringRabbitmq;
    }

    public Integer getPrefetch() {
      return prefetch;
    }

    public void setPrefetch(Integer prefetch) {
      this.prefetch = prefetch;
    }

    public Boolean getPersistent() {
      return persistent;
    }

    public void setPersistent(Boolean persistent) {
      this.persistent = persistent;
    }

    public Integer getConfirmWindow() {
      return confirmWindow;
    }

    public void setConfirmWindow(Integer confirmWindow) {
      this.confirmWindow = confirmWindow;
    }

    public Duration getPublishTimeout() {
      return publishTimeout;
    }

    public void setPublishTimeout(Duration publishTimeout) {
      this.publishTimeout = publishTimeout;
    }

    public Duration getConfirmTimeout() {
      return confirmTimeout;
    }

    public void setConfirmTimeout(Duration confirmTimeout) {
      this.confirmTimeout = confirmTimeout;
    }

    public String getDeadLetterExchange() {
      return deadLetterExchange;
    }

    public void setDeadLetterExchange(String deadLetterExchange) {
      this.deadLetterExchange = deadLetterExchange;
    }

    public String getDeadLetterQueue() {
      return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
      this.deadLetterQueue = deadLetterQueue;
    }

    public Map<String, String> getExchanges() {
      return exchanges;
    }

    public void setExchanges(Map<String, String> exchanges) {
      this.exchanges = exchanges;
    }

    public Layout getHeaderLayout() {
      return headerLayout;
    }

    public void setHeaderLayout(Layout headerLayout) {
      this.headerLayout = headerLayout;
    }

    public Map<String, String> getPravalChannels() {
      return pravalChannels;
    }

    public void setPravalChannels(Map<String, String> pravalChannels) {
      this.pravalChannels = pravalChannels;
    }

    public Boolean getQuorumMailboxes() {
      return quorumMailboxes;
    }

    public void setQuorumMailboxes(Boolean quorumMailboxes) {
      this.quorumMailboxes = quorumMailboxes;
    }

    public Long getMaxBodyBytes() {
      return maxBodyBytes;
    }

    public void setMaxBodyBytes(Long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }

    public Integer getPublisherChannels() {
      return publisherChannels;
    }

    public void setPublisherChannels(Integer publisherChannels) {
      this.publisherChannels = publisherChannels;
    }

    public String getConnectionName() {
      return connectionName;
    }

    public void setConnectionName(String connectionName) {
      this.connectionName = connectionName;
    }

    public Duration getRecoveryInterval() {
      return recoveryInterval;
    }

    public void setRecoveryInterval(Duration recoveryInterval) {
      this.recoveryInterval = recoveryInterval;
    }

    public Duration getExpiryGrace() {
      return expiryGrace;
    }

    public void setExpiryGrace(Duration expiryGrace) {
      this.expiryGrace = expiryGrace;
    }

    public Boolean getDirectReplies() {
      return directReplies;
    }

    public void setDirectReplies(Boolean directReplies) {
      this.directReplies = directReplies;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public BackendType getBackend() {
    return backend;
  }

  public void setBackend(BackendType backend) {
    this.backend = backend;
  }

  public String getDefaultChannel() {
    return defaultChannel;
  }

  public void setDefaultChannel(String defaultChannel) {
    this.defaultChannel = defaultChannel;
  }

  public String getSystemAgent() {
    return systemAgent;
  }

  public void setSystemAgent(String systemAgent) {
    this.systemAgent = systemAgent;
  }

  public Duration getDefaultRequestExpiry() {
    return defaultRequestExpiry;
  }

  public void setDefaultRequestExpiry(Duration defaultRequestExpiry) {
    this.defaultRequestExpiry = defaultRequestExpiry;
  }

  public Duration getDefaultAskTimeout() {
    return defaultAskTimeout;
  }

  public void setDefaultAskTimeout(Duration defaultAskTimeout) {
    this.defaultAskTimeout = defaultAskTimeout;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public Long getMaxKnowledgeBytes() {
    return maxKnowledgeBytes;
  }

  public void setMaxKnowledgeBytes(Long maxKnowledgeBytes) {
    this.maxKnowledgeBytes = maxKnowledgeBytes;
  }

  public Integer getDeduplicationWindow() {
    return deduplicationWindow;
  }

  public void setDeduplicationWindow(Integer deduplicationWindow) {
    this.deduplicationWindow = deduplicationWindow;
  }

  public Double getBroadcastRateLimit() {
    return broadcastRateLimit;
  }

  public void setBroadcastRateLimit(Double broadcastRateLimit) {
    this.broadcastRateLimit = broadcastRateLimit;
  }

  public Retry getRetry() {
    return retry;
  }

  public Memory getMemory() {
    return memory;
  }

  public Amqp getAmqp() {
    return amqp;
  }
}
