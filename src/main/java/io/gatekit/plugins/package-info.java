/**
 * The plugin pipeline (ADR 0017): the API of the three families, the registry that finds handlers (the built-ins
 * in {@code plugins.middleware}, {@code security} and {@code audit}, and third-party jars) and checks every entry at config load, and
 * the pipeline that runs them on the request chain.
 */
@NullMarked
package io.gatekit.plugins;

import org.jspecify.annotations.NullMarked;
