/**
 * Immutable configuration records loaded from YAML in the Python Gatekit's shape: {@code ${VAR}} interpolation,
 * a JSON Schema for structure, hand-written cross-field checks, and every problem reported with file, line,
 * column and field. {@code ConfigWatcher} re-reads the file on change for hot reload.
 */
@NullMarked
package io.gatekit.config;

import org.jspecify.annotations.NullMarked;
