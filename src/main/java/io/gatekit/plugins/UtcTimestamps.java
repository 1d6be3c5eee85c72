package io.gatekit.plugins;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Instants as the texts audit records and traces show, in UTC, written digit by digit: a formatter costs more per
 * message than everything else an auditor does with a record. Years outside 0000-9999 (where ISO-8601 adds a sign)
 * go to the JDK's formatters.
 */
public final class UtcTimestamps {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** {@code uuuu-MM-ddTHH:mm:ss}: the part both forms share. */
    private static final int DATE_TIME = 19;

    private UtcTimestamps() {}

    /** {@code 2025-01-12T15:30:45.123456Z}: always six fraction digits (truncated), as the audit formats write. */
    public static String micros(Instant time) {
        int nanos = time.getNano();
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), nanos, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return MICROS.format(time);
        }
        char[] text = new char[DATE_TIME + 8];
        dateTime(text, t);
        text[DATE_TIME] = '.';
        digits(text, DATE_TIME + 1, 6, nanos / 1_000);
        text[DATE_TIME + 7] = 'Z';
        return new String(text);
    }

    /**
     * The time truncated to milliseconds as {@link Instant#toString} writes it: {@code 2026-03-04T05:06:07.891Z},
     * or {@code 2026-03-04T05:06:07Z} on a whole second.
     */
    public static String millis(Instant time) {
        int nanos = time.getNano();
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), nanos, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return time.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        int millis = nanos / 1_000_000;
        char[] text = new char[millis == 0 ? DATE_TIME + 1 : DATE_TIME + 5];
        dateTime(text, t);
        if (millis != 0) {
            text[DATE_TIME] = '.';
            digits(text, DATE_TIME + 1, 3, millis);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    private static void dateTime(char[] text, LocalDateTime t) {
        digits(text, 0, 4, t.getYear());
        text[4] = '-';
        digits(text, 5, 2, t.getMonthValue());
        text[7] = '-';
        digits(text, 8, 2, t.getDayOfMonth());
        text[10] = 'T';
        digits(text, 11, 2, t.getHour());
        text[13] = ':';
        digits(text, 14, 2, t.getMinute());
        text[16] = ':';
        digits(text, 17, 2, t.getSecond());
    }

    /** {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void digits(char[] text, int at, int width, int value) {
        int rest = value;
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
    }
}
