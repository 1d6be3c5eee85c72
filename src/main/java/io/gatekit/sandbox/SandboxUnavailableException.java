package io.gatekit.sandbox;

import java.io.IOException;
import java.io.Serial;

/** The sandbox an upstream asks for cannot be set up here, so the upstream must not start (fail closed). */
public final class SandboxUnavailableException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    public SandboxUnavailableException(String message) {
        super(message);
    }
}
