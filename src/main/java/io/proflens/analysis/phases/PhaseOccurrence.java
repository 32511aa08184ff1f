package io.proflens.analysis.phases;

/**
 * One occurrence of a repeating range and its GPU projection.
 *
 * <p>GPU projection (nsys {@code nvtx_gpu_proj_sum} semantics, see {@link PhaseAnalysis}): the kernels, memcpys and
 * memsets whose launching CUDA API call starts in {@code [startNs, endNs)} on the range's thread (or process, with
 * {@link PhaseOptions#processWideGpu()}). GPU fields are {@code null} / 0 when the occurrence launched nothing or the
 * series was not projected ({@link PhaseSeries#gpuProjected()}).
 *
 * @param index           0-based position in its series (time order)
 * @param nvtxRow         row in {@link io.proflens.model.Trace#nvtx()}
 * @param startNs         range start, ns
 * @param endNs           range end, ns
 * @param durationNs      {@code endNs - startNs}
 * @param warmup          whether flagged as warm-up ({@link WarmupOutlier})
 * @param gpuOps          number of projected GPU operations
 * @param gpuStartNs      start of the first projected operation, or {@code null}
 * @param gpuEndNs        end of the last projected operation, or {@code null}
 * @param gpuBusyNs       length of the union of the projected operations, ns (0 when none)
 * @param gpuGapToNextNs  {@code gpuStart(next) - gpuEnd(this)}, ns (negative when the GPU work of the two overlaps);
 *                        {@code null} for the last occurrence or when either has no GPU work
 * @param gpuIdleToNextNs time inside that window when no GPU operation of the process runs (window length minus
 *                        the union of all kernels, memcpys and memsets of the process in it), ns; 0 when the gap is
 *                        not positive; {@code null} when the gap is {@code null}
 */
public record PhaseOccurrence(int index, int nvtxRow, long startNs, long endNs, long durationNs, boolean warmup,
                              int gpuOps, Long gpuStartNs, Long gpuEndNs, long gpuBusyNs, Long gpuGapToNextNs,
                              Long gpuIdleToNextNs) {
}
