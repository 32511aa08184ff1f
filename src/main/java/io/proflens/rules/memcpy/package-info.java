/**
 * Rules about memory copies between host and GPU: many small copies ({@code memcpy.small-transfers}) and
 * asynchronous copies from pageable host memory ({@code memcpy.pageable}, the nsys {@code cuda_memcpy_async} rule).
 * Both read {@link io.proflens.analysis.memory.MemoryTransferAnalysis} through
 * {@link io.proflens.rules.RuleContext#memoryTransfers()}.
 *
 * <pre>{@code
 * Rule r = new SmallTransfersRule();
 * Finding f = r.evaluate(RuleContext.of(trace), ThresholdValues.defaults(r));
 * }</pre>
 */
package io.proflens.rules.memcpy;
