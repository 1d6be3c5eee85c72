/**
 * The built-in middleware plugins: {@code tool_manager} (which of an upstream's tools clients see, under which name
 * and description) and {@code call_trace} (a diagnostic block appended to each tool result). Middleware shapes
 * messages and may answer a request itself; it never allows or blocks (that is security's job).
 */
@NullMarked
package io.gatekit.plugins.middleware;

import org.jspecify.annotations.NullMarked;
