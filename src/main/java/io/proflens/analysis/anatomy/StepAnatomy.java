package io.proflens.analysis.anatomy;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseNames;
import io.proflens.analysis.phases.PhaseOccurrence;
import io.proflens.analysis.phases.PhaseOptions;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Anatomy of one step (decode step, training iteration): the repeating layers inside it, their kinds (dense, MoE,
 * MTP, ...), the operators of each kind with their kernel parts and mean time per layer, and what of the step the
 * layers do not explain — the table an inference engineer writes by hand from nsys ("dense layers 0.311 ms × 3, MoE
 * layers 0.439 ms × 58 = 25.46 ms, MTP 2 ms, total 28.5 ms").
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li><b>Step</b>: the first that applies of (a) ranges named {@link AnatomyOptions#stepRange()} (NVTX, else Kineto
 *       CPU ranges; names compared after {@link #normaliseName}), (b) {@code ProfilerStep#N} annotations (even a
 *       single one), (c) the main iteration of {@link PhaseAnalysis} unless it is operator-level, (d) the whole trace
 *       of the process with the most kernel time (one step). For (a)-(c) the ranges of one thread are used (the
 *       thread with the most range time; for (c) the main series' thread), overlapping ones dropped. The step time is
 *       the range's duration; for (d) the GPU span of that process' kernels.</li>
 *   <li><b>Kernels of a step</b>: kernels whose launching CUDA API call ({@link Trace#launchLinksOrCompute()}) starts
 *       in {@code [start, end)} of the step range on its thread (nsys {@code nvtx_gpu_proj_sum} projection); kernels
 *       without a launch in the capture are taken by their GPU start and process.</li>
 *   <li><b>Layers from ranges</b> ({@link LayerSource#RANGES}): among the push/pop ranges (NVTX, then Kineto CPU
 *       ranges) inside a step that contain kernel launches, keys (domain + {@link #normaliseName normalised name})
 *       with at least two occurrences per step on average whose occurrences never nest in each other are candidates;
 *       the outermost candidates (not nested in another candidate) are ranked by the kernel time they contain and the
 *       first is the layer key, provided it holds at least {@link AnatomyOptions#minLayerCoveragePct()} of the
 *       steps' kernel time. Sibling ranges (same parent) whose name contains the word {@code layer} or {@code block}
 *       are layers too (an {@code mtp_layer_61} next to {@code layer_N}). A kernel's <b>operator</b> is the innermost
 *       range inside the layer that contains its launch (or the range {@link AnatomyOptions#operatorDepth()} levels
 *       below the layer); one range occurrence is one operator instance; operators are ordered by launch (program
 *       order, stable when streams overlap). Kernels launched directly in the layer are
 *       named by the {@link OperatorMapping}.</li>
 *   <li><b>Layers from the kernel sequence</b> ({@link LayerSource#KERNEL_SEQUENCE}), when no layer ranges qualify:
 *       the step's kernels in GPU start order (what the GPU executes) are mapped to operators by the
 *       {@link OperatorMapping} (unmatched: the kernel's short name); consecutive kernels of one operator form one instance. The anchor operator (the
 *       first of {@link AnatomyOptions#anchorOperators()} that occurs at least twice in every step, else the operator
 *       with the most time among those that do) occurs once per layer. The layer head is the longest common suffix of
 *       the operator sequences between consecutive anchors; a layer is head + anchor + tail, where the tail runs to
 *       the next head. A tail that extends a tail seen at least twice per step is cut there (the rest starts the next layer:
 *       the extra norms of an MTP layer), and the last layer's tail likewise (the rest — LM head, sampling — is left
 *       to the remainder).</li>
 *   <li><b>Layer time</b> is the layer's GPU span: first kernel start to last kernel end. Per layer,
 *       {@code span = Σ operator times − overlap + gaps}, where gaps is the span minus the union of its kernels
 *       (GPU idle inside the layer) and overlap is Σ operator times minus that union (concurrent kernels); both are
 *       shown, so operator rows sum to the layer time exactly.</li>
 *   <li><b>Kinds</b>: layers with the same ordered operator list are one kind, in order of first appearance. Named
 *       {@code mtp} when the layer range name contains {@code mtp}, {@code moe} when an operator name mentions
 *       moe/expert/dispatch/combine/top-k/gate/router, else {@code dense}; repeated names get {@code -2}, {@code -3}.
 *       An operator's time is the sum of its kernels' durations; its parts are the mean of each kernel position when
 *       every layer of the kind launches the same number of kernels for it.</li>
 *   <li><b>Exposed time</b> of a communication operator (all kernels {@link KernelCategory#COMMUNICATION} by
 *       {@link KernelClassifier#builtIn()}): its kernel time not overlapped by any non-communication kernel on the same
 *       device (HTA's exposed-communication definition applied per operator).</li>
 *   <li><b>Step table</b>: per kind, layers per step (count / steps), mean per layer, their product (time per step)
 *       and share of the mean step time; the remainder (step mean minus all layer time: embedding, LM head, sampling,
 *       gaps between layers, host time before the first kernel) is a row of its own.</li>
 * </ol>
 *
 * <p>Cost: O((k + r) log(k + r)) for k kernels and r annotation ranges, plus O(k × range depth); primitive arrays
 * per kernel, objects only per layer and per kind.
 *
 * @param options          the options used
 * @param stepLabel        name of the step range, or {@code "(whole trace)"}; {@code null} when the trace has no kernels
 * @param stepSource       where the step came from
 * @param steps            number of steps analysed (0 without kernels)
 * @param stepMeanNs       mean step time, ns
 * @param stepKernelMeanNs mean sum of kernel durations per step, ns
 * @param layerSource      how layers were found
 * @param layerLabel       the layer range key (ranges), the anchor operator (kernel sequence), or {@code null}
 * @param layerKinds       kinds in order of first appearance; empty without layers
 * @param remainderMeanNs  step mean minus the per-step time of all layer kinds, ns (may be negative when layers of
 *                         a step overlap each other)
 */
public record StepAnatomy(AnatomyOptions options, String stepLabel, StepSource stepSource, int steps,
                          double stepMeanNs, double stepKernelMeanNs, LayerSource layerSource, String layerLabel,
                          List<LayerKind> layerKinds, double remainderMeanNs) {
    /** Where the steps came from. */
    public enum StepSource {
        /** {@link AnatomyOptions#stepRange()}. */
        OPTION,
        /** PyTorch profiler {@code ProfilerStep#N} annotations. */
        PROFILER_STEP,
        /** The main iteration of {@link PhaseAnalysis}. */
        MAIN_ITERATION,
        /** No step range: the whole trace of one process is one step. */
        WHOLE_TRACE,
        /** No kernels: nothing analysed. */
        NONE
    }

    /** How the layers were found. */
    public enum LayerSource {
        /** Annotation ranges (NVTX / record_function / module python functions). */
        RANGES,
        /** The repeating operator sequence of the kernels. */
        KERNEL_SEQUENCE,
        /** No repeating layer structure. */
        NONE
    }

    /**
     * One kernel position of an operator.
     *
     * @param kernelName short name of the kernel (of the first layer of the kind)
     * @param meanNs     mean duration per layer, ns
     */
    public record KernelPart(String kernelName, double meanNs) {
    }

    /**
     * One operator of a layer kind.
     *
     * @param name           operator name; the 2nd, 3rd … instance of a name in a layer gets {@code " #2"}, …
     * @param parts          mean time per kernel position, in launch order; empty when layers differ in the number of
     *                       kernels of this operator
     * @param meanNs         mean time per layer (sum of its kernels' durations), ns
     * @param sharePct       {@code meanNs} as percent of the kind's mean layer time, 0-100 (one decimal)
     * @param communication  whether all its kernels are communication kernels
     * @param exposedMeanNs  mean time per layer not overlapped by non-communication kernels, ns; {@code null} for
     *                       non-communication operators
     */
    public record LayerOperator(String name, List<KernelPart> parts, double meanNs, double sharePct,
                                boolean communication, Double exposedMeanNs) {
        /** Copies the list. */
        public LayerOperator {
            parts = List.copyOf(parts);
        }

        /** @return the parts in µs joined by {@code " + "}, e.g. {@code "2 + 14"}; empty for fewer than 2 parts */
        public String partsText() {
            if (parts.size() < 2) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (KernelPart p : parts) {
                if (sb.length() > 0) {
                    sb.append(" + ");
                }
                sb.append(micros(p.meanNs()));
            }
            return sb.toString();
        }
    }

    /**
     * One kind of layer.
     *
     * @param name          {@code dense}, {@code moe}, {@code mtp}, … (see the class comment)
     * @param layerCount    layers of this kind over all steps
     * @param layersPerStep {@code layerCount / steps}
     * @param meanLayerNs   mean layer time (GPU span), ns
     * @param perStepNs     {@code layersPerStep × meanLayerNs}, ns
     * @param sharePct      {@code perStepNs} as percent of the mean step time, 0-100 (one decimal)
     * @param operators     operators in launch order
     * @param gapMeanNs     mean GPU idle time inside a layer, ns
     * @param overlapMeanNs mean time counted twice because kernels of the layer overlap, ns
     * @param exampleLayer  name of the first layer range of this kind, or {@code null} (kernel sequence)
     */
    public record LayerKind(String name, int layerCount, double layersPerStep, double meanLayerNs, double perStepNs,
                            double sharePct, List<LayerOperator> operators, double gapMeanNs, double overlapMeanNs,
                            String exampleLayer) {
        /** Copies the list. */
        public LayerKind {
            operators = List.copyOf(operators);
        }

        /** @return the operator with this name, or {@code null} */
        public LayerOperator operator(String operatorName) {
            for (LayerOperator o : operators) {
                if (o.name().equals(operatorName)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** Copies the list. */
    public StepAnatomy {
        Objects.requireNonNull(options, "options");
        layerKinds = List.copyOf(layerKinds);
    }

    private static final Pattern MODULE_INDEX = Pattern.compile("\\.\\d+(?=\\.|$)");
    private static final Pattern LAYER_WORD = Pattern.compile("(?i)(^|[^a-z])(layers?|blocks?)([^a-z]|$)");
    private static final Pattern MOE_WORD = Pattern.compile(
            "(?i)moe|expert|dispatch|combine|topk|top_k|gate|gating|router|all_to_all");
    private static final String WHOLE_TRACE_LABEL = "(whole trace)";

    /**
     * Runs the analysis (computing a {@link PhaseAnalysis} with default options when needed for the step).
     *
     * @param trace   the trace
     * @param options options, see {@link AnatomyOptions#defaults()}
     * @return the result; never throws on real data (no kernels → {@link StepSource#NONE}, no layers →
     *         {@link LayerSource#NONE})
     */
    public static StepAnatomy of(Trace trace, AnatomyOptions options) {
        return of(trace, null, options);
    }

    /**
     * Runs the analysis reusing a phase analysis of the same trace.
     *
     * @param trace   the trace
     * @param phases  phase analysis of {@code trace}, or {@code null} to compute one when needed
     * @param options options
     * @return the result
     */
    public static StepAnatomy of(Trace trace, PhaseAnalysis phases, AnatomyOptions options) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(options, "options");
        return new Computation(trace, phases, options).run();
    }

    /**
     * Normalisation of range names for step and layer keys: {@link PhaseNames#normalise} (emit_nvtx ids stripped,
     * trailing counter → {@code N}) and module-path indices {@code .3.} → {@code .N.}
     * ({@code model.layers.3.mlp → model.layers.N.mlp}).
     *
     * @param text range text, or {@code null}
     * @return the normalised name, or {@code null}
     */
    public static String normaliseName(String text) {
        String t = PhaseNames.normalise(text, true);
        return t == null ? null : MODULE_INDEX.matcher(t).replaceAll(".N");
    }

    /** @return whether layers were found */
    public boolean hasLayers() {
        return !layerKinds.isEmpty();
    }

    /** @return the kind with this name, or {@code null} */
    public LayerKind layerKind(String name) {
        for (LayerKind k : layerKinds) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** @return total layers per step over all kinds */
    public double layersPerStep() {
        double s = 0;
        for (LayerKind k : layerKinds) {
            s += k.layersPerStep();
        }
        return s;
    }

    /** @return {@link #remainderMeanNs()} as percent of the mean step time, 0-100 (one decimal) */
    public double remainderPct() {
        return stepMeanNs <= 0 ? 0.0 : SummaryStats.round1(100.0 * remainderMeanNs / stepMeanNs);
    }

    /**
     * @return tables {@code step_layers} (one row per layer kind, then the remainder and the step total; empty without
     *         layers) and {@code layer_operators} (per kind: its operators with parts, mean per layer, share and
     *         exposed time, then gaps, overlap and the layer total)
     */
    public List<ResultTable> toTables() {
        return List.of(stepTable(), operatorsTable());
    }

    private ResultTable stepTable() {
        List<Column> cols = List.of(new Column("Layer Kind", Kind.TEXT), new Column("Layers Per Step", Kind.NUMBER),
                new Column("Mean Per Layer", Kind.DURATION), new Column("Per Step", Kind.DURATION),
                new Column("Share Of Step", Kind.PERCENT));
        List<Object[]> rows = new ArrayList<>();
        if (hasLayers()) {
            for (LayerKind k : layerKinds) {
                rows.add(new Object[] {k.name(), round2(k.layersPerStep()), SummaryStats.round1(k.meanLayerNs()),
                    SummaryStats.round1(k.perStepNs()), k.sharePct()});
            }
            rows.add(new Object[] {"(outside layers: embedding, head, sampling, gaps)", null, null,
                SummaryStats.round1(remainderMeanNs), remainderPct()});
            rows.add(new Object[] {"step total", round2(layersPerStep()), null, SummaryStats.round1(stepMeanNs),
                100.0});
        }
        String title = "Step Anatomy: Layers Per Step (" + (stepLabel == null ? "no steps" : stepLabel) + ", "
                + steps + (steps == 1 ? " step" : " steps") + ", layers from "
                + layerSource.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
        return new ResultTable("step_layers", title, cols, rows);
    }

    private ResultTable operatorsTable() {
        List<Column> cols = List.of(new Column("Layer Kind", Kind.TEXT), new Column("Operator", Kind.TEXT),
                new Column("Kernel Parts (us)", Kind.TEXT), new Column("Mean Per Layer", Kind.DURATION),
                new Column("Share Of Layer", Kind.PERCENT), new Column("Exposed", Kind.DURATION));
        List<Object[]> rows = new ArrayList<>();
        for (LayerKind k : layerKinds) {
            for (LayerOperator o : k.operators()) {
                rows.add(new Object[] {k.name(), o.name(), o.partsText(), SummaryStats.round1(o.meanNs()), o.sharePct(),
                    o.exposedMeanNs() == null ? null : SummaryStats.round1(o.exposedMeanNs())});
            }
            if (k.gapMeanNs() != 0) {
                rows.add(new Object[] {k.name(), "(GPU idle inside the layer)", "", SummaryStats.round1(k.gapMeanNs()),
                    pct(k.gapMeanNs(), k.meanLayerNs()), null});
            }
            if (k.overlapMeanNs() != 0) {
                rows.add(new Object[] {k.name(), "(overlapping kernels, counted twice)", "",
                    SummaryStats.round1(-k.overlapMeanNs()), pct(-k.overlapMeanNs(), k.meanLayerNs()), null});
            }
            rows.add(new Object[] {k.name(), "layer total", "", SummaryStats.round1(k.meanLayerNs()), 100.0, null});
        }
        return new ResultTable("layer_operators", "Step Anatomy: Operators Per Layer Kind (mean per layer)", cols,
                rows);
    }

    static double pct(double part, double whole) {
        return whole == 0 ? 0.0 : SummaryStats.round1(100.0 * part / whole);
    }

    private static double round2(double x) {
        return Math.round(x * 100.0) / 100.0;
    }

    /** µs with at most one decimal, trailing ".0" dropped: 2000 → "2", 2750 → "2.8". */
    static String micros(double ns) {
        String s = String.format(Locale.ROOT, "%.1f", ns / 1000.0);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    // ==================================================================================================== computation

    /** One detected layer: its kernels grouped into operator instances, in launch order. */
    private record Layer(int step, String rangeName, String[] opNames, int[][] opKernels, long spanStart,
                         long spanEnd) {
    }

    /** Growable int array (kernel indices of one operator instance), no boxing. */
    private static final class IntList {
        private int[] a = new int[4];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** One run; per-call scratch state (no static mutable state). */
    private static final class Computation {
        private final Trace trace;
        private final AnatomyOptions options;
        private PhaseAnalysis phases;
        private final KernelTable kt;
        private final int n;
        private final long[] launchT;
        private final long[] launchTid;
        private final int[] stepOf;
        // steps
        private long[] sStart = new long[0];
        private long[] sEnd = new long[0];
        private long sScope;
        private boolean sWholeTrace;
        private int[] sRow = new int[0];
        private NvtxTable sTable;
        private int stepCount;
        // kernel name caches
        private String[] opNameOfNameId;
        private byte[] commOfNameId;
        private KernelClassifier classifier;
        private long[][] computeUnionByDevice;

        Computation(Trace trace, PhaseAnalysis phases, AnatomyOptions options) {
            this.trace = trace;
            this.phases = phases;
            this.options = options;
            this.kt = trace.kernels();
            this.n = kt.size();
            this.launchT = new long[n];
            this.launchTid = new long[n];
            this.stepOf = new int[n];
        }

        StepAnatomy run() {
            if (n == 0) {
                return empty(null, StepSource.NONE);
            }
            ApiCallTable api = trace.cudaApi();
            LaunchLinks links = api.size() > 0 ? trace.launchLinksOrCompute() : null;
            for (int k = 0; k < n; k++) {
                int row = links == null ? -1 : links.kernelApiRow(k);
                if (row >= 0 && row < api.size()) {
                    launchT[k] = api.startNs(row);
                    launchTid[k] = api.globalTid(row);
                } else {
                    launchT[k] = kt.startNs(k);
                    launchTid[k] = -1;
                }
            }
            StepSource source = findSteps();
            String label = source == StepSource.WHOLE_TRACE ? WHOLE_TRACE_LABEL : sTable.textId(sRow[0]) < 0 ? "?"
                    : normaliseName(trace.string(sTable.textId(sRow[0])));
            assignKernelsToSteps();
            double stepMean = 0;
            double kernelMean = 0;
            for (int s = 0; s < stepCount; s++) {
                stepMean += sEnd[s] - sStart[s];
            }
            long kernelSum = 0;
            for (int k = 0; k < n; k++) {
                if (stepOf[k] >= 0) {
                    kernelSum += kt.endNs(k) - kt.startNs(k);
                }
            }
            stepMean /= stepCount;
            kernelMean = (double) kernelSum / stepCount;

            List<Layer> layers = null;
            LayerSource layerSource = LayerSource.NONE;
            String layerLabel = null;
            for (NvtxTable t : List.of(trace.nvtx(), trace.cpuRanges())) {
                String[] keyOut = new String[1];
                layers = rangeLayers(t, kernelSum, keyOut);
                if (layers != null) {
                    layerSource = LayerSource.RANGES;
                    layerLabel = keyOut[0];
                    break;
                }
            }
            if (layers == null) {
                String[] anchorOut = new String[1];
                layers = sequenceLayers(anchorOut);
                if (layers != null) {
                    layerSource = LayerSource.KERNEL_SEQUENCE;
                    layerLabel = anchorOut[0];
                }
            }
            List<LayerKind> kinds = layers == null ? List.of() : kinds(layers, stepMean);
            double layerTime = 0;
            for (LayerKind k : kinds) {
                layerTime += k.perStepNs();
            }
            return new StepAnatomy(options, label, source, stepCount, stepMean, kernelMean,
                    kinds.isEmpty() ? LayerSource.NONE : layerSource, kinds.isEmpty() ? null : layerLabel, kinds,
                    kinds.isEmpty() ? stepMean : stepMean - layerTime);
        }

        private StepAnatomy empty(String label, StepSource source) {
            return new StepAnatomy(options, label, source, 0, 0, 0, LayerSource.NONE, null, List.of(), 0);
        }

        // ------------------------------------------------------------------------------------------------ steps

        private StepSource findSteps() {
            if (options.stepRange() != null) {
                String want = normaliseName(options.stepRange());
                for (NvtxTable t : List.of(trace.nvtx(), trace.cpuRanges())) {
                    if (rangeSteps(t, want, options.stepRange())) {
                        return StepSource.OPTION;
                    }
                }
            }
            if (rangeSteps(trace.nvtx(), PhaseAnalysis.PROFILER_STEP_KEY, null)) {
                return StepSource.PROFILER_STEP;
            }
            if (phases == null) {
                phases = PhaseAnalysis.of(trace, PhaseOptions.defaults());
            }
            PhaseSeries main = phases.mainIteration();
            if (main != null && !main.operatorLevel()) {
                List<PhaseOccurrence> occ = main.occurrences();
                int m = occ.size();
                sStart = new long[m];
                sEnd = new long[m];
                sRow = new int[m];
                for (int i = 0; i < m; i++) {
                    sStart[i] = occ.get(i).startNs();
                    sEnd[i] = occ.get(i).endNs();
                    sRow[i] = occ.get(i).nvtxRow();
                }
                sTable = trace.nvtx();
                sScope = main.globalTid();
                stepCount = m;
                return StepSource.MAIN_ITERATION;
            }
            // whole trace of the process with the most kernel time
            Map<Long, Long> timeByProcess = new HashMap<>();
            for (int k = 0; k < n; k++) {
                long p = launchTid[k] >= 0 ? GlobalIds.processOf(launchTid[k]) : kt.globalPid(k);
                timeByProcess.merge(p, kt.endNs(k) - kt.startNs(k), Long::sum);
            }
            long best = Long.MIN_VALUE;
            long bestTime = -1;
            for (Map.Entry<Long, Long> e : timeByProcess.entrySet()) {
                if (e.getValue() > bestTime || (e.getValue() == bestTime && e.getKey() < best)) {
                    best = e.getKey();
                    bestTime = e.getValue();
                }
            }
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int k = 0; k < n; k++) {
                if (processOfKernel(k) == best) {
                    first = Math.min(first, kt.startNs(k));
                    last = Math.max(last, kt.endNs(k));
                }
            }
            sWholeTrace = true;
            sScope = best;
            sStart = new long[] {first};
            sEnd = new long[] {last};
            sRow = new int[] {-1};
            stepCount = 1;
            return StepSource.WHOLE_TRACE;
        }

        private long processOfKernel(int k) {
            return launchTid[k] >= 0 ? GlobalIds.processOf(launchTid[k]) : kt.globalPid(k);
        }

        /** Steps = ranges of table {@code t} with this normalised name (or raw text), on the thread with most time. */
        private boolean rangeSteps(NvtxTable t, String normalised, String raw) {
            int gpuAnnotation = trace.strings().find(PhaseAnalysis.GPU_USER_ANNOTATION_DOMAIN);
            int textCount = trace.strings().size();
            byte[] match = new byte[textCount]; // 0 unknown, 1 yes, 2 no
            List<Integer> rows = new ArrayList<>();
            Map<Long, Long> timeByThread = new HashMap<>();
            for (int i = 0; i < t.size(); i++) {
                if (!(t.isPushPop(i) || t.isStartEnd(i)) || !t.hasEnd(i) || t.endNs(i) < t.startNs(i)) {
                    continue;
                }
                int text = t.textId(i);
                if (text < 0 || text >= textCount) {
                    continue;
                }
                if (t.domainNameId(i) != StringTable.NONE && t.domainNameId(i) == gpuAnnotation) {
                    continue;
                }
                if (match[text] == 0) {
                    String s = trace.string(text);
                    match[text] = (byte) (normalised.equals(normaliseName(s)) || s.equals(raw) ? 1 : 2);
                }
                if (match[text] == 1) {
                    rows.add(i);
                    timeByThread.merge(t.globalTid(i), t.endNs(i) - t.startNs(i), Long::sum);
                }
            }
            if (rows.isEmpty()) {
                return false;
            }
            long tid = Long.MIN_VALUE;
            long bestTime = -1;
            for (Map.Entry<Long, Long> e : timeByThread.entrySet()) {
                if (e.getValue() > bestTime || (e.getValue() == bestTime && e.getKey() < tid)) {
                    tid = e.getKey();
                    bestTime = e.getValue();
                }
            }
            final long thread = tid;
            int[] idx = rows.stream().filter(r -> t.globalTid(r) == thread).mapToInt(Integer::intValue).toArray();
            PrimitiveSort.sortIndices(idx, (a, b) -> {
                int c = Long.compare(t.startNs(a), t.startNs(b));
                return c != 0 ? c : Long.compare(t.endNs(b), t.endNs(a));
            });
            List<Integer> kept = new ArrayList<>();
            long lastEnd = Long.MIN_VALUE;
            for (int r : idx) {
                if (t.startNs(r) >= lastEnd) {
                    kept.add(r);
                    lastEnd = t.endNs(r);
                }
            }
            int m = kept.size();
            sStart = new long[m];
            sEnd = new long[m];
            sRow = new int[m];
            for (int i = 0; i < m; i++) {
                int r = kept.get(i);
                sStart[i] = t.startNs(r);
                sEnd[i] = t.endNs(r);
                sRow[i] = r;
            }
            sTable = t;
            sScope = thread;
            stepCount = m;
            return true;
        }

        private void assignKernelsToSteps() {
            Arrays.fill(stepOf, -1);
            for (int k = 0; k < n; k++) {
                if (sWholeTrace) {
                    if (processOfKernel(k) == sScope) {
                        stepOf[k] = 0;
                    }
                    continue;
                }
                boolean inScope = launchTid[k] >= 0 ? launchTid[k] == sScope
                        : kt.globalPid(k) == GlobalIds.processOf(sScope);
                if (!inScope) {
                    continue;
                }
                long t = launchT[k];
                int lo = 0;
                int hi = stepCount; // first step with start > t
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (sStart[mid] <= t) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                int s = lo - 1;
                if (s >= 0 && t < sEnd[s]) {
                    stepOf[k] = s;
                }
            }
        }

        // ------------------------------------------------------------------------------------------------ ranges

        /**
         * @return layers from ranges of table {@code t}, or {@code null} when no key qualifies
         */
        private List<Layer> rangeLayers(NvtxTable t, long stepKernelSum, String[] keyOut) {
            if (t.size() == 0 || stepKernelSum <= 0) {
                return null;
            }
            int[] kernels = stepKernelsWithLaunch();
            if (kernels.length == 0) {
                return null;
            }
            int[] innermost = innermostRanges(t, kernels);
            // keys
            LongIntHashMap keyCache = new LongIntHashMap(1024);
            Map<String, Integer> keyIds = new HashMap<>();
            List<String> keyNames = new ArrayList<>();
            List<String> keyLabels = new ArrayList<>();
            int[] keyOfRow = new int[0];
            BitSet visited = new BitSet(t.size());
            int[] visitedRows = new int[64];
            int visitedCount = 0;
            long[] occ = new long[16];
            long[] gpu = new long[16];
            boolean[] selfNested = new boolean[16];
            int[] chainKeys = new int[64];
            int gpuAnnotation = trace.strings().find(PhaseAnalysis.GPU_USER_ANNOTATION_DOMAIN);
            LongIntHashMap rowKey = new LongIntHashMap(1024);
            for (int k : kernels) {
                int s = stepOf[k];
                long d = kt.endNs(k) - kt.startNs(k);
                int depth = 0;
                for (int r = innermost[k]; r >= 0; r = t.parent(r)) {
                    if (!insideStep(t, r, s)) {
                        break;
                    }
                    int key = rowKey.get(r);
                    if (key < 0) {
                        key = keyOf(t, r, keyCache, keyIds, keyNames, keyLabels, gpuAnnotation);
                        rowKey.putIfAbsent(r, key + 1);
                    } else {
                        key = key - 1;
                    }
                    if (key < 0) {
                        continue;
                    }
                    if (key >= occ.length) {
                        int c = Math.max(key + 1, occ.length * 2);
                        occ = Arrays.copyOf(occ, c);
                        gpu = Arrays.copyOf(gpu, c);
                        selfNested = Arrays.copyOf(selfNested, c);
                    }
                    for (int j = 0; j < depth; j++) {
                        if (chainKeys[j] == key) {
                            selfNested[key] = true;
                        }
                    }
                    if (depth == chainKeys.length) {
                        chainKeys = Arrays.copyOf(chainKeys, depth * 2);
                    }
                    chainKeys[depth++] = key;
                    gpu[key] += d;
                    if (!visited.get(r)) {
                        visited.set(r);
                        occ[key]++;
                        if (visitedCount == visitedRows.length) {
                            visitedRows = Arrays.copyOf(visitedRows, visitedCount * 2);
                        }
                        visitedRows[visitedCount++] = r;
                    }
                }
            }
            int keys = keyNames.size();
            boolean[] candidate = new boolean[keys];
            for (int key = 0; key < keys; key++) {
                candidate[key] = occ[key] >= 2L * stepCount && !selfNested[key];
            }
            boolean[] notOutermost = new boolean[keys];
            for (int v = 0; v < visitedCount; v++) {
                int r = visitedRows[v];
                int key = rowKey.get(r) - 1;
                if (key < 0 || !candidate[key]) {
                    continue;
                }
                int s = stepOfRow(t, r);
                for (int p = t.parent(r); p >= 0 && s >= 0 && insideStep(t, p, s); p = t.parent(p)) {
                    int pk = rowKey.get(p) - 1;
                    if (pk >= 0 && pk != key && candidate[pk]) {
                        notOutermost[key] = true;
                        break;
                    }
                }
            }
            int layerKey = -1;
            for (int key = 0; key < keys; key++) {
                if (!candidate[key] || notOutermost[key]) {
                    continue;
                }
                if (layerKey < 0 || gpu[key] > gpu[layerKey]
                        || (gpu[key] == gpu[layerKey] && keyLabels.get(key).compareTo(keyLabels.get(layerKey)) < 0)) {
                    layerKey = key;
                }
            }
            if (layerKey < 0 || 100.0 * gpu[layerKey] < options.minLayerCoveragePct() * stepKernelSum) {
                return null;
            }
            keyOut[0] = keyLabels.get(layerKey);
            // layer rows: the key's rows plus layer-like siblings
            Set<Integer> layerParents = new HashSet<>();
            for (int v = 0; v < visitedCount; v++) {
                int r = visitedRows[v];
                if (rowKey.get(r) - 1 == layerKey) {
                    layerParents.add(t.parent(r));
                }
            }
            BitSet isLayer = new BitSet(t.size());
            for (int v = 0; v < visitedCount; v++) {
                int r = visitedRows[v];
                int key = rowKey.get(r) - 1;
                if (key == layerKey) {
                    isLayer.set(r);
                } else if (key >= 0 && !selfNested[key] && layerParents.contains(t.parent(r))
                        && LAYER_WORD.matcher(keyNames.get(key)).find()) {
                    isLayer.set(r);
                }
            }
            // per kernel: layer row and operator row
            int m = kernels.length;
            int[] layerOf = new int[m];
            int[] opOf = new int[m];
            int[] chain = new int[64];
            int withLayer = 0;
            for (int i = 0; i < m; i++) {
                int k = kernels[i];
                int s = stepOf[k];
                int len = 0;
                int li = -1;
                for (int r = innermost[k]; r >= 0 && insideStep(t, r, s); r = t.parent(r)) {
                    if (len == chain.length) {
                        chain = Arrays.copyOf(chain, len * 2);
                    }
                    chain[len++] = r;
                    if (isLayer.get(r)) {
                        li = len - 1;
                        break;
                    }
                }
                layerOf[i] = li < 0 ? -1 : chain[li];
                if (li < 0) {
                    opOf[i] = -1;
                    continue;
                }
                withLayer++;
                if (li == 0) {
                    opOf[i] = -1;
                } else if (options.operatorDepth() > 0 && li - options.operatorDepth() >= 0) {
                    opOf[i] = chain[li - options.operatorDepth()];
                } else {
                    opOf[i] = chain[0];
                }
            }
            if (withLayer == 0) {
                return null;
            }
            // order kernels by (layer start, layer row, kernel start, kernel)
            int[] order = new int[withLayer];
            int o = 0;
            for (int i = 0; i < m; i++) {
                if (layerOf[i] >= 0) {
                    order[o++] = i;
                }
            }
            PrimitiveSort.sortIndices(order, (a, b) -> {
                int c = Long.compare(t.startNs(layerOf[a]), t.startNs(layerOf[b]));
                if (c != 0) {
                    return c;
                }
                c = Integer.compare(layerOf[a], layerOf[b]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(launchT[kernels[a]], launchT[kernels[b]]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(kt.startNs(kernels[a]), kt.startNs(kernels[b]));
                return c != 0 ? c : Integer.compare(kernels[a], kernels[b]);
            });
            List<Layer> layers = new ArrayList<>();
            int a = 0;
            while (a < withLayer) {
                int lr = layerOf[order[a]];
                int b = a + 1;
                while (b < withLayer && layerOf[order[b]] == lr) {
                    b++;
                }
                // operator instances: a range occurrence, or a run of consecutive rule-mapped kernels
                List<String> names = new ArrayList<>();
                List<IntList> parts = new ArrayList<>();
                Map<Integer, Integer> instanceOfOpRow = new HashMap<>();
                int lastInstance = -1;
                String lastMapped = null;
                for (int j = a; j < b; j++) {
                    int i = order[j];
                    int k = kernels[i];
                    int op = opOf[i];
                    if (op >= 0) {
                        Integer inst = instanceOfOpRow.get(op);
                        if (inst == null) {
                            inst = names.size();
                            instanceOfOpRow.put(op, inst);
                            int tx = t.textId(op);
                            names.add(tx < 0 ? "(unnamed range)" : normaliseName(trace.string(tx)));
                            parts.add(new IntList());
                        }
                        parts.get(inst).add(k);
                        lastMapped = null;
                        lastInstance = inst;
                    } else {
                        String name = operatorOfKernel(k);
                        if (lastMapped != null && lastMapped.equals(name) && lastInstance == names.size() - 1) {
                            parts.get(lastInstance).add(k);
                        } else {
                            lastInstance = names.size();
                            names.add(name);
                            parts.add(new IntList());
                            parts.get(lastInstance).add(k);
                            lastMapped = name;
                        }
                    }
                }
                int tx = t.textId(lr);
                layers.add(layer(stepOf[kernels[order[a]]], tx < 0 ? null : trace.string(tx), names, parts));
                a = b;
            }
            return layers;
        }

        private int stepOfRow(NvtxTable t, int r) {
            // the step containing the row's start (rows are only visited inside a step)
            if (sWholeTrace) {
                return 0;
            }
            int lo = 0;
            int hi = stepCount;
            long x = t.startNs(r);
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sStart[mid] <= x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo - 1;
        }

        /** Whether range {@code r} lies inside step {@code s} and is not the step range itself. */
        private boolean insideStep(NvtxTable t, int r, int s) {
            if (t == sTable && r == sRow[s]) {
                return false;
            }
            if (sWholeTrace) {
                return t.hasEnd(r);
            }
            return t.hasEnd(r) && t.startNs(r) >= sStart[s] && t.endNs(r) <= sEnd[s];
        }

        private int keyOf(NvtxTable t, int r, LongIntHashMap cache, Map<String, Integer> ids, List<String> names,
                          List<String> labels, int gpuAnnotation) {
            int text = t.textId(r);
            if (text < 0 || !t.hasEnd(r)) {
                return -1;
            }
            int dom = t.domainNameId(r);
            if (dom != StringTable.NONE && dom == gpuAnnotation) {
                return -1;
            }
            long ck = ((long) text << 32) | (dom & 0xFFFFFFFFL);
            int k = cache.get(ck);
            if (k >= 0) {
                return k;
            }
            String name = normaliseName(trace.string(text));
            String label = dom == StringTable.NONE ? name : trace.string(dom) + ":" + name;
            Integer id = ids.get(label);
            if (id == null) {
                id = names.size();
                ids.put(label, id);
                names.add(name);
                labels.add(label);
            }
            cache.putIfAbsent(ck, id);
            return id;
        }

        /** @return the step kernels that have a launch call, sorted by (launch thread, launch time, kernel) */
        private int[] stepKernelsWithLaunch() {
            int m = 0;
            for (int k = 0; k < n; k++) {
                if (stepOf[k] >= 0 && launchTid[k] >= 0) {
                    m++;
                }
            }
            int[] idx = new int[m];
            int o = 0;
            for (int k = 0; k < n; k++) {
                if (stepOf[k] >= 0 && launchTid[k] >= 0) {
                    idx[o++] = k;
                }
            }
            return PrimitiveSort.sortIndices(idx, (a, b) -> {
                int c = Long.compare(launchTid[a], launchTid[b]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(launchT[a], launchT[b]);
                return c != 0 ? c : Integer.compare(a, b);
            });
        }

        /**
         * Innermost push/pop range of {@code t} containing each kernel's launch on its thread: one sweep over ranges
         * sorted by (thread, start, end descending) and launches sorted by (thread, time), with a stack of open ranges.
         *
         * @return per kernel index (size n), the row or -1
         */
        private int[] innermostRanges(NvtxTable t, int[] kernels) {
            int[] out = new int[n];
            Arrays.fill(out, -1);
            int size = t.size();
            int m = 0;
            int[] rows = new int[size];
            for (int i = 0; i < size; i++) {
                if (t.isPushPop(i) && t.hasEnd(i) && t.endNs(i) >= t.startNs(i)) {
                    rows[m++] = i;
                }
            }
            rows = PrimitiveSort.sortIndices(Arrays.copyOf(rows, m), (a, b) -> {
                int c = Long.compare(t.globalTid(a), t.globalTid(b));
                if (c != 0) {
                    return c;
                }
                c = Long.compare(t.startNs(a), t.startNs(b));
                if (c != 0) {
                    return c;
                }
                c = Long.compare(t.endNs(b), t.endNs(a));
                return c != 0 ? c : Integer.compare(a, b);
            });
            int[] stack = new int[64];
            int top = 0;
            long stackTid = Long.MIN_VALUE;
            int i = 0;
            for (int k : kernels) {
                long g = launchTid[k];
                long x = launchT[k];
                while (i < m && (t.globalTid(rows[i]) < g || (t.globalTid(rows[i]) == g && t.startNs(rows[i]) <= x))) {
                    int r = rows[i++];
                    if (t.globalTid(r) != stackTid) {
                        top = 0;
                        stackTid = t.globalTid(r);
                    }
                    while (top > 0 && t.endNs(stack[top - 1]) <= t.startNs(r)) {
                        top--;
                    }
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = r;
                }
                if (stackTid != g) {
                    top = 0;
                    stackTid = g;
                }
                while (top > 0 && t.endNs(stack[top - 1]) <= x) {
                    top--;
                }
                out[k] = top > 0 ? stack[top - 1] : -1;
            }
            return out;
        }

        // ------------------------------------------------------------------------------------------------ sequence

        private String operatorOfKernel(int k) {
            int id = kt.demangledNameId(k);
            if (id == StringTable.NONE) {
                id = kt.shortNameId(k);
            }
            int names = trace.strings().size();
            if (id < 0 || id >= names) {
                return "(unnamed kernel)";
            }
            if (opNameOfNameId == null) {
                opNameOfNameId = new String[names];
            }
            String op = opNameOfNameId[id];
            if (op == null) {
                op = options.mapping().operatorOf(trace.string(id));
                if (op == null) {
                    op = shortName(k);
                }
                opNameOfNameId[id] = op;
            }
            return op;
        }

        private String shortName(int k) {
            int s = kt.shortNameId(k);
            if (s == StringTable.NONE) {
                s = kt.demangledNameId(k);
            }
            String v = s == StringTable.NONE ? null : trace.string(s);
            return v == null ? "(unnamed kernel)" : v;
        }

        /** @return layers found from the repeating operator sequence, or {@code null} */
        private List<Layer> sequenceLayers(String[] anchorOut) {
            // per step: kernels in GPU start order, collapsed into operator instances
            int[] all = new int[n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                if (stepOf[k] >= 0) {
                    all[m++] = k;
                }
            }
            int[] order = PrimitiveSort.sortIndices(Arrays.copyOf(all, m), (a, b) -> {
                int c = Integer.compare(stepOf[a], stepOf[b]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(kt.startNs(a), kt.startNs(b));
                return c != 0 ? c : Integer.compare(a, b);
            });
            Map<String, Integer> opIds = new HashMap<>();
            List<String> opNames = new ArrayList<>();
            // instances: op id, first index into order (inclusive), end index (exclusive); per step ranges
            int[] instOp = new int[Math.max(16, m)];
            int[] instFrom = new int[Math.max(16, m)];
            int[] instTo = new int[Math.max(16, m)];
            int[] stepInstFrom = new int[stepCount + 1];
            int ic = 0;
            int curStep = -1;
            for (int j = 0; j < m; j++) {
                int k = order[j];
                while (curStep < stepOf[k]) {
                    curStep++;
                    stepInstFrom[curStep] = ic;
                }
                String name = operatorOfKernel(k);
                Integer id = opIds.get(name);
                if (id == null) {
                    id = opNames.size();
                    opIds.put(name, id);
                    opNames.add(name);
                }
                if (ic > 0 && instOp[ic - 1] == id && instTo[ic - 1] == j && stepInstFrom[curStep] < ic) {
                    instTo[ic - 1] = j + 1;
                } else {
                    instOp[ic] = id;
                    instFrom[ic] = j;
                    instTo[ic] = j + 1;
                    ic++;
                }
            }
            while (curStep < stepCount) {
                curStep++;
                stepInstFrom[curStep] = ic;
            }
            int ops = opNames.size();
            // anchor
            int[] minCount = new int[ops];
            Arrays.fill(minCount, Integer.MAX_VALUE);
            long[] time = new long[ops];
            for (int s = 0; s < stepCount; s++) {
                int[] c = new int[ops];
                for (int x = stepInstFrom[s]; x < stepInstFrom[s + 1]; x++) {
                    c[instOp[x]]++;
                    for (int j = instFrom[x]; j < instTo[x]; j++) {
                        time[instOp[x]] += kt.endNs(order[j]) - kt.startNs(order[j]);
                    }
                }
                for (int op = 0; op < ops; op++) {
                    minCount[op] = Math.min(minCount[op], c[op]);
                }
            }
            int anchor = -1;
            for (String a : options.anchorOperators()) {
                Integer id = opIds.get(a);
                if (id != null && minCount[id] >= 2) {
                    anchor = id;
                    break;
                }
            }
            if (anchor < 0) {
                for (int op = 0; op < ops; op++) {
                    if (minCount[op] >= 2 && (anchor < 0 || time[op] > time[anchor]
                            || (time[op] == time[anchor] && opNames.get(op).compareTo(opNames.get(anchor)) < 0))) {
                        anchor = op;
                    }
                }
            }
            if (anchor < 0) {
                return null;
            }
            anchorOut[0] = opNames.get(anchor);
            // anchor positions per step
            List<int[]> anchorsByStep = new ArrayList<>();
            for (int s = 0; s < stepCount; s++) {
                int c = 0;
                for (int x = stepInstFrom[s]; x < stepInstFrom[s + 1]; x++) {
                    if (instOp[x] == anchor) {
                        c++;
                    }
                }
                int[] pos = new int[c];
                c = 0;
                for (int x = stepInstFrom[s]; x < stepInstFrom[s + 1]; x++) {
                    if (instOp[x] == anchor) {
                        pos[c++] = x;
                    }
                }
                anchorsByStep.add(pos);
            }
            // head = longest common suffix of the segments between consecutive anchors
            int head = Integer.MAX_VALUE;
            int refEnd = -1;
            for (int[] pos : anchorsByStep) {
                for (int i = 1; i < pos.length; i++) {
                    if (refEnd < 0) {
                        refEnd = pos[i];
                        head = pos[i] - pos[i - 1] - 1;
                        continue;
                    }
                    int len = 0;
                    int max = Math.min(head, pos[i] - pos[i - 1] - 1);
                    while (len < max && instOp[pos[i] - 1 - len] == instOp[refEnd - 1 - len]) {
                        len++;
                    }
                    head = len;
                }
            }
            if (refEnd < 0) {
                return null;
            }
            // tails between anchors; frequent tails
            Map<List<Integer>, Integer> tailCount = new HashMap<>();
            for (int[] pos : anchorsByStep) {
                for (int i = 0; i + 1 < pos.length; i++) {
                    tailCount.merge(opSeq(instOp, pos[i] + 1, pos[i + 1] - head), 1, Integer::sum);
                }
            }
            List<List<Integer>> frequent = new ArrayList<>();
            for (Map.Entry<List<Integer>, Integer> e : tailCount.entrySet()) {
                if (e.getValue() >= 2L * stepCount) {
                    frequent.add(e.getKey());
                }
            }
            List<Layer> layers = new ArrayList<>();
            for (int s = 0; s < stepCount; s++) {
                int[] pos = anchorsByStep.get(s);
                int stepFrom = stepInstFrom[s];
                int stepTo = stepInstFrom[s + 1];
                // first layer's head: the part of the common head that the prologue ends with
                int firstHead = 0;
                if (pos.length > 0 && refEnd >= 0) {
                    while (firstHead < head && pos[0] - 1 - firstHead >= stepFrom
                            && instOp[pos[0] - 1 - firstHead] == instOp[refEnd - 1 - firstHead]) {
                        firstHead++;
                    }
                }
                int nextFrom = pos.length > 0 ? pos[0] - firstHead : stepTo;
                for (int i = 0; i < pos.length; i++) {
                    int from = nextFrom;
                    int tailEnd = i + 1 < pos.length ? pos[i + 1] - head : stepTo; // exclusive
                    int tailLen = tailEnd - pos[i] - 1;
                    List<Integer> tail = opSeq(instOp, pos[i] + 1, tailEnd);
                    boolean last = i + 1 == pos.length;
                    if (tailCount.getOrDefault(tail, 0) < 2L * stepCount) {
                        int best = -1;
                        for (List<Integer> f : frequent) {
                            if (f.size() <= tail.size() && (f.size() < tail.size() || last) && f.size() > best
                                    && tail.subList(0, f.size()).equals(f)) {
                                best = f.size();
                            }
                        }
                        if (best >= 0) {
                            tailLen = best;
                        }
                    }
                    int to = pos[i] + 1 + tailLen; // exclusive
                    nextFrom = i + 1 < pos.length ? to : stepTo;
                    List<String> names = new ArrayList<>();
                    List<IntList> parts = new ArrayList<>();
                    for (int x = from; x < to; x++) {
                        names.add(opNames.get(instOp[x]));
                        IntList ks = new IntList();
                        for (int j = instFrom[x]; j < instTo[x]; j++) {
                            ks.add(order[j]);
                        }
                        parts.add(ks);
                    }
                    layers.add(layer(s, null, names, parts));
                }
            }
            return layers;
        }

        private static List<Integer> opSeq(int[] instOp, int from, int to) {
            List<Integer> out = new ArrayList<>(Math.max(0, to - from));
            for (int x = from; x < to; x++) {
                out.add(instOp[x]);
            }
            return out;
        }

        // ------------------------------------------------------------------------------------------------ kinds

        /** Builds a layer, giving repeated operator names an ordinal ({@code " #2"}). */
        private Layer layer(int step, String rangeName, List<String> names, List<IntList> parts) {
            Map<String, Integer> seen = new HashMap<>();
            String[] opNames = new String[names.size()];
            int[][] opKernels = new int[names.size()][];
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < opNames.length; i++) {
                int c = seen.merge(names.get(i), 1, Integer::sum);
                opNames[i] = c == 1 ? names.get(i) : names.get(i) + " #" + c;
                opKernels[i] = parts.get(i).toArray();
                for (int k : opKernels[i]) {
                    first = Math.min(first, kt.startNs(k));
                    last = Math.max(last, kt.endNs(k));
                }
            }
            return new Layer(step, rangeName, opNames, opKernels, first, last);
        }

        private List<LayerKind> kinds(List<Layer> layers, double stepMean) {
            Map<String, List<Layer>> bySignature = new LinkedHashMap<>();
            for (Layer l : layers) {
                boolean mtp = l.rangeName() != null && l.rangeName().toLowerCase(Locale.ROOT).contains("mtp");
                String sig = String.join("\u0001", l.opNames()) + (mtp ? "\u0002mtp" : "");
                bySignature.computeIfAbsent(sig, x -> new ArrayList<>()).add(l);
            }
            List<LayerKind> out = new ArrayList<>();
            Map<String, Integer> labelCount = new HashMap<>();
            for (List<Layer> group : bySignature.values()) {
                Layer f = group.get(0);
                String base;
                if (f.rangeName() != null && f.rangeName().toLowerCase(Locale.ROOT).contains("mtp")) {
                    base = "mtp";
                } else {
                    base = "dense";
                    for (String op : f.opNames()) {
                        if (MOE_WORD.matcher(op).find()) {
                            base = "moe";
                            break;
                        }
                    }
                }
                int c = labelCount.merge(base, 1, Integer::sum);
                out.add(kind(c == 1 ? base : base + "-" + c, group, stepMean));
            }
            return out;
        }

        private LayerKind kind(String name, List<Layer> group, double stepMean) {
            Layer f = group.get(0);
            int ops = f.opNames().length;
            int count = group.size();
            double[] opSum = new double[ops];
            double[] exposedSum = new double[ops];
            boolean[] comm = new boolean[ops];
            Arrays.fill(comm, true);
            double[][] partSum = new double[ops][];
            boolean[] partsConsistent = new boolean[ops];
            for (int p = 0; p < ops; p++) {
                partSum[p] = new double[f.opKernels()[p].length];
                partsConsistent[p] = true;
            }
            double spanSum = 0;
            double gapSum = 0;
            double overlapSum = 0;
            for (Layer l : group) {
                long span = l.spanEnd() - l.spanStart();
                spanSum += span;
                Intervals u = new Intervals(16);
                long kernelTime = 0;
                for (int p = 0; p < ops; p++) {
                    int[] ks = l.opKernels()[p];
                    if (ks.length != partSum[p].length) {
                        partsConsistent[p] = false;
                    }
                    for (int j = 0; j < ks.length; j++) {
                        int k = ks[j];
                        long d = kt.endNs(k) - kt.startNs(k);
                        opSum[p] += d;
                        kernelTime += d;
                        u.add(kt.startNs(k), kt.endNs(k));
                        if (partsConsistent[p]) {
                            partSum[p][j] += d;
                        }
                        comm[p] &= isComm(k);
                    }
                }
                long union = Intervals.length(u.union());
                gapSum += span - union;
                overlapSum += kernelTime - union;
            }
            double meanLayer = spanSum / count;
            List<LayerOperator> operators = new ArrayList<>();
            for (int p = 0; p < ops; p++) {
                List<KernelPart> parts = new ArrayList<>();
                if (partsConsistent[p]) {
                    int[] ks = f.opKernels()[p];
                    for (int j = 0; j < ks.length; j++) {
                        parts.add(new KernelPart(shortName(ks[j]), partSum[p][j] / count));
                    }
                }
                Double exposed = null;
                if (comm[p]) {
                    for (Layer l : group) {
                        for (int k : l.opKernels()[p]) {
                            exposedSum[p] += exposedNs(k);
                        }
                    }
                    exposed = exposedSum[p] / count;
                }
                double mean = opSum[p] / count;
                operators.add(new LayerOperator(f.opNames()[p], parts, mean, pct(mean, meanLayer), comm[p], exposed));
            }
            double perStep = spanSum / stepCount;
            return new LayerKind(name, count, (double) count / stepCount, meanLayer, perStep, pct(perStep, stepMean),
                    operators, gapSum / count, overlapSum / count, f.rangeName());
        }

        private boolean isComm(int k) {
            int id = kt.demangledNameId(k);
            if (id == StringTable.NONE) {
                id = kt.shortNameId(k);
            }
            int names = trace.strings().size();
            if (id < 0 || id >= names) {
                return false;
            }
            if (commOfNameId == null) {
                commOfNameId = new byte[names];
                classifier = KernelClassifier.builtIn();
            }
            if (commOfNameId[id] == 0) {
                commOfNameId[id] = (byte) (classifier.classify(trace.string(id)).category()
                        == KernelCategory.COMMUNICATION ? 1 : 2);
            }
            return commOfNameId[id] == 1;
        }

        /** Kernel time of {@code k} not covered by non-communication kernels of its device. */
        private long exposedNs(int k) {
            if (computeUnionByDevice == null) {
                int maxDevice = 0;
                for (int i = 0; i < n; i++) {
                    maxDevice = Math.max(maxDevice, kt.deviceId(i));
                }
                Intervals[] byDevice = new Intervals[maxDevice + 1];
                for (int i = 0; i < n; i++) {
                    int dev = kt.deviceId(i);
                    if (dev >= 0 && !isComm(i)) {
                        if (byDevice[dev] == null) {
                            byDevice[dev] = new Intervals(1024);
                        }
                        byDevice[dev].add(kt.startNs(i), kt.endNs(i));
                    }
                }
                computeUnionByDevice = new long[maxDevice + 1][];
                for (int d = 0; d <= maxDevice; d++) {
                    computeUnionByDevice[d] = byDevice[d] == null ? new long[0] : byDevice[d].union();
                }
            }
            int dev = kt.deviceId(k);
            long[] u = dev >= 0 && dev < computeUnionByDevice.length ? computeUnionByDevice[dev] : new long[0];
            long d = kt.endNs(k) - kt.startNs(k);
            return d - Intervals.lengthWithin(u, kt.startNs(k), kt.endNs(k));
        }
    }
}
