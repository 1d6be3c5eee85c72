/**
 * Admission and deadlines as links of the chain: per-client and per-upstream in-flight ceilings decided by the
 * lock-free {@code AdmissionController} (-32004 over a ceiling), each request's deadline, and
 * {@code DeadlineSweeper}, the one thread that fails overdue upstream calls with -32001 and cancels them upstream.
 */
@NullMarked
package io.gatekit.control;

import org.jspecify.annotations.NullMarked;
