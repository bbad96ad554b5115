package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.amqp.internal.WireTimes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireTimesTest {
  private static final DateTimeFormatter PRAVAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private static Instant general(String s) {
    TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(s);
    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
      return OffsetDateTime.from(t).toInstant();
    }
    return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
  }

  private static List<Instant> samples() {
    Random r = new Random(42);
    List<Instant> out = new java.util.ArrayList<>();
    out.add(Instant.EPOCH);
    out.add(Instant.parse("2026-11-22T00:48:20Z"));
    out.add(Instant.parse("2026-11-22T00:48:20.500Z"));
    out.add(Instant.parse("2026-11-22T00:48:20.000001Z"));
    out.add(Instant.parse("2026-11-22T00:48:20.000000001Z"));
    out.add(Instant.parse("2026-11-22T00:48:20.120Z"));
    out.add(Instant.parse("9999-12-31T23:59:59.999999999Z"));
    out.add(Instant.parse("0000-01-01T00:00:00Z"));
    for (int i = 0; i < 20_000; i++) {
      long sec = r.nextLong() % 253_402_300_799L;
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> r.nextInt(1000) * 1_000_000;
            case 2 -> r.nextInt(1_000_000) * 1000;
            default -> r.nextInt(1_000_000_000);
          };
      out.add(Instant.ofEpochSecond(Math.abs(sec), nanos));
    }
    return out;
  }

  @Test
  void isoUtcWritesExactlyWhatTheIsoFormatterWrites() {
    for (Instant t : samples()) {
      assertThat(WireTimes.isoUtc(t))
          .as("%s", t)
          .isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC)));
    }
  }

  @Test
  void pravalTimeWritesExactlyWhatThePatternAndMicrosecondsWrite() {
    for (Instant t : samples()) {
      LocalDateTime ldt = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
      int micros = ldt.getNano() / 1000;
      String expected = PRAVAL.format(ldt) + (micros == 0 ? "" : String.format(".%06d", micros));
      assertThat(WireTimes.pravalTime(t)).as("%s", t).isEqualTo(expected);
    }
  }

  @Test
  void yearsOutsideFourDigitsAreLeftToTheFormatters() {
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(WireTimes.isoUtc(far)).isNull();
    assertThat(WireTimes.pravalTime(far)).isNull();
    assertThat(AmqpSporeMapper.isoUtc(far)).isEqualTo("+10000-01-01T00:00:00Z");
  }

  @Test
  void parsesWhatItWritesAndAgreesWithTheGeneralParser() {
    for (Instant t : samples()) {
      String iso = WireTimes.isoUtc(t);
      String naive = WireTimes.pravalTime(t);
      assertThat(WireTimes.parse(iso)).isEqualTo(t).isEqualTo(general(iso));
      assertThat(WireTimes.parse(naive)).isEqualTo(general(naive));
    }
    for (String s :
        List.of(
            "2026-11-22T00:48:20+05:30",
            "2026-11-22T00:48:20.1-08:00",
            "2026-11-22T00:48:20.123456789+00:00",
            "2026-11-22T00:48:20-00:00")) {
      assertThat(WireTimes.parse(s)).as(s).isEqualTo(general(s));
    }
  }

  @Test
  void otherShapesFallBackToTheGeneralParser() {
    for (String s :
        List.of(
            "2026-11-22 00:48:20",
            "2026-11-22t00:48:20",
            "2026-11-22T00:48",
            "2026-11-22T00:48:20.",
            "2026-11-22T00:48:20.1234567891",
            "2026-11-22T00:48:20z",
            "2026-11-22T00:48:20+05",
            "2026-11-22T00:48:20+05:30:15",
            "2026-11-22T00:48:20Z[UTC]",
            "x026-11-22T00:48:20",
            "2026-11-22T00:48:2x",
            "")) {
      assertThat(WireTimes.parse(s)).as(s).isNull();
    }
  }

  @Test
  void outOfRangeFieldsAreRejectedLikeTheGeneralParserRejectsThem() {
    for (String s :
        List.of(
            "2026-13-01T00:00:00",
            "2026-02-29T00:00:00",
            "2026-11-22T24:00:00",
            "2026-11-22T00:60:00",
            "2026-11-22T00:00:60Z",
            "2026-11-22T00:00:00+19:00")) {
      assertThatThrownBy(() -> general(s)).as(s).isInstanceOf(DateTimeException.class);
      assertThatThrownBy(() -> WireTimes.parse(s)).as(s).isInstanceOf(DateTimeException.class);
    }
  }
}
