/**
 * The {@code proflens} command line (picocli): one class per subcommand, documented
 * {@link io.proflens.cli.ExitCodes exit codes}, one-line errors.
 */
package io.proflens.cli;
