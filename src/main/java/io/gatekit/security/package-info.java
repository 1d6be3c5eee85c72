/**
 * The built-in security plugins: {@code basic_pii_filter}, {@code basic_secrets_filter} and
 * {@code basic_prompt_injection_defense}. Each is a {@link io.gatekit.security.ContentFilter} with its own
 * {@link io.gatekit.security.Detector}; the filter walks every string of a message ({@link
 * io.gatekit.security.TreeRewrite}), scans it ({@link io.gatekit.security.TextScanner}: look-alike characters
 * folded, base64 decoded within {@link io.gatekit.security.ScanLimits}) and blocks, redacts or only reports what was
 * found. Reasons name the kinds found and how many, never the text.
 */
@NullMarked
package io.gatekit.security;

import org.jspecify.annotations.NullMarked;
