package io.gatekit.config;

/**
 * A token-bucket rate limit ({@code rate_limit: {requests_per_second, burst}}): tokens refill continuously at
 * {@code requestsPerSecond}, at most {@code burst} are kept, and each request takes one.
 *
 * @param requestsPerSecond the sustained rate; decimals allowed (0.5 is one request every two seconds)
 * @param burst how many requests may arrive at once after a quiet spell, at least 1; default: the rate rounded up
 */
public record RateLimitConfig(double requestsPerSecond, int burst) {

    static final double MAX_REQUESTS_PER_SECOND = 1_000_000;

    public RateLimitConfig {
        if (!(requestsPerSecond > 0) || requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
            throw new IllegalArgumentException("requests_per_second must be > 0 and <= 1000000, got " + requestsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
    }

    /** The burst a limit gets when the config names none: one second's worth, at least one request. */
    static int defaultBurst(double requestsPerSecond) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(requestsPerSecond)));
    }

    /** How the limit reads in messages: "5 requests/s, burst 10". */
    public String describe() {
        String rate = requestsPerSecond == Math.rint(requestsPerSecond)
                ? Long.toString((long) requestsPerSecond) : Double.toString(requestsPerSecond);
        return rate + " requests/s, burst " + burst;
    }
}
