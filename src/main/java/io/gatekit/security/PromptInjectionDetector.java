package io.gatekit.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds crude prompt injection: text fenced as a system or admin message (delimiter injection), attempts to give
 * the model another role (role manipulation), and attempts to make it drop its instructions (context hijacking).
 * Stricter sensitivities add patterns with more false positives. Case-insensitive.
 *
 * <p>Phrases allow any run of whitespace between words, matched possessively; delimited blocks are
 * {@link SpanPattern}s. Both run in linear time on any text.
 */
final class PromptInjectionDetector implements Detector {
    static final String DELIMITER = "delimiter_injection";
    static final String ROLE = "role_manipulation";
    static final String CONTEXT = "context_hijacking";
    /** Every method, in the order configs list them. */
    static final List<String> METHODS = List.of(DELIMITER, ROLE, CONTEXT);

    /** How many patterns apply: {@code relaxed} only the most explicit, {@code strict} the most. */
    enum Sensitivity {
        RELAXED, STANDARD, STRICT;

        static Sensitivity of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private static final String W = "\\s++"; // between words
    private static final String INJECTION_WORDS = "system|admin|override|ignore";
    private static final String DISABLING_WORDS = "bypass|disable|cancel";
    /** Two quotes in a row, as every run of two or more contains. */
    private static final String QUOTES = "\"\"|''|\"'|'\"";

    /** A phrase pattern and the words (lower case) one of which it needs. */
    private record Phrase(Needles needles, Pattern pattern) {}

    /** A delimited block and the openers (lower case) one of which it needs. */
    private record Delimiter(Needles needles, SpanPattern span) {}

    private final List<Delimiter> delimiters;
    private final List<Phrase> roles;
    private final List<Phrase> contexts;

    PromptInjectionDetector(Sensitivity sensitivity, Set<String> methods) {
        this.delimiters = methods.contains(DELIMITER) ? delimiters(sensitivity) : List.of();
        this.roles = methods.contains(ROLE) ? roles(sensitivity) : List.of();
        this.contexts = methods.contains(CONTEXT) ? contexts(sensitivity) : List.of();
    }

    @Override
    public void find(String text, List<Finding> found) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Delimiter delimiter : delimiters) {
            if (delimiter.needles().in(lower)) {
                delimiter.span().find(text, (start, end, closed) -> {
                    if (closed) {
                        found.add(new Finding(DELIMITER, start, end));
                    }
                });
            }
        }
        all(roles, ROLE, text, lower, found);
        all(contexts, CONTEXT, text, lower, found);
    }

    private static void all(List<Phrase> phrases, String type, String text, String lower, List<Finding> found) {
        for (Phrase phrase : phrases) {
            if (!phrase.needles().in(lower)) {
                continue;
            }
            for (Matcher m = phrase.pattern().matcher(text); m.find(); ) {
                found.add(new Finding(type, m.start(), m.end()));
            }
        }
    }

    private static List<Delimiter> delimiters(Sensitivity sensitivity) {
        List<Delimiter> spans = new ArrayList<>();
        if (sensitivity == Sensitivity.RELAXED) {
            spans.add(tagged("[", "]", "system|admin"));
            spans.add(tagged("<", ">", "system|admin"));
            return List.copyOf(spans);
        }
        spans.add(fenced(QUOTES, "[\"']{3,}+", INJECTION_WORDS));
        spans.add(fenced("```", "```", INJECTION_WORDS));
        spans.add(fenced("~~~", "~~~", INJECTION_WORDS));
        spans.add(tagged("<", ">", "system|admin|instruction|override"));
        spans.add(tagged("[", "]", "system|admin|user|assistant"));
        if (sensitivity == Sensitivity.STRICT) {
            spans.add(fenced(QUOTES, "[\"']{2,}+", DISABLING_WORDS));
            spans.add(fenced("```", "```", DISABLING_WORDS));
        }
        return List.copyOf(spans);
    }

    /** {@code <name>...</name>} or {@code [name]...[/name]} for any of {@code names}. */
    private static Delimiter tagged(String left, String right, String names) {
        String l = Pattern.quote(left);
        String r = Pattern.quote(right);
        List<String> openers = Needles.of(names).words().stream().map(name -> left + name + right).toList();
        return new Delimiter(new Needles(openers),
                SpanPattern.of(l + "(?:" + names + ")" + r, null, l + "/(?:" + names + ")" + r));
    }

    /** A fence (quotes, backticks, tildes) around one of {@code words}. */
    private static Delimiter fenced(String needles, String fence, String words) {
        return new Delimiter(Needles.of(needles), SpanPattern.of(fence, words, fence));
    }

    private static List<Phrase> roles(Sensitivity sensitivity) {
        List<Phrase> phrases = new ArrayList<>();
        phrases.add(phrase("you are now operating as", W + "(?:root|admin|system)\\b"));
        if (sensitivity == Sensitivity.RELAXED) {
            phrases.add(phrase("you are now", W + "(?:an?" + W + ")?(?:admin|administrator|root|superuser|DAN)\\b"));
            return List.copyOf(phrases);
        }
        phrases.add(phrase("you are now|act as|pretend to be",
                W + "(?:an?" + W + ")?(?:admin|administrator|system|root|superuser|DAN)\\b"));
        phrases.add(phrase("ignore|disregard", W + "(?:previous|earlier|original)" + W + "(?:role|instructions|commands)\\b"));
        phrases.add(new Phrase(Needles.of("admin|system"), compile(
                "(?:as" + W + ")?(?:admin|administrator|system)\\s*+[:,]?\\s*+(?:execute|run|bypass)\\b")));
        phrases.add(phrase("with|using", W + "(?:elevated|admin|administrative|system)" + W + "(?:privileges|access|rights)\\b"));
        phrases.add(phrase("administrator mode", "\\s*+:"));
        phrases.add(phrase("act as if you are", W + "(?:an?)?\\s*+(?:security|admin|system)" + W + "(?:bypass|override)\\b"));
        if (sensitivity == Sensitivity.STRICT) {
            phrases.add(phrase("you are|act as", W + "(?:an?" + W + ")?(?:admin|administrator)\\b"));
            phrases.add(phrase("admin", W + "(?:mode|access|override)\\b"));
        }
        return List.copyOf(phrases);
    }

    private static List<Phrase> contexts(Sensitivity sensitivity) {
        List<Phrase> phrases = new ArrayList<>();
        if (sensitivity == Sensitivity.RELAXED) {
            phrases.add(phrase("ignore all previous instructions", "\\b"));
            phrases.add(phrase("forget everything", W + "(?:you|that)" + W + "(?:were|was)" + W + "told\\b"));
            phrases.add(phrase("override|bypass", W + words("all safety") + W + "(?:protocols|instructions|rules)\\b"));
            return List.copyOf(phrases);
        }
        phrases.add(phrase("ignore|disregard|forget", W + "(?:all" + W + ")?(?:previous|earlier|original|everything)?\\s*+"
                + "(?:instructions|commands|rules)\\b"));
        phrases.add(phrase("forget|ignore", W + "(?:everything|all)" + W + "(?:you|that|previous|above)\\b"));
        phrases.add(phrase("reset|clear", W + "(?:context|conversation|session|memory|all)\\b"));
        phrases.add(phrase("start|begin", W + "(?:fresh|new)" + W + "(?:and|then)" + W + "(?:ignore|reset|forget)\\b"));
        phrases.add(phrase("new|fresh", W + "(?:conversation|session)\\s*+[:,]\\s*+(?:reset|ignore|forget)\\b"));
        phrases.add(phrase("begin|start", W + "(?:new" + W + "session|fresh)" + W + "without" + W
                + "(?:restrictions|limitations|rules)\\b"));
        phrases.add(phrase("reset", W + "(?:context|all" + W + "parameters)" + W + words("and start over") + "\\b"));
        phrases.add(phrase("override|bypass|disable", W + "(?:all|safety|security)\\s*+(?:instructions|protocols|rules)?\\b"));
        phrases.add(phrase("override|bypass|disable", W + "(?:all|any)" + W + "(?:safety|security)" + W
                + "(?:instructions|protocols|rules)\\b"));
        phrases.add(phrase("start|begin", W + "(?:fresh|new|over)" + W + "(?:by|with)" + W
                + "(?:ignoring|forgetting|disregarding)" + W + "(?:all|everything|previous|instructions)\\b"));
        if (sensitivity == Sensitivity.STRICT) {
            phrases.add(phrase("ignore|forget", W + "(?:this|that|instructions)\\b"));
            phrases.add(phrase("new|fresh", W + "(?:conversation|session)\\b"));
        }
        return List.copyOf(phrases);
    }

    /**
     * A phrase that starts with one of {@code leads} (alternatives of one or more words) and goes on as
     * {@code rest}; the first word of each lead is what the text must contain.
     */
    private static Phrase phrase(String leads, String rest) {
        List<String> alternatives = List.of(leads.split("\\|"));
        List<String> firstWords = alternatives.stream()
                .map(lead -> lead.indexOf(' ') < 0 ? lead : lead.substring(0, lead.indexOf(' '))).distinct().toList();
        String lead = String.join("|", alternatives.stream().map(PromptInjectionDetector::words).toList());
        return new Phrase(new Needles(firstWords), compile("(?:" + lead + ")" + rest));
    }

    /** {@code phrase} with its single spaces standing for any run of whitespace. */
    private static String words(String phrase) {
        return phrase.replace(" ", W);
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }
}
