/**
 * The plugin registry: the handlers this build provides (the built-in security filters) and the start-up check that refuses a
 * config enabling any other, with its file and line (fail closed).
 */
@NullMarked
package io.gatekit.plugins;

import org.jspecify.annotations.NullMarked;
