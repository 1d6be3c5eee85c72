package io.gatekit.bench;

import java.util.Arrays;
import java.util.Locale;

/** Small statistics and formatting helpers for the benchmark. */
final class Stats {
    private Stats() {}

    /** Nearest-rank percentile of sorted values ({@code p} in 0..100); 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** The median (mean of the two middle values for an even count); NaN when empty. */
    static double median(double[] values) {
        double[] finite = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (finite.length == 0) {
            return Double.NaN;
        }
        int mid = finite.length / 2;
        return finite.length % 2 == 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String list(double[] values, String format) {
        StringBuilder text = new StringBuilder();
        for (double v : values) {
            text.append(text.isEmpty() ? "" : " ").append(f(format, v));
        }
        return text.toString();
    }
}
