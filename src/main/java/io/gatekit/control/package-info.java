/**
 * Admission and deadlines as links of the chain (ADR 0018): per-client ceilings and rate limits, per-upstream and
 * per-tool in-flight ceilings with bounded fair wait queues in front of them and per-upstream rate limits, owned by
 * {@code AdmissionController} (lock-free while no queue is in use; a refusal is -32004 {@code queue_full} or
 * {@code rate_limited}, or -32001 {@code deadline_exceeded}); each request's deadline; and {@code DeadlineSweeper},
 * the one thread that fails overdue upstream calls with -32001 and cancels them upstream, and refuses queued requests
 * past their deadline.
 */
@NullMarked
package io.gatekit.control;

import org.jspecify.annotations.NullMarked;
