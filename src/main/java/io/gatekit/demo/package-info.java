/**
 * The built-in demo MCP server ({@code gatekit demo-server}): a small set of tools covering progress,
 * cancellation, server-to-client requests and a 2026-07-28 multi round-trip request; the embedded default's
 * upstream and the fast, honest peer for tests and benchmarks.
 */
@NullMarked
package io.gatekit.demo;

import org.jspecify.annotations.NullMarked;
