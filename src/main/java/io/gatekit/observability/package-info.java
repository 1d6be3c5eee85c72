/**
 * Seeing a running gateway: the {@link io.gatekit.observability.GatewayEvents} listener the request chain reports to
 * (through the {@link io.gatekit.observability.Observation} link, first in the chain), its Prometheus adapter, the
 * {@code /metrics}, {@code /healthz} and {@code /readyz} endpoints, logging set-up (Logback from the {@code logging:}
 * section; stdout stays reserved for MCP) and the status file each running gateway publishes for
 * {@code gatekit status}.
 */
@NullMarked
package io.gatekit.observability;

import org.jspecify.annotations.NullMarked;
