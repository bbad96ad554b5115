package dev.reef.codec;

import dev.reef.SporeValidationException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * The spore timestamp format ({@code created_at}, {@code expires_at}), shared by the JSON codec and
 * the AMQP headers.
 *
 * <p><b>Written</b> as ISO-8601 in UTC with an explicit {@code +00:00} offset and always six
 * fraction digits, for example {@code 2026-11-21T23:30:51.060797+00:00}: exactly what Python's
 * {@code datetime.now(timezone.utc).isoformat()} writes (with the fraction kept at microsecond 0),
 * so every Python from 3.7 on reads it with {@code datetime.fromisoformat}, which does not accept a
 * {@code Z} before Python 3.11. An instant with a sub-microsecond part gets nine fraction digits
 * instead, so that Java readers lose nothing (Python 3.11+ reads and truncates them). Years outside
 * 0000–9999 fall back to {@link Instant#toString()}.
 *
 * <p><b>Read</b>: {@code yyyy-MM-ddTHH:mm:ss} with an optional fraction of 1–9 digits and an
 * optional offset ({@code Z}, {@code +00:00}, {@code +0000}, {@code +05:30}, …). A timestamp
 * without an offset (Python's naive {@code isoformat()}, as written by the Python Praval reef) is
 * taken as UTC. A space instead of the {@code T} (Python's {@code str(datetime)}) is accepted.
 *
 * <p>Thread-safety: stateless.
 */
public final class Timestamps {
  private static final DateTimeFormatter PARSER =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMMss", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private Timestamps() {}

  /**
   * Formats an instant the way spores are written: {@code 2026-11-21T23:30:51.060797+00:00}.
   *
   * @param instant the instant, not null
   * @return the ISO-8601 text in UTC with a {@code +00:00} offset
   */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return instant.toString();
    }
    int nanos = instant.getNano();
    StringBuilder sb = new StringBuilder(35);
    pad(sb, year, 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('.');
    if (nanos % 1000 == 0) {
      pad(sb, nanos / 1000, 6);
    } else {
      pad(sb, nanos, 9);
    }
    return sb.append("+00:00").toString();
  }

  /**
   * Parses a spore timestamp. See the class documentation for the accepted forms; a timestamp
   * without an offset is taken as UTC.
   *
   * @param field the field to name in an error, for example {@code created_at}
   * @param text the timestamp text
   * @return the instant
   * @throws SporeValidationException naming {@code field} if the text is null or not such a
   *     timestamp
   */
  public static Instant parse(String field, String text) {
    if (text == null) {
      throw new SporeValidationException(field, "must be an ISO-8601 timestamp, was null");
    }
    String s = text;
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      TemporalAccessor parsed = PARSER.parse(s);
      LocalDateTime local = LocalDateTime.from(parsed);
      ZoneOffset offset =
          parsed.isSupported(ChronoField.OFFSET_SECONDS)
              ? ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS))
              : ZoneOffset.UTC;
      return local.toInstant(offset);
    } catch (DateTimeException e) {
      throw new SporeValidationException(
          field,
          "must be an ISO-8601 timestamp such as 2026-11-21T23:30:51.060797+00:00 (an offset-less"
              + " time is taken as UTC), was '"
              + abbreviate(text)
              + "'",
          e);
    }
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
