/**
 * Where each message goes: per-client dispatch (a virtual thread per request, or the fast path), the gateway's
 * own methods and the merged lists, the {@code server__name} namespace, one upstream call with admission,
 * deadline and cancellation, and what upstreams send on their own.
 */
@NullMarked
package io.gatekit.routing;

import org.jspecify.annotations.NullMarked;
