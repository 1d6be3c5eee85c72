package io.gatekit.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds credentials by their well-known shapes (AWS access key ids, GitHub, Google, OpenAI and Slack tokens, JWTs,
 * PEM private keys) and, when entropy detection is on, any token random enough to be one.
 *
 * <p>Patterns for open-ended tokens start with a lookbehind on their own alphabet and match runs possessively, so a
 * text made of one repeated prefix is scanned once, not once per position. A private key is found as its whole
 * PEM block, BEGIN line to END line (within {@link #MAX_PEM_CHARS}); without an END line, the BEGIN line and the
 * base64 lines after it.
 */
final class SecretsDetector implements Detector {
    static final String AWS = "aws_access_keys";
    static final String GITHUB = "github_tokens";
    static final String GOOGLE = "google_api_keys";
    static final String JWT = "jwt_tokens";
    static final String OPENAI = "openai_api_keys";
    static final String SLACK = "slack_tokens";
    static final String SSH_KEY = "ssh_private_keys";
    static final String PRIVATE_KEY = "private_keys";
    /** What entropy detection reports. */
    static final String HIGH_ENTROPY = "high_entropy";
    /** Every kind, in the order configs list them; all on by default except {@link #PRIVATE_KEY}. */
    static final List<String> TYPES = List.of(AWS, GITHUB, GOOGLE, JWT, OPENAI, SLACK, SSH_KEY, PRIVATE_KEY);

    static final int MAX_PEM_CHARS = 64 * 1024;
    /** Entropy is measured on tokens of at most this many characters (longer runs are cut into such pieces). */
    static final int MAX_TOKEN = 200;

    /** A kind of secret, the literal every one starts with (a cheap test before the pattern), and its pattern. */
    private record Shape(String type, Needles prefix, Pattern pattern) {
        Shape(String type, String prefixes, String regex) {
            this(type, Needles.of(prefixes), Pattern.compile(regex));
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape(AWS, "AKIA", "AKIA[0-9A-Z]{16}"),
            new Shape(GITHUB, "ghp_|gho_|ghu_|ghs_|ghr_", "gh[pousr]_[0-9A-Za-z]{36}"),
            new Shape(GOOGLE, "AIza", "AIza[0-9A-Za-z_-]{35}"),
            new Shape(JWT, "eyJ", "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++"),
            new Shape(OPENAI, "sk-", "(?<![A-Za-z0-9_-])sk-(?:proj-|admin-)?[A-Za-z0-9_-]{20,}+"),
            new Shape(SLACK, "xox", "(?<![A-Za-z0-9-])xox[bpars]-[0-9A-Za-z-]{10,}+"));
    private static final Map<String, SpanPattern> PEM_BLOCKS = Map.of(
            SSH_KEY, pem("(?:RSA|DSA|EC|OPENSSH) PRIVATE KEY"),
            PRIVATE_KEY, pem("(?:ENCRYPTED )?PRIVATE KEY"));
    private static final Pattern PEM_BODY = Pattern.compile("[A-Za-z0-9+/=\\s]{0," + MAX_PEM_CHARS + "}+");
    private static final Pattern TOKEN_RUN = Pattern.compile("(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]++");

    private final List<Shape> shapes;
    private final List<Map.Entry<String, SpanPattern>> pemBlocks;
    private final Entropy entropy;

    /** Entropy detection's settings; {@code enabled} false turns it off. */
    record Entropy(boolean enabled, double threshold, int minLength) {}

    SecretsDetector(Set<String> enabled, Entropy entropy) {
        this.shapes = SHAPES.stream().filter(shape -> enabled.contains(shape.type())).toList();
        this.pemBlocks = TYPES.stream().filter(t -> enabled.contains(t) && PEM_BLOCKS.containsKey(t))
                .map(t -> Map.entry(t, PEM_BLOCKS.get(t))).toList();
        this.entropy = entropy;
    }

    private static SpanPattern pem(String label) {
        return new SpanPattern(Pattern.compile("-----BEGIN " + label + "-----"), null,
                Pattern.compile("-----END " + label + "-----"), MAX_PEM_CHARS);
    }

    @Override
    public void find(String text, List<Finding> found) {
        findShapes(text, found);
        if (entropy.enabled()) {
            findRandomTokens(text, found);
        }
    }

    /** Decoded base64 is checked for the known shapes only, as the Python Gatekit does. */
    @Override
    public void findDecoded(String text, List<Finding> found) {
        findShapes(text, found);
    }

    private void findShapes(String text, List<Finding> found) {
        for (Shape shape : shapes) {
            if (!shape.prefix().in(text)) {
                continue;
            }
            for (Matcher m = shape.pattern().matcher(text); m.find(); ) {
                found.add(new Finding(shape.type(), m.start(), m.end()));
            }
        }
        if (!pemBlocks.isEmpty() && text.contains("-----BEGIN ")) {
            for (Map.Entry<String, SpanPattern> block : pemBlocks) {
                block.getValue().find(text, (start, end, closed) ->
                        found.add(new Finding(block.getKey(), start, closed ? end : bodyEnd(text, end))));
            }
        }
    }

    /** Where the base64 lines after an unclosed BEGIN line end. */
    private static int bodyEnd(String text, int from) {
        Matcher body = PEM_BODY.matcher(text).region(from, text.length());
        return body.lookingAt() ? body.end() : from;
    }

    /**
     * Tokens (runs of base64 and URL-safe characters, at least {@code min_length} long, cut at
     * {@link #MAX_TOKEN}) whose Shannon entropy reaches the threshold, unless a known shape already covers them or
     * they are a data URL's payload.
     */
    private void findRandomTokens(String text, List<Finding> found) {
        List<Finding> known = TextScanner.merged(new ArrayList<>(found));
        int next = 0;
        for (Matcher run = TOKEN_RUN.matcher(text); run.find(); ) {
            for (int start = run.start(); run.end() - start >= entropy.minLength(); start += MAX_TOKEN) {
                int end = Math.min(run.end(), start + MAX_TOKEN);
                while (next < known.size() && known.get(next).end() <= start) {
                    next++;
                }
                boolean covered = next < known.size() && known.get(next).start() < end;
                if (!covered && end - start >= entropy.minLength()
                        && shannonEntropy(text, start, end) >= entropy.threshold()
                        && !Base64Content.isDataUrlPayload(text, run.start())) {
                    found.add(new Finding(HIGH_ENTROPY, start, end));
                }
            }
        }
    }

    /** Bits per character of {@code text[start, end)}, which holds only ASCII characters. */
    static double shannonEntropy(CharSequence text, int start, int end) {
        int[] counts = new int[128];
        for (int i = start; i < end; i++) {
            counts[text.charAt(i) & 0x7F]++;
        }
        double length = end - start;
        double bits = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = count / length;
                bits -= p * Math.log(p);
            }
        }
        return bits / Math.log(2);
    }
}
