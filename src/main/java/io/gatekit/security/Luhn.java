package io.gatekit.security;

/** The Luhn (mod 10) check digit test that every real payment card number passes. */
final class Luhn {
    private Luhn() {}

    /** Whether the ASCII digits of {@code number} (separators ignored) pass; fewer than two digits never do. */
    static boolean valid(CharSequence number) {
        int sum = 0;
        int digits = 0;
        for (int i = number.length() - 1; i >= 0; i--) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int digit = c - '0';
            if (digits % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            digits++;
        }
        return digits >= 2 && sum % 10 == 0;
    }
}
