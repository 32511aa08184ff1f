/**
 * Readers: {@link io.proflens.ingest.TraceImporter} sniffs a file's content and hands it to the reader of its
 * format, which fills the {@link io.proflens.model.Trace} model. Problems that make a file unusable are
 * {@link io.proflens.ingest.ImportException}s with a one-line {@code <file>: <problem>} message; problems with
 * single rows are counted as {@link io.proflens.model.ImportIssue}s in the trace. Inputs are never modified.
 *
 * <pre>{@code
 * Trace t = new TraceImporter().read(Path.of("report1.sqlite"), ImportOptions.all(), ProgressListener.NONE);
 * }</pre>
 */
package io.proflens.ingest;
