package io.gatekit.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
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
    /** Where groups and scopes are unless the policy names other claims. */
    public static final String GROUP_CLAIM = "groups";
    public static final String SCOPE_CLAIM = "scope";

    public Principal {
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims);
    }

    /** A caller without an exchangeable token (an API key, the stdio principal, a restored session). */
    public Principal(String subject, Map<String, Object> claims) {
        this(subject, claims, null);
    }

    /** The same caller without its token: what code that has no business exchanging it (plugins) is given. */
    public Principal withoutToken() {
        return token == null ? this : new Principal(subject, claims);
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

    /** The granted scopes in the usual claims: {@link #scopes(String) scopes("scope")}. */
    public Set<String> scopes() {
        return scopes(SCOPE_CLAIM);
    }

    /**
     * The granted scopes: the claim {@code claim}, a space-separated string (RFC 9068, RFC 8693) or a list, and the
     * {@code scp} claim, where some providers put them. The one reading of scopes: the face's required scopes and the
     * access policy both ask here.
     */
    public Set<String> scopes(String claim) {
        Set<String> scopes = new TreeSet<>(words(claims.get(claim)));
        scopes.addAll(words(claims.get("scp")));
        return Collections.unmodifiableSet(scopes);
    }

    /** The caller's groups in the usual claim: {@link #groups(String) groups("groups")}. */
    public Set<String> groups() {
        return groups(GROUP_CLAIM);
    }

    /**
     * The caller's groups: the claim {@code claim} as a list of names, or a single string naming one group (group
     * names may contain spaces, as directory display names do; unlike scopes, no standard makes the string a list).
     * The one reading of groups: the access policy asks here.
     */
    public Set<String> groups(String claim) {
        Object value = claims.get(claim);
        if (value instanceof String single) {
            return single.isBlank() ? Set.of() : Set.of(single.strip());
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(words(value))); // in the claim's order
    }

    /** A space-separated string's words, or a list's non-empty strings. */
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
        return words;
    }
}
