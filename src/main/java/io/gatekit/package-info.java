/**
 * The composition root: {@code Gateway} wires one running gateway from a config (upstreams, admission,
 * router, client sessions) and swaps the upstream set on reload. Every package below it is a part it assembles.
 */
@NullMarked
package io.gatekit;

import org.jspecify.annotations.NullMarked;
