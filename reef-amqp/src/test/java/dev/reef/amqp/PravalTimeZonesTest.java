package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Frame;
import dev.reef.Spore;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 item 11: Python Praval hosts outside UTC write naive local times. Reading infers the
 * sending host's UTC offset, to the quarter hour, from the absolute AMQP {@code timestamp}
 * property; writing for a Praval channel can use the Praval hosts' zone. Checked with the recorded
 * frames shifted to several offsets.
 */
class PravalTimeZonesTest {
  private static final long MAX_BODY = 16L * 1024 * 1024;
  private static final List<String> OFFSETS =
      List.of("-05:00", "+05:30", "Z", "+14:00", "-12:00", "+05:45", "-03:30", "+12:45", "-09:30");

  private final AmqpSporeMapper mapper = new AmqpSporeMapper();

  static Stream<Arguments> casesAtOffsets() {
    return PravalWireFixture.cases().stream()
        .flatMap(c -> OFFSETS.stream().map(o -> Arguments.of(c, o)));
  }

  @ParameterizedTest(name = "{0} at UTC{1}")
  @MethodSource("casesAtOffsets")
  void timesReadFromAPravalHostAtAnyOffsetAreTheTrueInstants(String name, String offset)
      throws Exception {
    PravalWireFixture f = PravalWireFixture.load(name);
    AMQP.BasicProperties shifted = f.atOffset(ZoneOffset.of(offset), Duration.ZERO);

    Spore s = mapper.decode(f.routingKey, shifted, f.body, MAX_BODY);

    assertThat(s.createdAt()).as("created_at").isEqualTo(f.original.createdAt());
    assertThat(s.expiresAt()).as("expires_at").isEqualTo(f.original.expiresAt());
  }

  @Test
  void aRequestFromUtcMinus5IsNotExpiredAndExpiresWhenPravalMeantIt() throws Exception {
    PravalWireFixture f = PravalWireFixture.load("request"); // expires 60 s after created
    Instant now = Instant.now();
    Duration toNow =
        Duration.ofSeconds(now.getEpochSecond() - f.original.createdAt().getEpochSecond());
    AMQP.BasicProperties props = f.atOffset(ZoneOffset.ofHours(-5), toNow);

    Spore s = mapper.decode(f.routingKey, props, f.body, MAX_BODY);

    assertThat(s.isExpired(now)).isFalse();
    assertThat(s.isExpired(now.plusSeconds(61))).isTrue();
    assertThat(Duration.between(s.createdAt(), now).abs()).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aNaiveTimeWithoutATimestampOrOffByNoQuarterHourIsReadAsUtc() throws Exception {
    PravalWireFixture f = PravalWireFixture.load("tracing-ids");
    AMQP.BasicProperties noStamp = f.properties.builder().timestamp(null).build();
    assertThat(mapper.decode(f.routingKey, noStamp, f.body, MAX_BODY).createdAt())
        .isEqualTo(f.original.createdAt());
    for (long skew : new long[] {7 * 60, 3600 + 20, 15 * 3600}) {
      Date stamp = new Date(f.properties.getTimestamp().getTime() - skew * 1000);
      AMQP.BasicProperties odd = f.properties.builder().timestamp(stamp).build();
      assertThat(mapper.decode(f.routingKey, odd, f.body, MAX_BODY).createdAt())
          .as("timestamp %s s off", skew)
          .isEqualTo(f.original.createdAt());
    }
  }

  @Test
  void theReefLayoutWithItsOffsetIsNeverShifted() throws Exception {
    Spore spore = PravalWireFixture.load("full").original;
    AmqpSporeMapper.Outgoing out =
        mapper.encode(spore, dev.reef.amqp.HeaderLayout.REEF, true, Instant.now());
    // even a timestamp property far off leaves times with an offset alone
    AMQP.BasicProperties props =
        throughTheWire(out.properties()).builder().timestamp(new Date(0)).build();
    Spore back = mapper.decode(out.routingKey(), props, out.body(), MAX_BODY);
    assertThat(back.createdAt()).isEqualTo(spore.createdAt());
    assertThat(back.expiresAt()).isEqualTo(spore.expiresAt());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zones")
  void aPravalChannelWritesTheWallClockOfItsZoneAsAPravalHostThereWould(String zoneId)
      throws Exception {
    ZoneId zone = ZoneId.of(zoneId);
    for (String name : PravalWireFixture.cases()) {
      PravalWireFixture f = PravalWireFixture.load(name);
      Spore spore = f.original;
      ZoneOffset offset = zone.getRules().getOffset(spore.createdAt());

      AmqpSporeMapper.Outgoing out =
          mapper.encode(spore, HeaderLayout.PRAVAL, zone, true, spore.createdAt(), 0);
      AMQP.BasicProperties wire = throughTheWire(out.properties());

      // what a Praval host at that offset wrote: the recorded frame, shifted
      AMQP.BasicProperties praval = f.atOffset(offset, Duration.ZERO);
      for (String h : List.of("created_at", "expires_at")) {
        assertThat(wire.getHeaders().get(h).toString())
            .as(name + " " + h)
            .isEqualTo(praval.getHeaders().get(h).toString());
      }
      assertThat(wire.getTimestamp()).as(name + " timestamp").isEqualTo(praval.getTimestamp());
      // and Reef reads its own zoned writing back to the same instants
      assertThat(mapper.decode(out.routingKey(), wire, out.body(), MAX_BODY)).isEqualTo(spore);
    }
  }

  static List<String> zones() {
    return List.of(
        "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Asia/Kathmandu");
  }

  private static AMQP.BasicProperties throughTheWire(AMQP.BasicProperties props)
      throws IOException {
    Frame frame = props.toFrame(1, 0);
    DataInputStream in = frame.getInputStream();
    in.readUnsignedShort();
    return new AMQP.BasicProperties(in);
  }
}
