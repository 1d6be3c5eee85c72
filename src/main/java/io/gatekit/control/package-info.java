/**
 * Admission and deadlines: per-upstream and per-client in-flight ceilings answered with a sealed
 * {@code Admission}, and {@code DeadlineSweeper}, the one thread that fails overdue calls with -32001 and cancels
 * them upstream.
 */
@NullMarked
package io.gatekit.control;

import org.jspecify.annotations.NullMarked;
