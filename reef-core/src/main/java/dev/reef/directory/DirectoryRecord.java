package dev.reef.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.ReefNames;
import dev.reef.SporeValidationException;
import dev.reef.codec.Timestamps;
import java.io.IOException;
import java.time.Instant;

/**
 * One directory record, and its JSON form (format {@value #FORMAT}, documented in
 * docs/directory.md). Records are facts appended to a channel's directory log; the view of a
 * process is what it folds from them.
 */
final class DirectoryRecord {
  /** The value of the {@code format} field of every record this version writes and reads. */
  static final String FORMAT = "reef.directory/1";

  /** The largest record read; a bigger one is malformed. */
  static final int MAX_RECORD_BYTES = AgentCard.MAX_CARD_BYTES + 4096;

  enum Op {
    CARD("card"),
    LEASE("lease"),
    LEAVE("leave"),
    TERMINATE("terminate"),
    REVIVE("revive"),
    SYNC("sync");

    final String wire;

    Op(String wire) {
      this.wire = wire;
    }

    static Op of(String wire) {
      for (Op op : values()) {
        if (op.wire.equals(wire)) {
          return op;
        }
      }
      return null;
    }
  }

  final Op op;
  final String agent;
  final String instance;
  final Instant at;
  final long leaseMillis;
  final String host;
  final long pid;
  final Instant startedAt;
  final AgentCard card;

  DirectoryRecord(
      Op op,
      String agent,
      String instance,
      Instant at,
      long leaseMillis,
      String host,
      long pid,
      Instant startedAt,
      AgentCard card) {
    this.op = op;
    this.agent = agent;
    this.instance = instance;
    this.at = at;
    this.leaseMillis = leaseMillis;
    this.host = host;
    this.pid = pid;
    this.startedAt = startedAt;
    this.card = card;
  }

  static DirectoryRecord sync(String nonce, Instant at) {
    return new DirectoryRecord(Op.SYNC, null, nonce, at, 0, null, 0, null, null);
  }

  static DirectoryRecord agentOnly(Op op, String agent, Instant at) {
    return new DirectoryRecord(op, agent, null, at, 0, null, 0, null, null);
  }

  byte[] encode() {
    ObjectNode n = CardJson.MAPPER.createObjectNode();
    n.put("format", FORMAT);
    n.put("op", op.wire);
    if (agent != null) {
      n.put("agent", agent);
    }
    if (instance != null) {
      n.put(op == Op.SYNC ? "nonce" : "instance", instance);
    }
    n.put("at", Timestamps.format(at));
    if (op == Op.LEASE || op == Op.CARD) {
      n.put("host", host);
      n.put("pid", pid);
      n.put("started_at", Timestamps.format(startedAt));
    }
    if (op == Op.LEASE) {
      n.put("lease_ms", leaseMillis);
    }
    if (card != null) {
      n.set("card", CardJson.toNode(card));
    }
    return CardJson.bytes(n);
  }

  /**
   * Reads a record.
   *
   * @return the record, or null if it is a record of a newer format or an unknown op (skipped, not
   *     malformed)
   * @throws SporeValidationException if the bytes are not a valid record
   */
  static DirectoryRecord decode(byte[] bytes) {
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new SporeValidationException("record", "larger than " + MAX_RECORD_BYTES + " bytes");
    }
    JsonNode n;
    try {
      n = CardJson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new SporeValidationException("record", "is not JSON", e);
    }
    if (n == null || !n.isObject()) {
      throw new SporeValidationException("record", "must be a JSON object");
    }
    String format = CardJson.text(n, "format", null);
    if (!format.startsWith("reef.directory/")) {
      throw new SporeValidationException("format", "unknown format '" + format + "'");
    }
    Op op = Op.of(CardJson.text(n, "op", null));
    if (!format.equals(FORMAT) || op == null) {
      return null;
    }
    Instant at = Timestamps.parse("at", CardJson.text(n, "at", null));
    if (op == Op.SYNC) {
      return sync(CardJson.text(n, "nonce", null), at);
    }
    String agent = ReefNames.requireAgent("agent", CardJson.text(n, "agent", null));
    if (op == Op.TERMINATE || op == Op.REVIVE) {
      return agentOnly(op, agent, at);
    }
    String instance = ReefNames.requireId("instance", CardJson.text(n, "instance", null));
    if (op == Op.LEAVE) {
      return new DirectoryRecord(op, agent, instance, at, 0, null, 0, null, null);
    }
    String host = CardJson.text(n, "host", "");
    JsonNode pidNode = n.get("pid");
    long pid = pidNode != null && pidNode.canConvertToLong() ? pidNode.asLong() : 0;
    Instant startedAt = Timestamps.parse("started_at", CardJson.text(n, "started_at", null));
    if (op == Op.LEASE) {
      JsonNode lease = n.get("lease_ms");
      if (lease == null || !lease.canConvertToLong() || lease.asLong() <= 0) {
        throw new SporeValidationException("lease_ms", "must be a positive integer");
      }
      return new DirectoryRecord(
          op, agent, instance, at, lease.asLong(), host, pid, startedAt, null);
    }
    AgentCard card = CardJson.fromNode(n.get("card"));
    if (!card.name().equals(agent)) {
      throw new SporeValidationException("card", "name differs from agent '" + agent + "'");
    }
    return new DirectoryRecord(op, agent, instance, at, 0, host, pid, startedAt, card);
  }
}
