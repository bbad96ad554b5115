package dev.reef.amqp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds how deeply AMQP header values nest, without recursion (issue 13, item 1). amqp-client
 * reads and writes field tables recursively (and refuses more than 32 levels with a {@code
 * MalformedFrameException} that closes the whole connection, so a message nested deeper is read
 * again after every recovery, forever); a content header may nest ~21,800 levels within the default
 * frame max. So the raw content header frame is checked here, iteratively and in bounded memory,
 * before amqp-client parses it ({@link #guardContentHeader}); a header nested deeper than {@link
 * #MAX_DEPTH} levels, or one that cannot be parsed, is replaced by nothing and recorded in {@link
 * #REFUSED} instead, so the consumer sees a readable message and dead-letters it {@code malformed}.
 * {@link #sanitise} does the same on a decoded header map (for a copy that is published again,
 * since amqp-client's writer recurses too). Stateless.
 */
public final class HeaderNesting {
  /** How deeply a header value may nest tables and arrays: {@value}. */
  public static final int MAX_DEPTH = 16;

  /**
   * Set (by the reader) on a message whose headers were removed because they nested too deeply or
   * could not be parsed; its value says which and why: {@value}.
   */
  public static final String REFUSED = "x-reef-refused-headers";

  private static final int BASIC_CLASS = 60;
  private static final int FLAG_CONTENT_TYPE = 0x8000;
  private static final int FLAG_CONTENT_ENCODING = 0x4000;
  private static final int FLAG_HEADERS = 0x2000;
  private static final int FLAG_CONTINUED = 0x0001;

  /** class-id, weight, body size, property flags. */
  private static final int PROPERTIES_START = 14;

  private static final int TOO_DEEP = Integer.MAX_VALUE;
  private static final int MALFORMED = -1;

  private HeaderNesting() {}

  /**
   * The payload of a content header frame with every header nested deeper than {@link #MAX_DEPTH}
   * (or unparseable) removed and recorded in {@link #REFUSED}.
   *
   * @param payload the frame's payload
   * @return {@code payload} itself when nothing was removed, else a new payload
   */
  public static byte[] guardContentHeader(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    if (payload.length < PROPERTIES_START || in.getShort(0) != BASIC_CLASS) {
      return payload;
    }
    int flags = in.getShort(PROPERTIES_START - 2) & 0xffff;
    if ((flags & FLAG_HEADERS) == 0 || (flags & FLAG_CONTINUED) != 0) {
      return payload;
    }
    int pos = PROPERTIES_START;
    for (int f : new int[] {FLAG_CONTENT_TYPE, FLAG_CONTENT_ENCODING}) {
      if ((flags & f) != 0) {
        if (pos >= payload.length) {
          return payload;
        }
        pos += 1 + (payload[pos] & 0xff);
      }
    }
    if (pos + 4 > payload.length) {
      return payload;
    }
    int tableStart = pos;
    long length = in.getInt(pos) & 0xffffffffL;
    if (tableStart + 4 + length > payload.length) {
      return payload;
    }
    int tableEnd = (int) (tableStart + 4 + length);
    List<int[]> kept = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    pos = tableStart + 4;
    while (pos < tableEnd) {
      int entry = pos;
      int nameLength = payload[pos] & 0xff;
      int type = pos + 1 + nameLength;
      String name =
          new String(
              payload, pos + 1, Math.min(nameLength, tableEnd - pos - 1), StandardCharsets.UTF_8);
      if (type >= tableEnd) {
        refused.add("'" + name + "' (unreadable)");
        break;
      }
      int[] depth = new int[1];
      int end = skipValue(in, type, tableEnd, depth);
      if (end == MALFORMED) {
        refused.add("'" + name + "' and the headers after it (unreadable)");
        break;
      }
      if (depth[0] == TOO_DEEP) {
        refused.add("'" + name + "' (nested deeper than " + MAX_DEPTH + " levels)");
      } else {
        kept.add(new int[] {entry, end});
      }
      pos = end;
    }
    if (refused.isEmpty()) {
      return payload;
    }
    byte[] name = REFUSED.getBytes(StandardCharsets.UTF_8);
    byte[] value = String.join(", ", refused).getBytes(StandardCharsets.UTF_8);
    int newLength = 1 + name.length + 1 + 4 + value.length;
    for (int[] k : kept) {
      newLength += k[1] - k[0];
    }
    ByteBuffer out = ByteBuffer.allocate(payload.length - (tableEnd - tableStart) + 4 + newLength);
    out.put(payload, 0, tableStart).putInt(newLength);
    for (int[] k : kept) {
      out.put(payload, k[0], k[1] - k[0]);
    }
    out.put((byte) name.length).put(name).put((byte) 'S').putInt(value.length).put(value);
    out.put(payload, tableEnd, payload.length - tableEnd);
    return out.array();
  }

  /**
   * Skips one field value (its type byte at {@code pos}) without recursion.
   *
   * @param depth receives its nesting depth, or {@link #TOO_DEEP}
   * @return the position after it, or {@link #MALFORMED}
   */
  private static int skipValue(ByteBuffer in, int pos, int limit, int[] depth) {
    // The ends of the open tables (positive) and arrays (negated), innermost last.
    Deque<Integer> open = new ArrayDeque<>();
    int deepest = 0;
    int p = pos;
    int valueEnd = -1;
    do {
      if (!open.isEmpty()) {
        int top = open.peekLast();
        int end = Math.abs(top);
        if (p == end) {
          open.removeLast();
          if (open.isEmpty()) {
            valueEnd = p;
          }
          continue;
        }
        if (top > 0) {
          if (p >= end) {
            return MALFORMED;
          }
          p += 1 + (in.get(p) & 0xff); // field name
        }
      }
      int bound = open.isEmpty() ? limit : Math.abs(open.peekLast());
      if (p >= bound) {
        return MALFORMED;
      }
      char type = (char) (in.get(p++) & 0xff);
      if (type == 'F' || type == 'A') {
        if (p + 4 > bound) {
          return MALFORMED;
        }
        long length = in.getInt(p) & 0xffffffffL;
        if (p + 4 + length > bound) {
          return MALFORMED;
        }
        int end = (int) (p + 4 + length);
        p += 4;
        open.addLast(type == 'F' ? end : -end);
        deepest = Math.max(deepest, open.size());
        if (deepest > MAX_DEPTH) {
          // The outermost value's end is known from its length: skip the rest unread.
          depth[0] = TOO_DEEP;
          return Math.abs(open.peekFirst());
        }
      } else {
        int size = scalarSize(in, p, bound, type);
        if (size < 0 || (long) p + size > bound) {
          return MALFORMED;
        }
        p += size;
        if (open.isEmpty()) {
          valueEnd = p;
        }
      }
    } while (valueEnd < 0);
    depth[0] = deepest;
    return valueEnd;
  }

  /** The bytes after the type byte of a scalar field value, or -1 if the type is unknown. */
  private static int scalarSize(ByteBuffer in, int p, int bound, char type) {
    switch (type) {
      case 'V':
        return 0;
      case 'b':
      case 'B':
      case 't':
        return 1;
      case 's':
      case 'u':
        return 2;
      case 'I':
      case 'i':
      case 'f':
        return 4;
      case 'D':
        return 5;
      case 'T':
      case 'd':
      case 'l':
        return 8;
      case 'S':
      case 'x':
        return p + 4 > bound
            ? -1
            : (int) Math.min(Integer.MAX_VALUE, 4 + (in.getInt(p) & 0xffffffffL));
      default:
        return -1;
    }
  }

  /**
   * Why a decoded header map is refused: the reader's {@link #REFUSED} record, or a value nested
   * deeper than {@link #MAX_DEPTH}; null if it is fine. Iterative.
   *
   * @param headers the headers, or null
   * @return the reason, or null
   */
  public static String refusal(Map<String, Object> headers) {
    if (headers == null) {
      return null;
    }
    Object marked = headers.get(REFUSED);
    if (marked != null) {
      return "headers removed by the reader: " + marked;
    }
    List<String> deep = tooDeep(headers);
    return deep.isEmpty()
        ? null
        : "headers nested deeper than " + MAX_DEPTH + " levels: " + String.join(", ", deep);
  }

  /**
   * A copy of the headers that is safe to publish again: every value nested deeper than {@link
   * #MAX_DEPTH} replaced by nothing and named in {@link #REFUSED}. Iterative.
   *
   * @param headers the headers, or null
   * @return {@code headers} itself if nothing was too deep, else a new mutable map
   */
  public static Map<String, Object> sanitise(Map<String, Object> headers) {
    if (headers == null) {
      return null;
    }
    List<String> deep = tooDeep(headers);
    if (deep.isEmpty()) {
      return headers;
    }
    Map<String, Object> safe = new LinkedHashMap<>(headers);
    for (String name : deep) {
      safe.remove(name);
    }
    safe.put(
        REFUSED,
        deep.stream()
            .map(n -> "'" + n + "' (nested deeper than " + MAX_DEPTH + " levels)")
            .reduce((a, b) -> a + ", " + b)
            .orElseThrow());
    return safe;
  }

  private static List<String> tooDeep(Map<String, Object> headers) {
    List<String> deep = new ArrayList<>();
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      if (depthExceeds(e.getValue())) {
        deep.add(e.getKey());
      }
    }
    return deep;
  }

  /** Whether a decoded value nests tables (maps) and arrays (lists) deeper than the limit. */
  private static boolean depthExceeds(Object value) {
    // Breadth first, one level of containers at a time: iterative, whatever the depth.
    List<Object> level = new ArrayList<>();
    addIfContainer(level, value);
    for (int depth = 1; !level.isEmpty(); depth++) {
      if (depth > MAX_DEPTH) {
        return true;
      }
      List<Object> next = new ArrayList<>();
      for (Object v : level) {
        if (v instanceof Map<?, ?> m) {
          m.values().forEach(c -> addIfContainer(next, c));
        } else if (v instanceof List<?> l) {
          l.forEach(c -> addIfContainer(next, c));
        } else {
          for (Object c : (Object[]) v) {
            addIfContainer(next, c);
          }
        }
      }
      level = next;
    }
    return false;
  }

  private static void addIfContainer(List<Object> into, Object v) {
    if (v instanceof Map || v instanceof List || v instanceof Object[]) {
      into.add(v);
    }
  }
}
