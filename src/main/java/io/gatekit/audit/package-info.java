/**
 * The built-in auditing plugins ({@code audit_jsonl}, {@code audit_csv}, {@code audit_human_readable},
 * {@code token_usage}) and the {@link io.gatekit.audit.AuditWriter} they share: one per output file, a bounded queue
 * drained by one thread that formats, writes, flushes and rotates, so recording never blocks a request.
 */
@NullMarked
package io.gatekit.audit;

import org.jspecify.annotations.NullMarked;
