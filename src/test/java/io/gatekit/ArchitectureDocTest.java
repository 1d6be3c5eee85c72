package io.gatekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md promises to be kept true to the code; this keeps it from naming classes that are gone.
 * Every backticked identifier shaped like a Java type name ({@code HttpFace}, {@code session.SubscriptionFilter},
 * {@code Decoded.Invalid}, {@code Gateway.open}, {@code Admitted(Permit)}) must be a type declared in the sources,
 * nested types included.
 */
class ArchitectureDocTest {
    /** Optional lower-case package prefix, the type, an optional nested type, then a member or an argument list. */
    private static final Pattern TYPE_REFERENCE = Pattern.compile(
            "(?:[a-z][a-z0-9]*\\.)*([A-Z][A-Za-z0-9]*)(?:\\.([A-Z][A-Za-z0-9]*))?(?:\\.[a-z]\\w*|\\([^)]*\\))?");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern DECLARATION = Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)");
    /** Capitalised words the page uses in backticks that are not our types: HTTP headers and Jetty's API. */
    private static final Set<String> NOT_TYPES = Set.of("Accept", "Host", "Origin", "Handler");

    @Test
    void everyClassTheArchitectureNamesExists() throws IOException {
        Set<String> declared = declaredTypes(Path.of("src/main/java"));
        declared.addAll(declaredTypes(Path.of("src/test/java"))); // the page names a few test classes as evidence
        Set<String> missing = new TreeSet<>();
        for (String name : namedTypes(Files.readString(Path.of("docs/ARCHITECTURE.md")))) {
            if (!declared.contains(name)) {
                missing.add(name);
            }
        }
        assertThat(missing).as("types docs/ARCHITECTURE.md names that no source declares").isEmpty();
    }

    @Test
    void theScanSeesTheShapesThePageUses() {
        assertThat(namedTypes("`session.SubscriptionFilter`, `Decoded.Invalid`, `Gateway.open`, `Admitted(Permit)`,"
                + " `Mcp-Session-Id`, `GET`, `tools/call`, `Host`, `ttlMs`"))
                .containsExactlyInAnyOrder("SubscriptionFilter", "Decoded", "Invalid", "Gateway", "Admitted");
    }

    private static Set<String> namedTypes(String markdown) {
        Set<String> names = new TreeSet<>();
        Matcher span = BACKTICKED.matcher(markdown);
        while (span.find()) {
            Matcher reference = TYPE_REFERENCE.matcher(span.group(1).strip());
            if (reference.matches()) {
                for (int group = 1; group <= 2; group++) {
                    String name = reference.group(group);
                    // all capitals is an HTTP method or an acronym, not a type name
                    if (name != null && !name.equals(name.toUpperCase(java.util.Locale.ROOT)) && !NOT_TYPES.contains(name)) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static Set<String> declaredTypes(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher declaration = DECLARATION.matcher(Files.readString(file));
                while (declaration.find()) {
                    names.add(declaration.group(1));
                }
            }
        }
        return names;
    }
}
