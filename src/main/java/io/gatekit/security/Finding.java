package io.gatekit.security;

/**
 * One thing a {@link Detector} found in a text: its kind (as configs and reasons name it, such as {@code email} or
 * {@code aws_access_keys}) and where it is, {@code [start, end)} in the text that was scanned.
 */
record Finding(String type, int start, int end) {

    Finding {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
    }
}
