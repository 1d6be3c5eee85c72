package io.gatekit.security.policy;

import io.gatekit.session.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What rules match a caller by: the subject, the groups (a list or a single string in the group claim) and the
 * scopes (a space-separated string or a list in the scope claim, and in {@code scp}, where some providers put
 * them). An anonymous caller has none of them.
 */
record Caller(boolean anonymous, String subject, Set<String> groups, Set<String> scopes) {

    static Caller of(Principal principal, String groupClaim, String scopeClaim) {
        if (principal.isAnonymous()) {
            return new Caller(true, "", Set.of(), Set.of());
        }
        List<String> scopes = new ArrayList<>(words(principal.claims().get(scopeClaim)));
        if (!scopeClaim.equals("scp")) {
            scopes.addAll(words(principal.claims().get("scp")));
        }
        return new Caller(false, principal.subject(), Set.copyOf(values(principal.claims().get(groupClaim))),
                Set.copyOf(scopes));
    }

    private static List<String> values(@Nullable Object claim) {
        if (claim instanceof String single) {
            return List.of(single);
        }
        if (claim instanceof Collection<?> many) {
            return many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    private static List<String> words(@Nullable Object claim) {
        if (claim instanceof String text) {
            return List.of(text.trim().split("\\s+")).stream().filter(word -> !word.isEmpty()).toList();
        }
        return values(claim);
    }
}
