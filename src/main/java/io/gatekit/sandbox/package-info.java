/**
 * Confinement of stdio upstreams (ADR 0025): {@code Sandbox} checks that bubblewrap works on this host and wraps an
 * upstream's command in it (and in prlimit for resource limits); {@code BubblewrapArguments} decides what the
 * sandboxed server sees. Fail closed: an upstream whose sandbox cannot be set up does not start.
 */
@NullMarked
package io.gatekit.sandbox;

import org.jspecify.annotations.NullMarked;
