package io.gatekit.security.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatekit.config.JwtAuthConfig;
import io.gatekit.session.BearerToken;
import io.gatekit.session.Principal;
import java.io.IOException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates bearer access tokens as an OAuth 2.1 resource server must (MCP authorization, RFC 9068): a JWS signed
 * with an asymmetric algorithm by a key of the issuer's JWK set ({@code alg: none}, HMAC and unknown keys are
 * refused), {@code iss} equal to the configured issuer, {@code aud} naming this gateway, {@code exp} in the future
 * and {@code nbf} in the past within the clock skew, and then every required scope.
 *
 * <p>A remote JWK set is fetched on first use and cached; a token signed by a key id the cache does not know makes
 * it refetch (how a rotation is picked up), at most once per {@link #MIN_REFETCH_INTERVAL}, so a stream of forged
 * key ids cannot turn the gateway against the identity provider. When the provider is unreachable the cached keys
 * keep working for a while (outage tolerance).
 *
 * <p>Concurrency: immutable after construction; Nimbus's processor and caching key source are thread-safe.
 */
final class JwtValidator {
    private static final Logger log = LoggerFactory.getLogger(JwtValidator.class);
    /** The asymmetric algorithms accepted; a shared-secret (HMAC) signature could be forged by anyone holding the JWKS. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CACHE_TTL = Duration.ofMinutes(15);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_JWKS_BYTES = 512 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final List<String> requiredScopes;

    /** @throws IllegalArgumentException when a JWK set file cannot be read or parsed */
    JwtValidator(JwtAuthConfig config) {
        this.requiredScopes = config.requiredScopes();
        // RFC 9068 access tokens say typ at+jwt; plain JWT and no typ are what most providers still send.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(config.jwks())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(config.audience()),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("iss", "aud", "exp"), Set.of());
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWKSource<SecurityContext> keys(JwtAuthConfig.Jwks jwks) {
        return switch (jwks) {
            case JwtAuthConfig.RemoteJwks remote -> {
                try {
                    int timeout = (int) FETCH_TIMEOUT.toMillis();
                    yield JWKSourceBuilder.<SecurityContext>create(remote.uri().toURL(),
                                    new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES))
                            .cache(CACHE_TTL.toMillis(), FETCH_TIMEOUT.toMillis())
                            .rateLimited(MIN_REFETCH_INTERVAL.toMillis())
                            .retrying(true)
                            .outageTolerant(CACHE_TTL.multipliedBy(4).toMillis())
                            .build();
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("jwks_uri " + remote.uri() + " is not a URL: " + e.getMessage(), e);
                }
            }
            case JwtAuthConfig.JwksFile file -> {
                try {
                    yield new ImmutableJWKSet<>(JWKSet.load(file.path().toFile()));
                } catch (IOException | ParseException e) {
                    throw new IllegalArgumentException("cannot load the JWK set " + file.path() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** The caller the token names, or why it is refused. */
    AuthResult validate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return invalid("the bearer token is not a JWT");
        } catch (BadJOSEException e) {
            log.debug("bearer token refused: {}", e.getMessage());
            return invalid(String.valueOf(e.getMessage()));
        } catch (JOSEException e) {
            // The keys could not be had (the provider is down and nothing is cached): the gateway's trouble, not the
            // token's, so 503 rather than a 401 that would send the client to get a new token it does not need.
            log.warn("cannot verify a bearer token: {}", e.toString());
            return new AuthResult.Refused(503, "", "the identity provider's signing keys cannot be fetched now;"
                    + " retry later", "");
        }
        String subject = claims.getSubject() != null ? claims.getSubject() : stringClaim(claims, "client_id");
        if (subject == null || subject.isEmpty()) {
            return invalid("the token names no subject (sub or client_id)");
        }
        Principal principal = new Principal(subject, withoutNulls(claims.toJSONObject()), new BearerToken(token));
        Set<String> missing = new TreeSet<>(requiredScopes);
        missing.removeAll(principal.scopes());
        if (!missing.isEmpty()) {
            return new AuthResult.Refused(403, "insufficient_scope", "the token lacks the scope(s) " + missing,
                    String.join(" ", requiredScopes));
        }
        return new AuthResult.Admitted(principal);
    }

    private static AuthResult.Refused invalid(String why) {
        return new AuthResult.Refused(401, "invalid_token", why, "");
    }

    private static @org.jspecify.annotations.Nullable String stringClaim(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String value ? value : null;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
        Map<String, Object> kept = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (value != null) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
