/**
 * Authentication of the HTTP face's callers (ADR 0021): {@link io.gatekit.security.auth.Authenticator} turns a
 * request's credential (a bearer JWT checked by {@link io.gatekit.security.auth.JwtValidator}, or an API key matched
 * by {@link io.gatekit.security.auth.ApiKeys}) into a {@link io.gatekit.session.Principal} or a refusal with its
 * {@code WWW-Authenticate} challenge; {@link io.gatekit.security.auth.ProtectedResourceMetadata} is the RFC 9728
 * document that tells clients where to get a token.
 */
@NullMarked
package io.gatekit.security.auth;

import org.jspecify.annotations.NullMarked;
