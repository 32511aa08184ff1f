/**
 * Analyses: pure functions from a {@link io.proflens.model.Trace} to immutable results
 * ({@link io.proflens.analysis.ResultTable}, {@link io.proflens.analysis.CaptureInfo}). Analyses never print.
 */
package io.proflens.analysis;
