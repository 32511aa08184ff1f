package io.proflens.analysis.phases;

/**
 * Settings of {@link PhaseAnalysis}.
 *
 * @param tokensPerStep        tokens (or samples) processed by one occurrence of the main iteration key, used for
 *                             {@link PhaseAnalysis#tokensPerSecond()}; {@code null} when unknown (no throughput)
 * @param warmupMaxIterations  how many leading occurrences of a series may be flagged as warm-up (default
 *                             {@value #DEFAULT_WARMUP_MAX_ITERATIONS}; never more than half of the series, see
 *                             {@link PhaseSeries}); 0 disables warm-up detection
 * @param warmupFactor         a leading occurrence is warm-up when its duration exceeds the steady-state median by
 *                             more than this factor (default {@value #DEFAULT_WARMUP_FACTOR}). Why 1.5: steady-state
 *                             step jitter is a few percent (the HTA ResNet DDP trace: ProfilerStep 222.4 vs 219.7 ms,
 *                             {@code ## forward ##} 103.8 vs 103.1 ms), data-dependent steps (variable sequence
 *                             length) vary by tens of percent, while first-step effects (CUDA context and cuBLAS/cuDNN
 *                             handle creation, cuDNN autotuning, caching-allocator growth, torch.compile/JIT) make a
 *                             step 2× to 100× slower; 1.5 sits above noise and below every real warm-up
 * @param topKernels           number of kernel names kept per phase in {@link PhaseKernels#topKernels()} (default 5)
 * @param stripOpIds           strip PyTorch {@code emit_nvtx} call ids ({@code , seq = N}, {@code , op_id = N}) from
 *                             range names before grouping (default true; see {@link PhaseNames})
 * @param processWideGpu       project a range onto GPU operations launched by calls on <em>any</em> thread of its
 *                             process (default false: only the range's own thread, as nsys {@code nvtx_gpu_proj_sum}).
 *                             Useful for PyTorch, whose autograd engine launches backward kernels from its own
 *                             thread while {@code ## backward ##} is recorded on the main thread
 * @param iterationKey         label of the key to use as main iteration (as {@link PhaseKey#label()}, e.g.
 *                             {@code ProfilerStep#N}); {@code null} (default) to choose automatically; ignored when
 *                             no repeating series has that label
 */
public record PhaseOptions(Long tokensPerStep, int warmupMaxIterations, double warmupFactor, int topKernels,
                           boolean stripOpIds, boolean processWideGpu, String iterationKey) {
    /** Default of {@link #warmupMaxIterations()}. */
    public static final int DEFAULT_WARMUP_MAX_ITERATIONS = 3;
    /** Default of {@link #warmupFactor()}. */
    public static final double DEFAULT_WARMUP_FACTOR = 1.5;
    /** Default of {@link #topKernels()}. */
    public static final int DEFAULT_TOP_KERNELS = 5;

    /**
     * @throws IllegalArgumentException for a non-positive {@code tokensPerStep}, a negative
     *                                  {@code warmupMaxIterations}, a factor below 1 or NaN, or {@code topKernels < 0}
     */
    public PhaseOptions {
        if (tokensPerStep != null && tokensPerStep <= 0) {
            throw new IllegalArgumentException("tokensPerStep must be positive: " + tokensPerStep);
        }
        if (warmupMaxIterations < 0) {
            throw new IllegalArgumentException("warmupMaxIterations must be >= 0: " + warmupMaxIterations);
        }
        if (!(warmupFactor >= 1.0) || Double.isInfinite(warmupFactor)) {
            throw new IllegalArgumentException("warmupFactor must be a finite number >= 1: " + warmupFactor);
        }
        if (topKernels < 0) {
            throw new IllegalArgumentException("topKernels must be >= 0: " + topKernels);
        }
    }

    /** @return no token count, 3 warm-up iterations at most, factor 1.5, top 5 kernels, op ids stripped, per-thread
     *          GPU projection, automatic main key */
    public static PhaseOptions defaults() {
        return new PhaseOptions(null, DEFAULT_WARMUP_MAX_ITERATIONS, DEFAULT_WARMUP_FACTOR, DEFAULT_TOP_KERNELS, true,
                false, null);
    }

    /** @return these options with {@link #tokensPerStep()} set (may be {@code null}) */
    public PhaseOptions withTokensPerStep(Long tokens) {
        return new PhaseOptions(tokens, warmupMaxIterations, warmupFactor, topKernels, stripOpIds, processWideGpu,
                iterationKey);
    }

    /** @return these options with {@link #warmupMaxIterations()} set */
    public PhaseOptions withWarmupMaxIterations(int max) {
        return new PhaseOptions(tokensPerStep, max, warmupFactor, topKernels, stripOpIds, processWideGpu,
                iterationKey);
    }

    /** @return these options with {@link #processWideGpu()} set */
    public PhaseOptions withProcessWideGpu(boolean processWide) {
        return new PhaseOptions(tokensPerStep, warmupMaxIterations, warmupFactor, topKernels, stripOpIds, processWide,
                iterationKey);
    }

    /** @return these options with {@link #iterationKey()} set (may be {@code null}) */
    public PhaseOptions withIterationKey(String label) {
        return new PhaseOptions(tokensPerStep, warmupMaxIterations, warmupFactor, topKernels, stripOpIds,
                processWideGpu, label);
    }
}
