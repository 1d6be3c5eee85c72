package io.gatekit.jsonrpc;

import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The MCP revisions the gateway speaks, on both faces. Two eras: the legacy (handshake) era, 2024-11-05 to
 * 2025-11-25, opens with {@code initialize} and keeps a session; the modern era, from 2026-07-28, is stateless
 * (each request carries its envelope in {@code _meta}).
 */
public final class ProtocolVersions {
    /** The first modern revision. */
    public static final String MODERN = "2026-07-28";
    /** The newest legacy revision: what the gateway asks for in {@code initialize} and offers by default. */
    public static final String LATEST_LEGACY = "2025-11-25";
    /** Modern revisions spoken, newest first. */
    public static final List<String> MODERN_VERSIONS = List.of(MODERN);
    /** Legacy revisions spoken, newest first. */
    public static final List<String> LEGACY_VERSIONS = List.of(LATEST_LEGACY, "2025-06-18", "2025-03-26", "2024-11-05");
    /** Every revision spoken, newest first: what {@code server/discover} lists and an unsupported version is told. */
    public static final List<String> ALL = Stream.concat(MODERN_VERSIONS.stream(), LEGACY_VERSIONS.stream()).toList();

    private ProtocolVersions() {}

    /**
     * Whether {@code version} belongs to the modern era, spoken or not: revisions are dates, so later ones compare
     * greater as strings.
     */
    public static boolean isModernEra(@Nullable String version) {
        return version != null && version.compareTo(MODERN) >= 0;
    }

    /** The version a legacy {@code initialize} asking for {@code requested} gets: that one if spoken, else the latest. */
    public static String negotiateLegacy(@Nullable String requested) {
        return requested != null && LEGACY_VERSIONS.contains(requested) ? requested : LATEST_LEGACY;
    }
}
