/**
 * The command line {@code spark-nlsq} ({@code fit}, {@code predict}, {@code generate}, {@code
 * checkpoints}): a thin client of {@link org.sparknlsq.fit} that parses options, prints, writes
 * files and maps failures to exit codes. Not a library API, except {@link
 * org.sparknlsq.cli.Main#run} for embedding and {@link org.sparknlsq.cli.PythonBridge} for the
 * Python package.
 */
package org.sparknlsq.cli;
