package io.gatekit.plugins;

/**
 * Told how long each plugin took on each message (the metrics adapter listens). Fast, no I/O, never throws: it
 * runs on the request's path.
 */
@FunctionalInterface
public interface StageObserver {
    StageObserver NONE = (handler, nanos) -> {};

    void ran(String handler, long nanos);
}
