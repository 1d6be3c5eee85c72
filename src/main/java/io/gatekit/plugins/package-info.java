/**
 * The plugin registry: the handlers this build provides (none yet) and the start-up check that refuses a
 * config enabling any other, with its file and line (fail closed).
 */
@NullMarked
package io.gatekit.plugins;

import org.jspecify.annotations.NullMarked;
