/**
 * The gateway as an MCP client: wires over stdio processes, Streamable HTTP (either era, ADR 0006) and the old
 * HTTP+SSE transport; {@code UpstreamConnection}, one live session with its correlation table; and
 * {@code Upstream}, which supervises start, initialize, health and restarts.
 */
@NullMarked
package io.gatekit.upstream;

import org.jspecify.annotations.NullMarked;
