package io.gatekit.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

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

    /** The median with the range over rounds, e.g. {@code 41234 (40100-43002)}; "n/a" when empty. */
    static String spread(double[] values, String format) {
        double[] finite = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (finite.length == 0) {
            return "n/a";
        }
        return f(format + " (" + format + "-" + format + ")", median(finite), finite[0], finite[finite.length - 1]);
    }

    /** Per-round ratios {@code metric(a[i]) / metric(b[i])} of two variants measured in the same rounds. */
    static <T> double[] ratios(List<T> a, List<T> b, ToDoubleFunction<T> metric) {
        double[] ratios = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = metric.applyAsDouble(a.get(i)) / metric.applyAsDouble(b.get(i));
        }
        return ratios;
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
