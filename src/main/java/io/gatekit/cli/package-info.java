/**
 * The command line (picocli): {@code gateway} on stdio or the HTTP face, {@code validate}, {@code status},
 * {@code demo-server}, {@code --version}, {@code --help}. Commands only parse options and start the parts; stdout
 * is reserved for MCP.
 */
@NullMarked
package io.gatekit.cli;

import org.jspecify.annotations.NullMarked;
