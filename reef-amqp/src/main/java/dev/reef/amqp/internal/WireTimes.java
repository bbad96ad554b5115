package dev.reef.amqp.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Allocation-light fast paths for the timestamps in AMQP headers, two per message each way. They
 * produce exactly what the {@link java.time.format.DateTimeFormatter}s of {@link SporeWireMapper}
 * produce, and parse the common shapes only; anything else returns null so that the caller falls
 * back to the general parser. Measured by {@code AmqpCodecBenchmark} in reef-benchmarks: the
 * formatters were the largest CPU cost of encoding and decoding a spore's headers.
 */
public final class WireTimes {
  private WireTimes() {}

  /**
   * As {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC))}: the
   * fraction with trailing zeros removed (none when zero), then {@code Z}.
   *
   * @return the text, or null for a year outside 0000–9999
   */
  public static String isoUtc(Instant t) {
    StringBuilder sb = dateTime(t);
    if (sb == null) {
      return null;
    }
    int nanos = t.getNano();
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      sb.append('.');
      pad(sb, nanos, digits);
    }
    return sb.append('Z').toString();
  }

  /**
   * As Python's naive {@code isoformat()} of the UTC time: six fraction digits, none when the
   * microseconds are zero.
   *
   * @return the text, or null for a year outside 0000–9999
   */
  public static String pravalTime(Instant t) {
    StringBuilder sb = dateTime(t);
    if (sb == null) {
      return null;
    }
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      sb.append('.');
      pad(sb, micros, 6);
    }
    return sb.toString();
  }

  private static StringBuilder dateTime(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = d.getYear();
    if (year < 0 || year > 9999) {
      return null;
    }
    StringBuilder sb = new StringBuilder(32);
    pad(sb, year, 4).append('-');
    pad(sb, d.getMonthValue(), 2).append('-');
    pad(sb, d.getDayOfMonth(), 2).append('T');
    pad(sb, d.getHour(), 2).append(':');
    pad(sb, d.getMinute(), 2).append(':');
    return pad(sb, d.getSecond(), 2);
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    for (int div = pow10(width - 1); div > 0; div /= 10) {
      sb.append((char) ('0' + (value / div) % 10));
    }
    return sb;
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1–9 digits and an optional {@code
   * Z} or {@code ±HH:MM} offset (none means UTC).
   *
   * @return the instant, or null if the text has another shape (the caller then uses the general
   *     parser)
   * @throws java.time.DateTimeException if the shape matches but a field is out of range (the
   *     general parser rejects those too)
   */
  public static Instant parse(String s) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset;
    if (i == n) {
      offset = ZoneOffset.UTC;
    } else if (s.charAt(i) == 'Z' && i + 1 == n) {
      offset = ZoneOffset.UTC;
    } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if ((oh | om) < 0) {
        return null;
      }
      offset =
          s.charAt(i) == '+'
              ? ZoneOffset.ofHoursMinutes(oh, om)
              : ZoneOffset.ofHoursMinutes(-oh, -om);
    } else {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The decimal value of {@code len} digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Whether an ISO-8601 date-time text has no offset (a "naive" time, as Python's {@code
   * isoformat()} writes for a naive {@code datetime}): nothing after the seconds is {@code Z},
   * {@code +} or {@code -}.
   *
   * @param s the text, trimmed
   * @return true if it has no offset
   */
  public static boolean isNaive(String s) {
    for (int i = Math.min(s.length(), 19); i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
        return false;
      }
    }
    return true;
  }
}
