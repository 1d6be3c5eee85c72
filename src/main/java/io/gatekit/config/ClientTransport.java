package io.gatekit.config;

/** {@code proxy.transport}: how clients reach the gateway. */
public enum ClientTransport implements ConfigChoice {
    /** One client on the gateway's stdin and stdout. */
    STDIO,
    /** Streamable HTTP (both eras), many clients; needs {@code proxy.http}. */
    HTTP
}
