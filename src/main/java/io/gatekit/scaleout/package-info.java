/**
 * Several gateway instances behind an ordinary load balancer (ADR 0027): session ids that carry the session
 * ({@link io.gatekit.scaleout.SessionTokens}), and the Redis-backed state and routing the instances share
 * ({@link io.gatekit.scaleout.SharedState}). One instance uses none of it.
 */
@NullMarked
package io.gatekit.scaleout;

import org.jspecify.annotations.NullMarked;
