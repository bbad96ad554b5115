package dev.reef.trace;

import dev.reef.Spore;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A W3C Trace Context (level 1): the {@code traceparent} ({@code version-traceid-parentid-flags})
 * and the optional {@code tracestate} a spore carries, so that its handler in another process runs
 * inside the sender's trace. Immutable.
 *
 * <p>In a spore it rides in the metadata under {@value #TRACEPARENT} and {@value #TRACESTATE}; the
 * AMQP backend sends it as the standard message headers of the same names. {@link #spanId()} is the
 * id of the operation that published the spore (the W3C {@code parent-id}): the handler's work is
 * its child.
 *
 * <p>Parsing follows the specification: the version is two lower-case hex digits other than {@code
 * ff}; version {@code 00} is exactly 55 characters; a later version is read by its first four
 * fields (and must have a {@code -} after them if longer); the trace id is 32 lower-case hex
 * digits, not all zero; the parent id 16, not all zero; the flags two. A malformed {@code
 * tracestate} is dropped (the {@code traceparent} stays valid), as the specification allows: it
 * must be at most {@value #MAX_TRACESTATE_CHARS} characters of at most {@value
 * #MAX_TRACESTATE_MEMBERS} distinct, well-formed {@code key=value} members.
 *
 * <p>Why this file is long (~570 lines): the W3C Trace Context level 1 rules for both headers
 * (parse, validate, format once, child and root contexts) are one value type's job; most of the
 * length is the validation of hostile input, field by field, with its documentation.
 */
public final class TraceContext {
  /** The metadata key and AMQP header of the trace parent: {@value}. */
  public static final String TRACEPARENT = "traceparent";

  /** The metadata key and AMQP header of the vendor trace state: {@value}. */
  public static final String TRACESTATE = "tracestate";

  /** The sampled flag ({@code 01}) of the trace flags. */
  public static final int FLAG_SAMPLED = 0x01;

  /** The longest {@code tracestate} kept, in characters: {@value}. */
  public static final int MAX_TRACESTATE_CHARS = 512;

  /** The most {@code tracestate} list members kept: {@value}. */
  public static final int MAX_TRACESTATE_MEMBERS = 32;

  private static final int TRACEPARENT_LENGTH = 55;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String traceId;
  private final String spanId;
  private final int flags;
  private final String tracestate;

  /** {@link #traceparent()}, rendered once (a benign race: a String is safely published). */
  private String traceparent;

  private TraceContext(String traceId, String spanId, int flags, String tracestate) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.flags = flags;
    this.tracestate = tracestate;
  }

  /**
   * A context from its parts, validated.
   *
   * @param traceId 32 lower-case hex digits, not all zero
   * @param spanId 16 lower-case hex digits, not all zero (the W3C {@code parent-id})
   * @param flags the trace flags, 0–255
   * @param tracestate the vendor state, or null; dropped if malformed
   * @return the context
   * @throws MalformedTraceContextException if an id or the flags are invalid
   */
  public static TraceContext of(
      String traceId, String spanId, int flags, @Nullable String tracestate) {
    requireId("trace-id", traceId, 32);
    requireId("parent-id", spanId, 16);
    if (flags < 0 || flags > 0xff) {
      throw new MalformedTraceContextException(
          "traceparent: trace-flags must be 0-255, was " + flags);
    }
    return new TraceContext(traceId, spanId, flags, validTracestate(tracestate));
  }

  /**
   * Parses a {@code traceparent} and an optional {@code tracestate}.
   *
   * @param traceparent the header value
   * @param tracestate the {@code tracestate} header value, or null; dropped if malformed
   * @return the context
   * @throws MalformedTraceContextException if the {@code traceparent} is absent or malformed
   */
  public static TraceContext parse(String traceparent, @Nullable String tracestate) {
    if (traceparent == null) {
      throw new MalformedTraceContextException("traceparent: absent");
    }
    int len = traceparent.length();
    if (len < TRACEPARENT_LENGTH) {
      throw malformed(traceparent, "must be at least 55 characters, was " + len);
    }
    int version = hexByte(traceparent, 0);
    if (version < 0) {
      throw malformed(traceparent, "version must be two lower-case hex digits");
    }
    if (version == 0xff) {
      throw malformed(traceparent, "version ff is invalid");
    }
    if (version == 0 && len != TRACEPARENT_LENGTH) {
      throw malformed(traceparent, "version 00 must be exactly 55 characters, was " + len);
    }
    if (len > TRACEPARENT_LENGTH && traceparent.charAt(TRACEPARENT_LENGTH) != '-') {
      throw malformed(traceparent, "a later version must have '-' after the flags");
    }
    if (traceparent.charAt(2) != '-'
        || traceparent.charAt(35) != '-'
        || traceparent.charAt(52) != '-') {
      throw malformed(traceparent, "fields must be separated by '-'");
    }
    String traceId = traceparent.substring(3, 35);
    String spanId = traceparent.substring(36, 52);
    int flags = hexByte(traceparent, 53);
    if (flags < 0) {
      throw malformed(traceparent, "trace-flags must be two lower-case hex digits");
    }
    requireId("trace-id", traceId, 32);
    requireId("parent-id", spanId, 16);
    return new TraceContext(traceId, spanId, flags, validTracestate(tracestate));
  }

  /**
   * Whether a {@code traceparent} is well-formed (what {@link #parse} accepts), without allocating.
   *
   * @param traceparent the header value, or null
   * @return true if {@link #parse} would accept it
   */
  public static boolean isValid(@Nullable String traceparent) {
    if (traceparent == null) {
      return false;
    }
    int len = traceparent.length();
    if (len < TRACEPARENT_LENGTH) {
      return false;
    }
    int version = hexByte(traceparent, 0);
    if (version < 0 || version == 0xff || (version == 0 && len != TRACEPARENT_LENGTH)) {
      return false;
    }
    if (len > TRACEPARENT_LENGTH && traceparent.charAt(TRACEPARENT_LENGTH) != '-') {
      return false;
    }
    return traceparent.charAt(2) == '-'
        && traceparent.charAt(35) == '-'
        && traceparent.charAt(52) == '-'
        && hexByte(traceparent, 53) >= 0
        && isHexId(traceparent, 3, 32)
        && isHexId(traceparent, 36, 16);
  }

  /**
   * Parses like {@link #parse}, returning null instead of throwing.
   *
   * @param traceparent the header value, or null
   * @param tracestate the {@code tracestate}, or null
   * @return the context, or null if the {@code traceparent} is absent or malformed
   */
  public static @Nullable TraceContext tryParse(
      @Nullable String traceparent, @Nullable String tracestate) {
    if (traceparent == null) {
      return null;
    }
    try {
      return parse(traceparent, tracestate);
    } catch (MalformedTraceContextException e) {
      return null;
    }
  }

  /**
   * The context a spore carries in its metadata.
   *
   * @param spore the spore
   * @return its context, or null if it carries none
   * @throws MalformedTraceContextException if its {@code traceparent} is malformed (also when it is
   *     not a string)
   */
  public static @Nullable TraceContext read(Spore spore) {
    Map<String, Object> metadata = spore.metadata();
    if (metadata.isEmpty()) {
      return null;
    }
    Object parent = metadata.get(TRACEPARENT);
    if (parent == null) {
      return null;
    }
    if (!(parent instanceof String)) {
      throw new MalformedTraceContextException("traceparent: must be a string");
    }
    Object state = metadata.get(TRACESTATE);
    return parse((String) parent, state instanceof String ? (String) state : null);
  }

  /**
   * A new trace: a random trace id and span id, sampled.
   *
   * @return the root context
   */
  public static TraceContext newRoot() {
    char[] c = new char[TRACEPARENT_LENGTH];
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi;
    long lo;
    do {
      hi = r.nextLong();
      lo = r.nextLong();
    } while (hi == 0 && lo == 0);
    hex(hi, c, 3);
    hex(lo, c, 19);
    String p = rendered(c, randomSpan(r));
    return new TraceContext(p.substring(3, 35), p.substring(36, 52), FLAG_SAMPLED, null, p);
  }

  /**
   * A new trace with a given trace id (for example a spore's {@code trace_id}) and a random span
   * id, sampled.
   *
   * @param traceId 32 lower-case hex digits, not all zero
   * @return the root context
   * @throws MalformedTraceContextException if the trace id is invalid
   */
  public static TraceContext newRoot(String traceId) {
    requireId("trace-id", traceId, 32);
    return withNewSpan(traceId, FLAG_SAMPLED, null);
  }

  /** A context of a valid trace id with a random span id, rendered once. */
  private static TraceContext withNewSpan(String traceId, int flags, String tracestate) {
    char[] c = new char[TRACEPARENT_LENGTH];
    traceId.getChars(0, 32, c, 3);
    c[53] = HEX[(flags >> 4) & 0xf];
    c[54] = HEX[flags & 0xf];
    String parent = rendered(c, randomSpan(ThreadLocalRandom.current()));
    return new TraceContext(traceId, parent.substring(36, 52), flags, tracestate, parent);
  }

  private TraceContext(
      String traceId, String spanId, int flags, String tracestate, String traceparent) {
    this(traceId, spanId, flags, tracestate);
    this.traceparent = traceparent;
  }

  private static long randomSpan(ThreadLocalRandom r) {
    long v;
    do {
      v = r.nextLong();
    } while (v == 0);
    return v;
  }

  /**
   * {@code c} (the trace id at 3, the flags at 53 or zero) completed with a span id, version 00 and
   * the separators, as a String; flags left zero become sampled.
   */
  private static String rendered(char[] c, long span) {
    c[0] = '0';
    c[1] = '0';
    c[2] = '-';
    c[35] = '-';
    hex(span, c, 36);
    c[52] = '-';
    if (c[53] == 0) {
      c[53] = '0';
      c[54] = '1';
    }
    return new String(c);
  }

  /** 16 lower-case hex digits of v into c at from. */
  private static void hex(long v, char[] c, int from) {
    for (int j = from + 15; j >= from; j--) {
      c[j] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /**
   * The trace id a spore's {@code trace_id} stands for, if it can be one: 32 hex digits, not all
   * zero, after removing dashes (so a UUID qualifies) and lower-casing.
   *
   * @param traceId a spore's trace id, or null
   * @return the W3C trace id, or null if the value cannot be one
   */
  public static @Nullable String asW3cTraceId(@Nullable String traceId) {
    if (traceId == null) {
      return null;
    }
    String s = traceId.length() == 36 ? traceId.replace("-", "") : traceId;
    if (s.length() != 32) {
      return null;
    }
    s = s.toLowerCase(java.util.Locale.ROOT);
    return isHexId(s, 32) ? s : null;
  }

  /**
   * A child of this context: the same trace, flags and state, a new random span id.
   *
   * @return the child
   */
  public TraceContext child() {
    return withNewSpan(traceId, flags, tracestate);
  }

  /**
   * This context in a copy of a spore's metadata, replacing any context it carried.
   *
   * @param spore the spore
   * @return the copy; the same spore if it already carries exactly this context
   */
  public Spore applyTo(Spore spore) {
    Map<String, Object> metadata = spore.metadata();
    String parent = traceparent();
    if (parent.equals(metadata.get(TRACEPARENT))
        && Objects.equals(tracestate, metadata.get(TRACESTATE))) {
      return spore;
    }
    return spore.toBuilder().metadata(metadataWith(metadata)).build();
  }

  /**
   * A copy of a metadata map with this context in it, replacing any context it held.
   *
   * @param metadata a spore's metadata
   * @return a new mutable map
   */
  public Map<String, Object> metadataWith(Map<String, ?> metadata) {
    Map<String, Object> m = new LinkedHashMap<>(metadata);
    m.put(TRACEPARENT, traceparent());
    if (tracestate != null) {
      m.put(TRACESTATE, tracestate);
    } else {
      m.remove(TRACESTATE);
    }
    return m;
  }

  /**
   * The trace id.
   *
   * @return 32 lower-case hex digits
   */
  public String traceId() {
    return traceId;
  }

  /**
   * The span id of the operation that carries this context (the W3C {@code parent-id}).
   *
   * @return 16 lower-case hex digits
   */
  public String spanId() {
    return spanId;
  }

  /**
   * The trace flags.
   *
   * @return 0–255
   */
  public int flags() {
    return flags;
  }

  /**
   * Whether the sampled flag is set.
   *
   * @return true if sampled
   */
  public boolean sampled() {
    return (flags & FLAG_SAMPLED) != 0;
  }

  /**
   * The vendor state.
   *
   * @return the {@code tracestate}, or null if none
   */
  public @Nullable String tracestate() {
    return tracestate;
  }

  /**
   * The {@code traceparent} header value, always version {@code 00}.
   *
   * @return {@code 00-<trace-id>-<parent-id>-<flags>}
   */
  public String traceparent() {
    String p = traceparent;
    if (p == null) {
      p = render();
      traceparent = p;
    }
    return p;
  }

  private String render() {
    char[] c = new char[TRACEPARENT_LENGTH];
    c[0] = '0';
    c[1] = '0';
    c[2] = '-';
    traceId.getChars(0, 32, c, 3);
    c[35] = '-';
    spanId.getChars(0, 16, c, 36);
    c[52] = '-';
    c[53] = HEX[(flags >> 4) & 0xf];
    c[54] = HEX[flags & 0xf];
    return new String(c);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TraceContext)) {
      return false;
    }
    TraceContext t = (TraceContext) o;
    return flags == t.flags
        && traceId.equals(t.traceId)
        && spanId.equals(t.spanId)
        && Objects.equals(tracestate, t.tracestate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, spanId, flags, tracestate);
  }

  @Override
  public String toString() {
    return tracestate == null ? traceparent() : traceparent() + " " + tracestate;
  }

  // ---- validation ----

  private static MalformedTraceContextException malformed(String value, String why) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return new MalformedTraceContextException("traceparent '" + shown + "': " + why);
  }

  private static void requireId(String field, String id, int length) {
    if (id == null || !isHexId(id, length)) {
      throw new MalformedTraceContextException(
          "traceparent: "
              + field
              + " must be "
              + length
              + " lower-case hex digits, not all zero, was '"
              + (id == null ? "null" : id.length() > 64 ? id.substring(0, 64) + "..." : id)
              + "'");
    }
  }

  private static boolean isHexId(String s, int length) {
    return s.length() == length && isHexId(s, 0, length);
  }

  private static boolean isHexId(String s, int from, int length) {
    boolean nonZero = false;
    for (int i = from; i < from + length; i++) {
      char c = s.charAt(i);
      if (!isLowerHex(c)) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  private static boolean isLowerHex(char c) {
    return c < 128 && LOWER_HEX[c];
  }

  /** Which ASCII characters are lower-case hex digits (a table: this runs on every delivery). */
  private static final boolean[] LOWER_HEX = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      LOWER_HEX[c] = true;
    }
    for (char c = 'a'; c <= 'f'; c++) {
      LOWER_HEX[c] = true;
    }
  }

  private static int hexByte(String s, int at) {
    char hi = s.charAt(at);
    char lo = s.charAt(at + 1);
    if (!isLowerHex(hi) || !isLowerHex(lo)) {
      return -1;
    }
    return Character.digit(hi, 16) << 4 | Character.digit(lo, 16);
  }

  /** The state if well-formed, null if absent, empty or malformed. */
  static String validTracestate(String state) {
    if (state == null || state.length() > MAX_TRACESTATE_CHARS) {
      return null;
    }
    String[] members = state.split(",", -1);
    Set<String> keys = new HashSet<>();
    int count = 0;
    for (String raw : members) {
      String m = raw.strip();
      if (m.isEmpty()) {
        continue; // empty list members are allowed
      }
      int eq = m.indexOf('=');
      if (eq <= 0 || !validKey(m.substring(0, eq)) || !validValue(m.substring(eq + 1))) {
        return null;
      }
      if (!keys.add(m.substring(0, eq)) || ++count > MAX_TRACESTATE_MEMBERS) {
        return null;
      }
    }
    return count == 0 ? null : state;
  }

  private static boolean validKey(String key) {
    int at = key.indexOf('@');
    if (at < 0) {
      return key.length() <= 256 && keyChars(key, true);
    }
    String tenant = key.substring(0, at);
    String system = key.substring(at + 1);
    return !tenant.isEmpty()
        && tenant.length() <= 241
        && keyChars(tenant, false)
        && !system.isEmpty()
        && system.length() <= 14
        && keyChars(system, true);
  }

  private static boolean keyChars(String s, boolean alphaFirst) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    boolean firstOk =
        (first >= 'a' && first <= 'z') || (!alphaFirst && first >= '0' && first <= '9');
    if (!firstOk) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-'
          || c == '*'
          || c == '/')) {
        return false;
      }
    }
    return true;
  }

  private static boolean validValue(String v) {
    if (v.isEmpty() || v.length() > 256 || v.charAt(v.length() - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
        return false;
      }
    }
    return true;
  }
}
