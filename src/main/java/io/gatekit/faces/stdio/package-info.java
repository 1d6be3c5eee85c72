/**
 * The stdio face: a client speaking newline-delimited JSON-RPC on a pair of streams (standard input and output;
 * a loopback socket in tests), connected to the gateway through a {@code MessageConnection}.
 */
@NullMarked
package io.gatekit.faces.stdio;

import org.jspecify.annotations.NullMarked;
