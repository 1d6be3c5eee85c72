/**
 * What the gateway knows about each client: negotiated info, requests in flight keyed by the client's own ids,
 * server-to-client requests forwarded to it, what its listen stream was granted, and the way back to it.
 */
@NullMarked
package io.gatekit.session;

import org.jspecify.annotations.NullMarked;
