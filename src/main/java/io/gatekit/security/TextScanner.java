package io.gatekit.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Scans one string value for a {@link Detector}: the text as it is and, when it holds disguised characters, its
 * {@link FoldedText} (findings mapped back to the original); the payload of a base64 data URL is skipped (file
 * data, only the header is scanned); base64 is decoded as the plugin asks. Findings are merged (overlaps keep the
 * one that starts first, then the longer) and counted into the {@link MessageScan}. Immutable.
 */
final class TextScanner {

    /** How a plugin treats base64. */
    enum Base64Mode {
        /** Not decoded. */
        OFF,
        /** Every run of base64 characters in a value is a candidate ({@code scan_base64: true}). */
        CANDIDATES,
        /** Only a value that is wholly base64, at least {@link #WHOLE_VALUE_MIN_LENGTH} long (prompt injection). */
        WHOLE_VALUES
    }

    static final int WHOLE_VALUE_MIN_LENGTH = 40;
    /** With base64 off, a value wholly of base64 longer than this is file data the PII filter leaves alone. */
    private static final int OPAQUE_BASE64_MIN_LENGTH = 21;
    private static final Comparator<Finding> BY_POSITION =
            Comparator.comparingInt(Finding::start).thenComparing(Comparator.comparingInt(Finding::end).reversed());

    private final Detector detector;
    private final Base64Mode base64;
    private final boolean skipsOpaqueBase64;

    /**
     * @param skipsOpaqueBase64 whether, with base64 off, a value that is wholly base64 is skipped as opaque data
     */
    TextScanner(Detector detector, Base64Mode base64, boolean skipsOpaqueBase64) {
        this.detector = detector;
        this.base64 = base64;
        this.skipsOpaqueBase64 = skipsOpaqueBase64;
    }

    /**
     * The findings in {@code text} that can be redacted in place, in order, not overlapping. Findings inside
     * decoded base64 are counted (as such) but not returned: they have no span in {@code text}.
     */
    List<Finding> scan(String text, MessageScan scan) {
        int headerEnd = Base64Content.dataUrlHeaderEnd(text);
        String scanned = headerEnd > 0 ? text.substring(0, headerEnd) : text;
        if (headerEnd < 0 && base64 == Base64Mode.OFF && skipsOpaqueBase64
                && Base64Content.isWhollyBase64(text, OPAQUE_BASE64_MIN_LENGTH)) {
            return List.of();
        }
        List<Finding> found = merged(findAll(scanned, false));
        found.forEach(finding -> scan.found(finding.type()));
        if (headerEnd < 0) {
            switch (base64) {
                case CANDIDATES -> Base64Content.eachDecodedCandidate(scanned, scan, decoded -> countDecoded(decoded, scan));
                case WHOLE_VALUES -> {
                    String decoded = Base64Content.decodeWhole(scanned, WHOLE_VALUE_MIN_LENGTH, scan);
                    if (decoded != null) {
                        countDecoded(decoded, scan);
                    }
                }
                case OFF -> { }
            }
        }
        return found;
    }

    private void countDecoded(String decoded, MessageScan scan) {
        merged(findAll(decoded, true)).forEach(finding -> scan.foundInBase64(finding.type()));
    }

    private List<Finding> findAll(String text, boolean decoded) {
        List<Finding> found = new ArrayList<>();
        find(text, decoded, found);
        FoldedText folded = FoldedText.of(text);
        if (folded != null) {
            List<Finding> disguised = new ArrayList<>();
            find(folded.text(), decoded, disguised);
            disguised.forEach(finding -> found.add(folded.toOriginal(finding)));
        }
        return found;
    }

    private void find(String text, boolean decoded, List<Finding> found) {
        if (decoded) {
            detector.findDecoded(text, found);
        } else {
            detector.find(text, found);
        }
    }

    /** {@code found} in order without overlaps: of two that overlap, the one that starts first (then the longer) stays. */
    static List<Finding> merged(List<Finding> found) {
        if (found.size() < 2) {
            return found;
        }
        found.sort(BY_POSITION);
        List<Finding> kept = new ArrayList<>(found.size());
        int end = -1;
        for (Finding finding : found) {
            if (finding.start() >= end) {
                kept.add(finding);
                end = finding.end();
            }
        }
        return kept;
    }

    /** {@code text} with each span of {@code findings} (ordered, not overlapping) replaced by its placeholder. */
    static String redact(String text, List<Finding> findings, Function<String, String> placeholder) {
        StringBuilder redacted = new StringBuilder(text.length());
        int from = 0;
        for (Finding finding : findings) {
            redacted.append(text, from, finding.start()).append(placeholder.apply(finding.type()));
            from = finding.end();
        }
        return redacted.append(text, from, text.length()).toString();
    }
}
