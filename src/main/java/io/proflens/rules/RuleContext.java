package io.proflens.rules;

import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What rules judge: one trace (the "rank" under analysis), optionally the other ranks of the same job, the kernel
 * classifier, user-supplied facts ({@link Options}), and every analysis computed at most once and shared between
 * rules. Thread-safe: {@link #precompute} fills the cache in parallel.
 */
public final class RuleContext {
    private final Trace trace;
    private final List<Trace> ranks;
    private final KernelClassifier classifier;
    private final Options options;
    /** Key → the computation of that analysis; a task runs once, later callers wait for it (thread-safe). */
    private final Map<String, java.util.concurrent.FutureTask<Object>> memo = new HashMap<>();
    /** Results about the whole job (all ranks), shared by the contexts of one job (see {@link #forRank}). */
    private final Map<String, java.util.concurrent.FutureTask<Object>> jobMemo;
    private final KernelCategory[] categoryByNameId;

    /**
     * Facts the trace cannot tell.
     *
     * @param tokensPerStep tokens processed per iteration (for throughput), or null
     */
    public record Options(Long tokensPerStep, io.proflens.analysis.anatomy.AnatomyOptions anatomy) {
        /** Defaults for what is not given: the built-in operator mapping, the automatic step. */
        public Options {
            anatomy = anatomy == null ? io.proflens.analysis.anatomy.AnatomyOptions.defaults() : anatomy;
        }

        /** @param tokensPerStep tokens per iteration, or null */
        public Options(Long tokensPerStep) {
            this(tokensPerStep, null);
        }

        /** @return no facts given */
        public static Options none() {
            return new Options(null, null);
        }
    }

    /**
     * @param trace      the trace under analysis
     * @param ranks      every rank of the job including {@code trace} (a single-element list for one input)
     * @param classifier kernel classifier
     * @param options    user-supplied facts
     */
    public RuleContext(Trace trace, List<Trace> ranks, KernelClassifier classifier, Options options) {
        this(trace, ranks, classifier, options, new HashMap<>());
    }

    private RuleContext(Trace trace, List<Trace> ranks, KernelClassifier classifier, Options options,
            Map<String, java.util.concurrent.FutureTask<Object>> jobMemo) {
        this.jobMemo = jobMemo;
        this.trace = trace;
        this.ranks = List.copyOf(ranks);
        this.classifier = classifier;
        this.options = options;
        this.categoryByNameId = new KernelCategory[trace.strings().size()];
    }

    /** @return a context for a single trace with the built-in classifier and no options */
    public static RuleContext of(Trace trace) {
        return new RuleContext(trace, List.of(trace), KernelClassifier.builtIn(), Options.none());
    }

    public Trace trace() {
        return trace;
    }

    /** @return every rank of the job (at least {@link #trace()}) */
    public List<Trace> ranks() {
        return ranks;
    }

    public KernelClassifier classifier() {
        return classifier;
    }

    public Options options() {
        return options;
    }

    /**
     * @param nameId a string id of the trace (a kernel's demangled name)
     * @return its category (computed once per distinct name)
     */
    public KernelCategory category(int nameId) {
        // benign race: concurrent callers may classify the same name twice and store the same value
        if (nameId < 0 || nameId >= categoryByNameId.length) {
            return KernelCategory.OTHER;
        }
        KernelCategory c = categoryByNameId[nameId];
        if (c == null) {
            c = classifier.classify(trace.string(nameId)).category();
            categoryByNameId[nameId] = c;
        }
        return c;
    }

    /** @return kernel time by category, top kernels, GEMM tiles, pointwise families (all kernels) */
    public io.proflens.analysis.classify.CategoryBreakdown categoryBreakdown() {
        return analysis("categoryBreakdown", () -> io.proflens.analysis.classify.CategoryBreakdown.of(trace, classifier));
    }

    /** @return TraceLens gpu_timeline breakdown over all GPU events, communication by this context's classifier */
    public io.proflens.analysis.gputime.GpuTimeBreakdown gpuTimeBreakdown() {
        return analysis("gpuTimeBreakdown", () -> io.proflens.analysis.gputime.GpuTimeBreakdown.of(trace,
                id -> category(id) == KernelCategory.COMMUNICATION, false));
    }

    /** @return per device/stream utilization and nsys gpu_time_util chunks with nsys's defaults (30 chunks, 50 %) */
    public io.proflens.analysis.gputime.GpuUtilization gpuUtilization() {
        return analysis("gpuUtilization", () -> io.proflens.analysis.gputime.GpuUtilization.of(trace));
    }

    /**
     * @param minGapNs keep gaps longer than this, ns
     * @return nsys gpu_gaps with that threshold
     */
    public io.proflens.analysis.gputime.GpuGaps gpuGaps(long minGapNs) {
        return analysis("gpuGaps:" + minGapNs, () -> io.proflens.analysis.gputime.GpuGaps.of(trace, minGapNs));
    }

    /**
     * @param consecutiveKernelDelayNs HTA's kernel-wait threshold, ns
     * @return HTA idle-time attribution per stream
     */
    public io.proflens.analysis.gputime.IdleAttribution idleAttribution(long consecutiveKernelDelayNs) {
        return analysis("idleAttribution:" + consecutiveKernelDelayNs,
                () -> io.proflens.analysis.gputime.IdleAttribution.of(trace, consecutiveKernelDelayNs));
    }

    /** @return HTA idle-time attribution with HTA's default kernel-wait threshold (30 µs) */
    public io.proflens.analysis.gputime.IdleAttribution idleAttribution() {
        return idleAttribution(io.proflens.analysis.gputime.IdleAttribution.DEFAULT_CONSECUTIVE_KERNEL_DELAY_NS);
    }

    /** @return HTA communication/computation overlap per (pid, device), with this context's classifier */
    public io.proflens.analysis.gputime.CommOverlap commOverlap() {
        return analysis("commOverlap", () -> io.proflens.analysis.gputime.CommOverlap.of(trace,
                id -> category(id) == KernelCategory.COMMUNICATION, classifier, Long.MAX_VALUE));
    }

    /** @return phases and iterations with default options and this context's tokens per step */
    public io.proflens.analysis.phases.PhaseAnalysis phases() {
        return analysis("phases", () -> io.proflens.analysis.phases.PhaseAnalysis.of(trace,
                io.proflens.analysis.phases.PhaseOptions.defaults().withTokensPerStep(options.tokensPerStep())));
    }

    /** @return the step rebuilt layer by layer (operators per layer kind), on top of {@link #phases()} */
    public io.proflens.analysis.anatomy.StepAnatomy anatomy() {
        return analysis("anatomy", () -> io.proflens.analysis.anatomy.StepAnatomy.of(trace, phases(), options.anatomy()));
    }

    /** @return the Nsight Compute report given to this context (see {@link #withNcu}), or null */
    public io.proflens.model.ncu.NcuReport ncu() {
        return analysis(io.proflens.rules.ncu.NcuRule.REPORT_KEY, () -> null);
    }

    /**
     * Attaches Nsight Compute data: the ncu rules and tables then judge it (before any rule runs).
     *
     * @param report the ncu report (null: nothing attached)
     * @return this context
     */
    public RuleContext withNcu(io.proflens.model.ncu.NcuReport report) {
        if (report != null) {
            analysis(io.proflens.rules.ncu.NcuRule.REPORT_KEY, () -> report);
        }
        return this;
    }

    /** @return memcpy directions, size buckets, pageable copies, memcpy API share */
    public io.proflens.analysis.memory.MemoryTransferAnalysis memoryTransfers() {
        return analysis("memoryTransfers", () -> io.proflens.analysis.memory.MemoryTransferAnalysis.of(trace));
    }

    /** @return CUDA API sync share and callers, launch overhead, tiny kernels */
    public io.proflens.analysis.api.CudaApiAnalysis cudaApi() {
        return analysis("cudaApi", () -> io.proflens.analysis.api.CudaApiAnalysis.of(trace));
    }

    /**
     * @return OS runtime wait analysis; calls per iteration use the main iteration count of {@link #phases()} when
     *         there is one
     */
    public io.proflens.analysis.osrt.OsRuntimeAnalysis osRuntime() {
        return analysis("osRuntime", () -> {
            io.proflens.analysis.phases.PhaseAnalysis p = phases();
            Integer iters = p.mainIteration() == null ? null : p.mainIteration().count();
            return io.proflens.analysis.osrt.OsRuntimeAnalysis.of(trace, iters == null || iters <= 0 ? null : iters);
        });
    }

    /** @return whether the trace has any kernel, memcpy or memset */
    public boolean hasGpuWork() {
        return trace.kernels().size() + trace.memcpys().size() + trace.memsets().size() > 0;
    }

    /**
     * The memo every typed accessor goes through: computes {@code compute} once per key.
     *
     * @param key     unique key (analysis name plus its parameters)
     * @param compute the analysis
     * @param <T>     result type
     * @return the (cached) result
     */
    /**
     * A context for another rank of the same job: same ranks, classifier and options, its own per-trace analyses, and
     * the job-level results ({@link #jobAnalysis}) shared, so a cross-rank analysis runs once per job, not per rank.
     *
     * @param rankTrace one of {@link #ranks()}
     * @return the context of that rank
     */
    public RuleContext forRank(Trace rankTrace) {
        return new RuleContext(rankTrace, ranks, classifier, options, jobMemo);
    }

    /**
     * Like {@link #analysis} for results about the whole job (every rank), computed once and shared by every context
     * made with {@link #forRank}; the result must not depend on which rank's context asks.
     *
     * @param key     unique key
     * @param compute the analysis over {@link #ranks()}
     * @param <T>     result type
     * @return the (cached) result
     */
    public <T> T jobAnalysis(String key, Supplier<T> compute) {
        return memoized(jobMemo, key, compute);
    }

    @SuppressWarnings("unchecked")
    public <T> T analysis(String key, Supplier<T> compute) {
        return memoized(memo, key, compute);
    }

    @SuppressWarnings("unchecked")
    private static <T> T memoized(Map<String, java.util.concurrent.FutureTask<Object>> memo, String key,
            Supplier<T> compute) {
        java.util.concurrent.FutureTask<Object> task;
        boolean mine = false;
        synchronized (memo) {
            task = memo.get(key);
            if (task == null) {
                task = new java.util.concurrent.FutureTask<>(compute::get);
                memo.put(key, task);
                mine = true;
            }
        }
        if (mine) {
            task.run(); // outside the lock: an analysis may ask for other analyses
        }
        try {
            return (T) task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for analysis " + key, e);
        }
    }

    /**
     * Starts computing, on {@code pool}, the analyses that {@code proflens analyze} shows (the largest first), so
     * that rules running meanwhile find them cached or in progress. Failures are kept and surface when a rule or
     * table asks for that analysis.
     *
     * @param pool where the analyses run
     * @return one future per analysis started (wait for them before reading results without the context)
     */
    public List<java.util.concurrent.Future<?>> precompute(java.util.concurrent.ExecutorService pool) {
        Trace t = trace;
        List<Runnable> work = new java.util.ArrayList<>();
        boolean gpu = hasGpuWork();
        if (t.nvtx().size() > 0 || t.cpuRanges().size() > 0) {
            work.add(this::phases); // the largest: first
            work.add(this::anatomy);
        }
        if (gpu) {
            work.add(this::gpuUtilization);
            work.add(this::idleAttribution);
            work.add(this::gpuTimeBreakdown);
        }
        if (t.kernels().size() > 0) {
            work.add(this::categoryBreakdown);
            work.add(this::commOverlap);
        }
        if (t.cudaApi().size() > 0) {
            work.add(this::cudaApi);
        }
        if (t.memcpys().size() > 0) {
            work.add(this::memoryTransfers);
        }
        if (t.osRuntime().size() > 0) {
            work.add(this::osRuntime);
        }
        List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
        for (Runnable w : work) {
            fs.add(pool.submit(() -> {
                try {
                    w.run();
                } catch (RuntimeException ignored) {
                    // cached in the memo; whoever needs it meets the failure
                }
            }));
        }
        return fs;
    }
}
