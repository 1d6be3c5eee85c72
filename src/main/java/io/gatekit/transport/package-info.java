/**
 * Bytes to messages: newline framing with a hard size limit, the line writer (direct from reader threads,
 * queued from virtual threads), the connection tying them to the codec, and a bounded Server-Sent Events
 * reader. Pipe I/O runs on platform threads (ADR 0002).
 */
@NullMarked
package io.gatekit.transport;

import org.jspecify.annotations.NullMarked;
