package io.gatekit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grouped horizontal bar chart as a standalone SVG file, for docs/BENCHMARKS.md: one group per category (a row
 * label such as "128 in flight"), one bar per series (such as "direct" and "gatekit"), each bar labelled with its
 * value. Plain SVG 1.1 with inline styles, so that GitHub and any browser show it without scripts or fonts.
 */
final class SvgChart {
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"};
    private static final int WIDTH = 760;
    private static final int LABEL_WIDTH = 170;
    private static final int BAR_HEIGHT = 16;
    private static final int GROUP_GAP = 14;
    private static final int TOP = 44;

    private final String title;
    private final String unit;
    private final Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    private final List<String> series = new ArrayList<>();

    SvgChart(String title, String unit) {
        this.title = title;
        this.unit = unit;
    }

    /** Adds one bar: {@code value} of {@code seriesName} in {@code category}; NaN values are left out. */
    SvgChart bar(String category, String seriesName, double value) {
        if (!series.contains(seriesName)) {
            series.add(seriesName);
        }
        if (!Double.isNaN(value)) {
            groups.computeIfAbsent(category, c -> new LinkedHashMap<>()).put(seriesName, value);
        }
        return this;
    }

    String title() {
        return title;
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    String render() {
        double max = groups.values().stream().flatMap(m -> m.values().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        double scale = (WIDTH - LABEL_WIDTH - 90) / (max <= 0 ? 1 : max);
        int groupHeight = series.size() * BAR_HEIGHT + GROUP_GAP;
        int height = TOP + groups.size() * groupHeight + 24 + 18 * ((series.size() + 3) / 4);
        StringBuilder svg = new StringBuilder(4096);
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" fill=\"#555555\">%s</text>%n", escape(unit)));
        int y = TOP;
        for (Map.Entry<String, Map<String, Double>> group : groups.entrySet()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n",
                    y + series.size() * BAR_HEIGHT / 2 + 4, escape(group.getKey())));
            for (int s = 0; s < series.size(); s++) {
                Double value = group.getValue().get(series.get(s));
                int barY = y + s * BAR_HEIGHT;
                if (value != null) {
                    int w = (int) Math.max(1, Math.round(value * scale));
                    svg.append(String.format(Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                            LABEL_WIDTH, barY + 1, w, BAR_HEIGHT - 2, COLOURS[s % COLOURS.length]));
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                            LABEL_WIDTH + w + 4, barY + BAR_HEIGHT - 4, escape(number(value))));
                }
            }
            y += groupHeight;
        }
        for (int s = 0; s < series.size(); s++) {
            int x = 10 + (s % 4) * 180;
            int legendY = y + 8 + (s / 4) * 18;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, legendY, COLOURS[s % COLOURS.length]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 17, legendY + 10,
                    escape(series.get(s))));
        }
        return svg.append("</svg>\n").toString();
    }

    /** A value with as many digits as it deserves: 12345, 123.4, 1.23, 0.012. */
    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 0.1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
