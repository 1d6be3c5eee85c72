package io.gatekit.chain;

import io.gatekit.upstream.Upstream;

/**
 * The one upstream a request goes to and the name (tool, prompt, or resource URI) in that upstream's own terms,
 * once the gateway's {@code upstream__name} has been resolved.
 */
public record Target(Upstream upstream, String name) {}
