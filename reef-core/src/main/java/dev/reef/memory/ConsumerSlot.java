package dev.reef.memory;

import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backend's consumer on one mailbox. It drains the mailbox serially on the backend's worker
 * pool: at most one spore of the mailbox is in flight per slot, so a slow or failing agent occupies
 * one worker at most and never stalls other mailboxes. After {@link #BATCH} spores in a row it
 * yields its worker to other mailboxes.
 */
final class ConsumerSlot implements MailboxSubscription, Runnable {
  static final int BATCH = 256;

  final Mailbox mailbox;
  final InMemoryBackend backend;
  final MailboxConsumer consumer;

  /** The entry handed to the consumer and not yet settled; cleared by settle or by close. */
  final AtomicReference<Object> current = new AtomicReference<>();

  // Guarded by the mailbox monitor.
  boolean idle;
  boolean detached;

  ConsumerSlot(Mailbox mailbox, InMemoryBackend backend, MailboxConsumer consumer) {
    this.mailbox = mailbox;
    this.backend = backend;
    this.consumer = consumer;
  }

  void schedule() {
    backend.execute(this);
  }

  @Override
  public void run() {
    for (int budget = BATCH; budget > 0; budget--) {
      Object entry = mailbox.take(this);
      if (entry == null) {
        return;
      }
      if (!backend.handle(this, entry)) {
        return; // an asynchronous handler is pending; its completion reschedules this slot
      }
    }
    schedule();
  }

  @Override
  public String channel() {
    return mailbox.channelName;
  }

  @Override
  public String agent() {
    return mailbox.agent;
  }

  @Override
  public void close() {
    backend.detach(this);
  }
}
