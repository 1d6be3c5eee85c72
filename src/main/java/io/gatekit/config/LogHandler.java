package io.gatekit.config;

/** One of {@code logging.handlers}: where the gateway's own log goes. */
public enum LogHandler implements ConfigChoice {
    STDERR,
    /** A rolling file at {@code logging.file_path}. */
    FILE
}
