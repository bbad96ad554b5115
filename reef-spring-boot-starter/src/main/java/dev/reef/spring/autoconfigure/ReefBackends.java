package dev.reef.spring.autoconfigure;

import dev.reef.KnowledgeMapper;
import dev.reef.RateLimit;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ReefBackend;

/** Builds the {@link ReefOptions}, the retry policy and the in-memory backend from properties. */
final class ReefBackends {
  private ReefBackends() {}

  static ReefOptions options(ReefProperties p, KnowledgeMapper mapper) {
    ReefOptions.Builder b = ReefOptions.custom().knowledgeMapper(mapper);
    ValidatedProperties v = new ValidatedProperties("reef");
    v.set("default-channel", p.getDefaultChannel(), b::defaultChannel);
    v.set("system-agent", p.getSystemAgent(), b::systemAgent);
    v.set("default-request-expiry", p.getDefaultRequestExpiry(), b::defaultRequestExpiry);
    v.set("default-ask-timeout", p.getDefaultAskTimeout(), b::defaultAskTimeout);
    v.set("close-timeout", p.getCloseTimeout(), b::closeTimeout);
    v.set("max-knowledge-bytes", p.getMaxKnowledgeBytes(), b::maxKnowledgeBytes);
    v.set("deduplication-window", p.getDeduplicationWindow(), b::deduplicationWindow);
    v.set(
        "broadcast-rate-limit",
        p.getBroadcastRateLimit(),
        rate -> b.broadcastRateLimit(RateLimit.perSecond(rate)));
    return v.build(b::build);
  }

  /** The retry policy, or null when no {@code reef.retry.*} property is set. */
  static RetryPolicy retryPolicy(ReefProperties.Retry r) {
    if (!r.isSet()) {
      return null;
    }
    RetryPolicy.Builder b = RetryPolicy.custom();
    ValidatedProperties v = new ValidatedProperties("reef.retry");
    v.set("max-attempts", r.getMaxAttempts(), b::maxAttempts);
    v.set("initial-backoff", r.getInitialBackoff(), b::initialBackoff);
    v.set("multiplier", r.getMultiplier(), b::multiplier);
    v.set("max-backoff", r.getMaxBackoff(), b::maxBackoff);
    return v.build(b::build);
  }

  static ReefBackend memory(ReefProperties p) {
    ReefProperties.Memory m = p.getMemory();
    InMemoryBackend.Builder b = InMemoryBackend.builder();
    ValidatedProperties v = new ValidatedProperties("reef.memory");
    v.set("mailbox-capacity", m.getMailboxCapacity(), b::mailboxCapacity);
    v.set("prefetch", m.getPrefetch(), b::prefetch);
    v.set("worker-threads", m.getWorkerThreads(), b::workerThreads);
    v.set("max-dead-letters", m.getMaxDeadLetters(), b::maxDeadLetters);
    RetryPolicy retry = retryPolicy(p.getRetry());
    if (retry != null) {
      b.retryPolicy(retry);
    }
    return v.build(b::build);
  }
}
