package io.gatekit.bench;

/**
 * One HTTP server under test in the server benchmark: serves {@link RpcWork} at a POST path on loopback, its
 * handlers on virtual threads. Started by its constructor; {@link #close} stops it.
 */
interface BenchServer extends AutoCloseable {
    /** The bound port. */
    int port();

    @Override
    void close();
}
