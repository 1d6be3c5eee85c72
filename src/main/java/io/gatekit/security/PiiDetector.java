package io.gatekit.security;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data: e-mail addresses, US phone numbers, payment card numbers (Visa, Mastercard, American
 * Express, Discover; each must pass {@link Luhn}), IPv4 and IPv6 addresses, and national identifiers (US SSN, UK
 * National Insurance number, Canadian SIN), each kind only when enabled.
 *
 * <p>Every pattern is linear: runs are matched possessively and anchored by lookbehinds to their first character,
 * so no text makes the engine try a run again from each of its positions.
 */
final class PiiDetector implements Detector {
    static final String EMAIL = "email";
    static final String PHONE = "phone";
    static final String CREDIT_CARD = "credit_card";
    static final String IP_ADDRESS = "ip_address";
    static final String NATIONAL_ID = "national_id";
    /** Every kind, in the order configs list them. */
    static final List<String> TYPES = List.of(EMAIL, PHONE, CREDIT_CARD, IP_ADDRESS, NATIONAL_ID);

    /** Local part (at most 64, as RFC 5321 allows), then labels and a top-level domain of letters. */
    private static final Pattern EMAIL_ADDRESS = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@(?:[A-Za-z0-9-]{1,63}+\\.){1,8}[A-Za-z]{2,63}+\\b");
    /** (555) 123-4567, 555-123-4567, 555.123.4567: US formats only. */
    private static final Pattern US_PHONE = Pattern.compile(
            "(?<!\\d)(?:\\(\\d{3}\\)\\s?\\d{3}-\\d{4}|\\d{3}-\\d{3}-\\d{4}|\\d{3}\\.\\d{3}\\.\\d{4})(?!\\d)");
    /** 16 digits (Visa 4, Mastercard 51-55, Discover 6011) or 15 (Amex 34/37), bare or grouped 4-4-4-4 / 4-6-5. */
    private static final Pattern CARD = Pattern.compile(
            "\\b(?:(?:4\\d{3}|5[1-5]\\d{2}|6011)(?:\\d{12}|[\\s-]\\d{4}[\\s-]\\d{4}[\\s-]\\d{4})"
                    + "|3[47]\\d{2}(?:\\d{11}|[\\s-]\\d{6}[\\s-]\\d{5}))\\b");
    private static final Pattern IPV4 = Pattern.compile("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    /** A run of hex digits and colons standing alone; {@link #isIpv6} decides. */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile("(?<![\\w:.])[0-9A-Fa-f:]{3,39}+(?![\\w:.])");
    /** US SSN 123-45-6789, UK NI AB 12 34 56 C, Canadian SIN 123-456-789. */
    private static final Pattern NATIONAL = Pattern.compile(
            "\\b(?:\\d{3}-\\d{2}-\\d{4}|[A-Z]{2}\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[A-Z]|\\d{3}-\\d{3}-\\d{3})\\b");

    private final boolean email;
    private final boolean phone;
    private final boolean card;
    private final boolean ip;
    private final boolean national;

    PiiDetector(Set<String> enabled) {
        this.email = enabled.contains(EMAIL);
        this.phone = enabled.contains(PHONE);
        this.card = enabled.contains(CREDIT_CARD);
        this.ip = enabled.contains(IP_ADDRESS);
        this.national = enabled.contains(NATIONAL_ID);
    }

    /**
     * Each pattern runs only on text that holds what any of its matches must: an {@code @}, enough ASCII digits
     * ({@code \d} is ASCII here), a dot or a colon. Most values hold none of it, and then no matcher is made.
     */
    @Override
    public void find(String text, List<Finding> found) {
        if (email && text.indexOf('@') >= 0) {
            all(EMAIL_ADDRESS, EMAIL, text, found);
        }
        int digits = digitsUpTo(text, CARD_DIGITS);
        if (phone && digits >= PHONE_DIGITS && (text.indexOf('-') >= 0 || text.indexOf('.') >= 0)) {
            all(US_PHONE, PHONE, text, found);
        }
        if (card && digits >= CARD_DIGITS) {
            for (Matcher m = CARD.matcher(text); m.find(); ) {
                if (Luhn.valid(text.subSequence(m.start(), m.end()))) {
                    found.add(new Finding(CREDIT_CARD, m.start(), m.end()));
                }
            }
        }
        if (ip && (digits >= IPV4_DIGITS || text.indexOf(':') >= 0)) {
            ipAddresses(text, found);
        }
        if (national && digits >= NATIONAL_DIGITS) {
            all(NATIONAL, NATIONAL_ID, text, found);
        }
    }

    /** The fewest ASCII digits a match holds: a card 15 (Amex), a phone 10, an IPv4 address 4, a national id 6 (UK NI). */
    private static final int CARD_DIGITS = 15;
    private static final int PHONE_DIGITS = 10;
    private static final int IPV4_DIGITS = 4;
    private static final int NATIONAL_DIGITS = 6;

    /** How many ASCII digits {@code text} holds, counting no further than {@code enough}. */
    private static int digitsUpTo(String text, int enough) {
        int count = 0;
        for (int i = 0, length = text.length(); i < length && count < enough; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                count++;
            }
        }
        return count;
    }

    private static void all(Pattern pattern, String type, String text, List<Finding> found) {
        for (Matcher m = pattern.matcher(text); m.find(); ) {
            found.add(new Finding(type, m.start(), m.end()));
        }
    }

    private static void ipAddresses(String text, List<Finding> found) {
        if (text.indexOf('.') >= 0) {
            for (Matcher m = IPV4.matcher(text); m.find(); ) {
                if (octet(m.group(1)) && octet(m.group(2)) && octet(m.group(3)) && octet(m.group(4))) {
                    found.add(new Finding(IP_ADDRESS, m.start(), m.end()));
                }
            }
        }
        if (text.indexOf(':') >= 0) {
            for (Matcher m = IPV6_CANDIDATE.matcher(text); m.find(); ) {
                if (isIpv6(text, m.start(), m.end())) {
                    found.add(new Finding(IP_ADDRESS, m.start(), m.end()));
                }
            }
        }
    }

    private static boolean octet(String digits) {
        return Integer.parseInt(digits) <= 255;
    }

    /**
     * Whether {@code text[start, end)} is an IPv6 address: eight groups of 1-4 hex digits, or fewer around one
     * {@code ::}. A compressed form needs two groups and a decimal digit, so that {@code ::1}, {@code Face::Bad}
     * and the like in code are not taken for addresses.
     */
    static boolean isIpv6(CharSequence text, int start, int end) {
        int groups = 0;
        int groupLength = 0;
        boolean compressed = false;
        boolean digit = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                if (i + 1 < end && text.charAt(i + 1) == ':') {
                    if (compressed || (i + 2 < end && text.charAt(i + 2) == ':')) {
                        return false;
                    }
                    compressed = true;
                    if (groupLength > 0) {
                        groups++;
                    }
                    groupLength = 0;
                    i++;
                    continue;
                }
                if (groupLength == 0) {
                    return false; // a lone leading colon or an empty group
                }
                groups++;
                groupLength = 0;
                continue;
            }
            if (++groupLength > 4) {
                return false;
            }
            digit |= c >= '0' && c <= '9';
        }
        if (groupLength > 0) {
            groups++;
        } else if (!compressed || text.charAt(end - 1) != ':' || text.charAt(end - 2) != ':') {
            return false; // a trailing single colon
        }
        return compressed ? groups >= 2 && groups <= 7 && digit : groups == 8;
    }

}
