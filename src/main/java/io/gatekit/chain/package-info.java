/**
 * The one request chain (ADR 0008): links with a way in and a way back, run by {@code RequestChain} for each
 * {@code Exchange}, moving to a virtual thread at the first link that may block, mapping failures to JSON-RPC
 * errors and delivering the answer in one place.
 */
@NullMarked
package io.gatekit.chain;

import org.jspecify.annotations.NullMarked;
