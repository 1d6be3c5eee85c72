package io.gatekit.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class UtcTimestampsTest {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final List<Instant> TIMES = List.of(Instant.EPOCH, Instant.parse("2025-01-12T15:30:45.123456789Z"),
            Instant.parse("2026-03-04T05:06:07.891Z"), Instant.parse("2024-02-29T23:59:59Z"),
            Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.parse("0001-01-01T00:00:00.000001Z"),
            Instant.parse("9999-12-31T23:59:59.5Z"), Instant.parse("+12345-06-07T08:09:10.011Z"));

    @Test
    void microsWritesWhatTheAuditFormattersPatternWrites() {
        for (Instant time : TIMES) {
            assertThat(UtcTimestamps.micros(time)).as(time.toString()).isEqualTo(MICROS.format(time));
        }
        assertThat(UtcTimestamps.micros(Instant.parse("2025-01-12T15:30:45.123456789Z"))).isEqualTo("2025-01-12T15:30:45.123456Z");
    }

    @Test
    void millisWritesWhatInstantWritesForTheTruncatedTime() {
        for (Instant time : TIMES) {
            assertThat(UtcTimestamps.millis(time)).as(time.toString())
                    .isEqualTo(time.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        assertThat(UtcTimestamps.millis(Instant.parse("2024-02-29T23:59:59Z"))).isEqualTo("2024-02-29T23:59:59Z");
    }
}
