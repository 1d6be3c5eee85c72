/**
 * The gateway as a Streamable HTTP MCP server on Jetty 12 (ADR 0005): one endpoint serving the legacy era
 * (sessions, SSE streams with replay) and the stateless 2026-07-28 era (one-request clients, listen streams),
 * with Host/Origin checks and a JSON-RPC error body for every refusal.
 */
@NullMarked
package io.gatekit.faces.http;

import org.jspecify.annotations.NullMarked;
