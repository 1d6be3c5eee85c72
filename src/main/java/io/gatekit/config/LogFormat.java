package io.gatekit.config;

/** How the gateway's own log lines are written: readable text (the default) or one JSON object per line. */
public enum LogFormat { TEXT, JSON }
