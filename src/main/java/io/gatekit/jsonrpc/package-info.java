/**
 * The JSON-RPC wire model and its codec, and nothing else: sealed messages that keep ids as JSON nodes, the
 * gateway's error codes, raw bytes for values it only passes on, and a byte-level scanner for the hot shapes
 * (ADR 0007). No I/O.
 */
@NullMarked
package io.gatekit.jsonrpc;

import org.jspecify.annotations.NullMarked;
