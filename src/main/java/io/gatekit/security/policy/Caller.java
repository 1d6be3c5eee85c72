package io.gatekit.security.policy;

import io.gatekit.session.Principal;
import java.util.Set;

/**
 * What rules match a caller by: the subject, the groups and the scopes, read from the claims the policy names by
 * {@link Principal#groups(String)} and {@link Principal#scopes(String)} (the one reading of both). An anonymous caller
 * has none of them.
 */
record Caller(boolean anonymous, String subject, Set<String> groups, Set<String> scopes) {

    static Caller of(Principal principal, String groupClaim, String scopeClaim) {
        if (principal.isAnonymous()) {
            return new Caller(true, "", Set.of(), Set.of());
        }
        return new Caller(false, principal.subject(), principal.groups(groupClaim), principal.scopes(scopeClaim));
    }
}
