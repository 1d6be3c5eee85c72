/**
 * Logging set-up (Logback from the {@code logging:} section; stdout stays reserved for MCP) and the status
 * file each running gateway publishes for {@code gatekit status}.
 */
@NullMarked
package io.gatekit.observability;

import org.jspecify.annotations.NullMarked;
