/**
 * Where each message goes, one job per class: per-client dispatch into the chain, the upstream set, the
 * {@code server__name} targeting rule, the gateway's own methods and merged lists, forwarding upstream, and what
 * upstreams send on their own.
 */
@NullMarked
package io.gatekit.routing;

import org.jspecify.annotations.NullMarked;
