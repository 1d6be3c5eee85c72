package io.gatekit.security.auth;

import io.gatekit.session.Principal;

/** What authentication decided about one HTTP request. */
public sealed interface AuthResult {

    /** The caller is known (or anonymous, where no authentication is configured). */
    record Admitted(Principal principal) implements AuthResult {}

    /**
     * The caller is refused: 401 (no credential, or one that does not hold: RFC 6750 {@code invalid_token}), 403
     * ({@code insufficient_scope}), or 503 when the token cannot be checked now (the issuer's keys are unreachable).
     *
     * @param status 401, 403 or 503
     * @param error the RFC 6750 error code, or empty when no credential was presented (the challenge then names none)
     * @param description why, for the client's user; never the credential itself
     * @param scope the scopes the request needs (403 only), else empty
     */
    record Refused(int status, String error, String description, String scope) implements AuthResult {

        /** The {@code WWW-Authenticate} value; {@code metadataUrl} (may be empty) points at the RFC 9728 document. */
        public String challenge(String metadataUrl) {
            StringBuilder header = new StringBuilder("Bearer");
            String separator = " ";
            if (!metadataUrl.isEmpty()) {
                header.append(separator).append("resource_metadata=\"").append(quotable(metadataUrl)).append('"');
                separator = ", ";
            } else {
                header.append(separator).append("realm=\"gatekit\"");
                separator = ", ";
            }
            if (!error.isEmpty()) {
                header.append(separator).append("error=\"").append(error).append('"');
                header.append(", error_description=\"").append(quotable(description)).append('"');
            }
            if (!scope.isEmpty()) {
                header.append(", scope=\"").append(quotable(scope)).append('"');
            }
            return header.toString();
        }

        /** Visible ASCII without quote and backslash (RFC 6750 §3 limits error_description to these), at most 200. */
        private static String quotable(String text) {
            StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
            for (int i = 0; i < text.length() && out.length() < 200; i++) {
                char c = text.charAt(i);
                out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
            }
            return out.toString();
        }
    }
}
