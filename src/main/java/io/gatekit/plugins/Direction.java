package io.gatekit.plugins;

/** Which way a message travels. */
public enum Direction {
    /** From a client towards an upstream (requests, client notifications). */
    TO_UPSTREAM,
    /** From an upstream towards a client (responses, server notifications). */
    TO_CLIENT
}
