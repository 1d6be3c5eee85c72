package io.gatekit.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling, as authentication established it: a subject and the claims that policy may read. Every client
 * is {@link #ANONYMOUS} until a face authenticates it (the slot exists so that plugins, audit and policy have
 * one place to read the caller from).
 *
 * <p>A JWT caller's claims are the token's (dates as epoch seconds); an API-key caller has {@code api_key} (the
 * key's name) and {@code scope}. {@link #scopes()} and {@link #groups()} read the usual claims for either.
 *
 * @param token the JWT the caller presented, for token exchange towards upstreams; null for any other caller
 */
public record Principal(String subject, Map<String, Object> claims, @Nullable BearerToken token) {
    public static final Principal ANONYMOUS = new Principal("", Map.of());

    public Principal {
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims);
    }

    /** A caller without an exchangeable token (an API key, the stdio principal, a restored session). */
    public Principal(String subject, Map<String, Object> claims) {
        this(subject, claims, null);
    }

    public boolean isAnonymous() {
        return subject.isEmpty();
    }

    /** The issuer that vouched for this caller ({@code iss}), or empty (an API key, or anonymous). */
    public String issuer() {
        return claims.get("iss") instanceof String iss ? iss : "";
    }

    /**
     * What identifies the caller across requests and tokens: issuer and subject. A session belongs to it, and the
     * per-caller admission limits count by it; two issuers' equal subjects are different callers.
     */
    public String callerKey() {
        return issuer() + '\u0000' + subject;
    }

    /** Whether {@code other} is the same caller (whatever token it presented this time). */
    public boolean sameCaller(Principal other) {
        return callerKey().equals(other.callerKey());
    }

    /** The granted scopes: the space-separated {@code scope} claim (RFC 9068), or an {@code scp} list or string. */
    public Set<String> scopes() {
        Set<String> scopes = new TreeSet<>();
        scopes.addAll(words(claims.get("scope")));
        scopes.addAll(words(claims.get("scp")));
        return Set.copyOf(scopes);
    }

    /** The caller's groups: the {@code groups} claim, a list or a space-separated string; empty without one. */
    public List<String> groups() {
        return words(claims.get("groups"));
    }

    private static List<String> words(@Nullable Object claim) {
        List<String> words = new ArrayList<>();
        if (claim instanceof String text) {
            for (String word : text.trim().split("\\s+", -1)) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        } else if (claim instanceof Collection<?> items) {
            for (Object item : items) {
                if (item instanceof String word && !word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return List.copyOf(words);
    }
}
