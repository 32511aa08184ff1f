package io.proflens.analysis.phases;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Phases and iterations of a trace: which annotation ranges repeat (step loops), how long each iteration takes, its
 * warm-up, the GPU idle between iterations, what the iteration is made of, and forward vs backward.
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li><b>Ranges</b>: push/pop and start/end rows of {@link Trace#nvtx()} with an end and a text (marks, open ranges
 *       and unnamed ranges are skipped). Kineto user annotations ({@code ProfilerStep#N}, {@code ## forward ##},
 *       {@code record_function} names) are stored there by the importer. Rows of the domain
 *       {@code gpu_user_annotation} (Kineto's GPU copies of annotations, on GPU pseudo threads) are excluded.</li>
 *   <li><b>Key</b>: NVTX domain + normalised name ({@link PhaseNames#normalise}: {@code ProfilerStep#12 →
 *       ProfilerStep#N}, emit_nvtx op ids stripped).</li>
 *   <li><b>Series</b>: the ranges of one key on one thread. A series is <em>repeating</em> when it has at least two
 *       ranges and none overlaps another (a loop); only repeating series are reported. The same key on two ranks (or
 *       two threads) gives two series, each carrying its pid and tid.</li>
 *   <li><b>Main iteration</b>: {@link PhaseOptions#iterationKey()} if given and present; otherwise, among the
 *       outermost repeating series (not nested in an occurrence of another repeating series), ranked by: key
 *       {@code ProfilerStep#N} first (the PyTorch profiler's own step definition), then by total time descending,
 *       then label, pid, tid. Names are deliberately not used otherwise: a {@code forward_only} loop must not win
 *       over a longer {@code full_train_loop}, and on a trace without a step range (a sliced window of
 *       {@code emit_nvtx} operator ranges) the answer is simply the outermost range that covers the most time. The first one is
 *       the main series; every series with its key (other ranks) is listed in {@link #iterations()}.</li>
 *   <li><b>GPU projection</b> (nsys {@code nvtx_gpu_proj_sum}, nsys-reference.md §3.14): the kernels, memcpys and
 *       memsets whose launching CUDA API call ({@link Trace#launchLinksOrCompute()}) starts inside the range
 *       ({@code [start, end)}) on the same thread. nsys requires the whole call inside the range; the two differ
 *       only for a call that straddles the range's end. Operations without a launch in the capture are not
 *       projected. {@link PhaseOptions#processWideGpu()} widens "same thread" to "same process".</li>
 *   <li><b>GPU gap</b> between consecutive occurrences: {@code firstGpuStart(i+1) - lastGpuEnd(i)}, and the device
 *       idle time in that window: its length minus the union of all kernels, memcpys and memsets of the process
 *       (any launch, any device of the process) in it.</li>
 *   <li><b>Children</b> of the main iteration: ranges whose tightest enclosing push/pop range is an occurrence of the
 *       main series ({@link NvtxTable#parent}); containment = union of children clipped to the iteration.</li>
 *   <li><b>Forward/backward</b>: see {@link ForwardBackward}; roles by name, see {@link PhaseNames}.</li>
 * </ol>
 *
 * <p>Cost: O(n log n) in the NVTX rows plus O(GPU ops × nesting depth of the projected series).
 *
 * @param options            the options used
 * @param spanNs             length of the trace span (first to last event), ns; 0 for an empty trace
 * @param series             all repeating series, by total time descending, then label, pid, tid
 * @param iterationCandidates the outermost repeating series in ranking order (see above); the first is the main one
 * @param mainIteration      the main iteration series, or {@code null} when nothing repeats
 * @param iterations         the series of the main key (one per thread/rank), main series first, then by pid, tid
 * @param childPhases        direct children of the main series, by total descending then label; empty without one
 * @param containment        main series vs its direct children, or {@code null} without a main series
 * @param forwardBackward    forward/backward ratio, or {@code null} unless both a forward and a backward series exist
 * @param phaseKernels       GPU kernels per projected series that launched anything, in {@link #series()} order
 * @param tokensPerSecond    {@code tokensPerStep / steady mean of the main series}, tokens/s; {@code null} without
 *                           a token count, a main series or a positive steady mean
 * @param overlappingSeries  number of key/thread groups with ≥ 2 ranges that were not reported because some of their
 *                           ranges overlap (nested or crossing ranges of one key)
 */
public record PhaseAnalysis(PhaseOptions options, long spanNs, List<PhaseSeries> series,
                            List<PhaseSeries> iterationCandidates, PhaseSeries mainIteration,
                            List<PhaseSeries> iterations, List<ChildPhase> childPhases, Containment containment,
                            ForwardBackward forwardBackward, List<PhaseKernels> phaseKernels, Double tokensPerSecond,
                            int overlappingSeries) {
    /** Domain name of Kineto's GPU-side annotation copies, excluded from iteration detection. */
    public static final String GPU_USER_ANNOTATION_DOMAIN = "gpu_user_annotation";
    /** Key name of the PyTorch profiler step annotation after normalisation. */
    public static final String PROFILER_STEP_KEY = "ProfilerStep#N";

    /** Copies the lists; {@code options} must not be null. */
    public PhaseAnalysis {
        Objects.requireNonNull(options, "options");
        series = List.copyOf(series);
        iterationCandidates = List.copyOf(iterationCandidates);
        iterations = List.copyOf(iterations);
        childPhases = List.copyOf(childPhases);
        phaseKernels = List.copyOf(phaseKernels);
    }

    /**
     * Runs the analysis. Never throws on real data: absent or empty tables give empty results.
     *
     * @param trace   the trace
     * @param options options, see {@link PhaseOptions#defaults()}
     * @return the result
     */
    public static PhaseAnalysis of(Trace trace, PhaseOptions options) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(options, "options");
        return new Computation(trace, options).run();
    }

    /** @return the series with this label, all threads, in {@link #series()} order */
    public List<PhaseSeries> seriesByLabel(String label) {
        List<PhaseSeries> out = new ArrayList<>();
        for (PhaseSeries s : series) {
            if (s.label().equals(label)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * @return tables {@code phases} (one row per repeating series), {@code iterations} (one row per occurrence of the
     *         main key), {@code phase_children} (direct children of the main iteration plus the unexplained
     *         remainder) and {@code phase_kernels} (per projected phase and kernel category)
     */
    public List<ResultTable> toTables() {
        return List.of(phasesTable(), iterationsTable(), childrenTable(), kernelsTable());
    }

    private ResultTable phasesTable() {
        List<Column> cols = List.of(new Column("Name", Kind.TEXT), new Column("PID", Kind.INTEGER),
                new Column("TID", Kind.INTEGER), new Column("Role", Kind.TEXT), new Column("Count", Kind.INTEGER),
                new Column("Mean", Kind.DURATION), new Column("StdDev", Kind.DURATION), new Column("Min", Kind.DURATION),
                new Column("Max", Kind.DURATION), new Column("Med", Kind.DURATION), new Column("Total", Kind.DURATION),
                new Column("Share", Kind.PERCENT), new Column("Warm-up", Kind.INTEGER),
                new Column("Steady Mean", Kind.DURATION));
        List<Object[]> rows = new ArrayList<>();
        for (PhaseSeries s : series) {
            SummaryStats st = s.stats();
            rows.add(new Object[] {s.label(), (long) s.pid(), (long) s.tid(), s.role().name().toLowerCase(java.util.Locale.ROOT),
                st.count(), SummaryStats.round1(st.mean()), SummaryStats.round1(st.stddev()), st.min(), st.max(),
                SummaryStats.round1(st.median()), st.total(), s.sharePct(), (long) s.warmup().size(),
                SummaryStats.round1(s.steadyMeanNs())});
        }
        return new ResultTable("phases", "Repeating Phases", cols, rows);
    }

    private ResultTable iterationsTable() {
        List<Column> cols = List.of(new Column("Name", Kind.TEXT), new Column("PID", Kind.INTEGER),
                new Column("Index", Kind.INTEGER), new Column("Start", Kind.TIMESTAMP),
                new Column("Duration", Kind.DURATION), new Column("GPU Ops", Kind.INTEGER),
                new Column("GPU Busy", Kind.DURATION), new Column("GPU Gap To Next", Kind.DURATION),
                new Column("GPU Idle To Next", Kind.DURATION), new Column("Warm-up", Kind.TEXT));
        List<Object[]> rows = new ArrayList<>();
        for (PhaseSeries s : iterations) {
            for (PhaseOccurrence o : s.occurrences()) {
                rows.add(new Object[] {s.label(), (long) s.pid(), (long) o.index(), o.startNs(), o.durationNs(),
                    (long) o.gpuOps(), o.gpuBusyNs(), o.gpuGapToNextNs(), o.gpuIdleToNextNs(),
                    o.warmup() ? "yes" : "no"});
            }
        }
        return new ResultTable("iterations", "Iterations", cols, rows);
    }

    private ResultTable childrenTable() {
        List<Column> cols = List.of(new Column("Phase", Kind.TEXT), new Column("Role", Kind.TEXT),
                new Column("Count", Kind.INTEGER), new Column("Mean Per Iteration", Kind.DURATION),
                new Column("Total", Kind.DURATION), new Column("Share", Kind.PERCENT));
        List<Object[]> rows = new ArrayList<>();
        for (ChildPhase c : childPhases) {
            rows.add(new Object[] {c.label(), c.role().name().toLowerCase(java.util.Locale.ROOT), (long) c.count(),
                SummaryStats.round1(c.meanPerIterationNs()), c.totalNs(), c.sharePct()});
        }
        if (containment != null) {
            rows.add(new Object[] {"(not in a child range)", "", null,
                SummaryStats.round1(containment.meanRemainderPerIterationNs()), containment.remainderNs(),
                containment.remainderPct()});
        }
        return new ResultTable("phase_children", "Phases Inside The Iteration", cols, rows);
    }

    private ResultTable kernelsTable() {
        List<Column> cols = List.of(new Column("Phase", Kind.TEXT), new Column("PID", Kind.INTEGER),
                new Column("Category", Kind.TEXT), new Column("Time", Kind.DURATION), new Column("Share", Kind.PERCENT),
                new Column("Count", Kind.INTEGER), new Column("Top Kernel", Kind.TEXT));
        List<Object[]> rows = new ArrayList<>();
        for (PhaseKernels p : phaseKernels) {
            for (PhaseKernels.CategoryTime c : p.categories()) {
                rows.add(new Object[] {p.phaseLabel(), (long) p.pid(), c.category().label(), c.timeNs(), c.sharePct(),
                    c.count(), c.topKernel()});
            }
        }
        return new ResultTable("phase_kernels", "GPU Kernels Per Phase", cols, rows);
    }

    /** One run of the analysis; holds the per-call scratch state (no static mutable state). */
    private static final class Computation {
        private final Trace trace;
        private final PhaseOptions options;
        private final NvtxTable nv;

        /** Eligible NVTX rows sorted by (key, thread, start, end, row). */
        private int[] sorted;
        private int[] rowKey;
        private final List<PhaseKey> keys = new ArrayList<>();
        /** Per repeating series: slice of {@link #sorted}. */
        private int[] seriesFrom = new int[16];
        private int[] seriesTo = new int[16];
        private int seriesCount;
        private int[] seriesOfRow;
        /** Key/thread groups with ≥ 2 ranges dropped because their ranges overlap. */
        private int overlapping;

        // GPU projection state, built on first use
        private boolean gpuReady;
        private ApiCallTable api;
        private long[] opStart;
        private long[] opEnd;
        private int[] opsOfApiFrom;
        private int[] opsOfApi;
        private long[] scopeSorted;
        private long[] apiStartSorted;
        private int[] apiRowSorted;
        private final Map<Long, long[]> processUnion = new TreeMap<>();
        private int[] categoryOfName;
        private KernelClassifier classifier;
        private KernelAccumulator accumulator;

        Computation(Trace trace, PhaseOptions options) {
            this.trace = trace;
            this.options = options;
            this.nv = trace.nvtx();
        }

        PhaseAnalysis run() {
            long[] span = trace.spanNs();
            long spanLen = span == null ? 0 : span[1] - span[0];
            buildSeries();
            int[] nearestRepeatingAncestor = nearestRepeatingAncestors();

            // per-series facts
            SeriesFacts[] facts = new SeriesFacts[seriesCount];
            for (int s = 0; s < seriesCount; s++) {
                facts[s] = facts(s, nearestRepeatingAncestor, spanLen);
            }
            Integer[] bySize = new Integer[seriesCount];
            for (int s = 0; s < seriesCount; s++) {
                bySize[s] = s;
            }
            Comparator<Integer> byTotal = Comparator.<Integer>comparingLong(s -> -facts[s].stats.total())
                    .thenComparing((a, b) -> compareIdentity(facts[a], facts[b]));
            Arrays.sort(bySize, byTotal);

            // candidates and main series
            List<Integer> candidates = new ArrayList<>();
            for (int s : bySize) {
                if (facts[s].outermost) {
                    candidates.add(s);
                }
            }
            int[] tiers = new int[seriesCount];
            for (int s : candidates) {
                tiers[s] = tier(s, facts[s]);
            }
            candidates.sort(Comparator.<Integer>comparingInt(s -> tiers[s]).thenComparing(byTotal));
            int main = -1;
            if (options.iterationKey() != null) {
                for (int s : bySize) {
                    if (facts[s].key.label().equals(options.iterationKey())) {
                        main = s;
                        break;
                    }
                }
            }
            if (main < 0 && !candidates.isEmpty()) {
                main = candidates.get(0);
            }

            // children of the main series
            boolean[] focus = new boolean[seriesCount];
            List<ChildPhase> children = new ArrayList<>();
            Containment containment = null;
            if (main >= 0) {
                containment = children(main, facts[main], children, focus);
                for (int s = 0; s < seriesCount; s++) {
                    if (facts[s].key.equals(facts[main].key)) {
                        focus[s] = true;
                    }
                }
            }
            for (int s = 0; s < seriesCount; s++) {
                if (facts[s].role != PhaseRole.OTHER) {
                    focus[s] = true;
                }
            }

            // assemble series (projected where focused)
            PhaseSeries[] out = new PhaseSeries[seriesCount];
            PhaseKernels[] kernels = new PhaseKernels[seriesCount];
            for (int s : bySize) {
                out[s] = assemble(s, facts[s], focus[s], kernels);
            }
            List<PhaseSeries> all = new ArrayList<>();
            List<PhaseKernels> phaseKernels = new ArrayList<>();
            for (int s : bySize) {
                all.add(out[s]);
                if (kernels[s] != null) {
                    phaseKernels.add(kernels[s]);
                }
            }
            List<PhaseSeries> cand = new ArrayList<>();
            for (int s : candidates) {
                cand.add(out[s]);
            }
            PhaseSeries mainSeries = main >= 0 ? out[main] : null;
            List<PhaseSeries> iterations = new ArrayList<>();
            if (main >= 0) {
                iterations.add(mainSeries);
                List<Integer> others = new ArrayList<>();
                for (int s = 0; s < seriesCount; s++) {
                    if (s != main && facts[s].key.equals(facts[main].key)) {
                        others.add(s);
                    }
                }
                others.sort((a, b) -> compareIdentity(facts[a], facts[b]));
                for (int s : others) {
                    iterations.add(out[s]);
                }
            }
            Double tokensPerSecond = null;
            if (mainSeries != null && options.tokensPerStep() != null && mainSeries.steadyMeanNs() > 0) {
                tokensPerSecond = options.tokensPerStep() * 1e9 / mainSeries.steadyMeanNs();
            }
            return new PhaseAnalysis(options, spanLen, all, cand, mainSeries, iterations, children, containment,
                    forwardBackward(all), phaseKernels, tokensPerSecond, overlapping);
        }

        /**
         * Main-iteration preference: 0 {@code ProfilerStep#N}; 1 a phase-level range whose occurrences launch GPU
         * work; 2 another phase-level range; 3 an operator-level range ({@link PhaseNames#isOperatorLevel}) that
         * launches GPU work; 4 the rest. A decode loop's {@code forward} (which launches the kernels) thus wins over
         * the longer {@code sampling} range between forwards that launches nothing.
         */
        private int tier(int s, SeriesFacts f) {
            if (f.key.name().equals(PROFILER_STEP_KEY)) {
                return 0;
            }
            boolean op = operatorLevel(s, f);
            boolean gpu = launchesGpuWork(s, f);
            return op ? (gpu ? 3 : 4) : (gpu ? 1 : 2);
        }

        /**
         * @return whether series {@code s} is operator-level: its key by {@link PhaseNames#isOperatorLevel}, or its
         *         raw range names carry PyTorch emit_nvtx call ids (every emit_nvtx range is an operator, including
         *         autograd Function classes without a namespace, such as {@code AllToAll4D, seq = 12, op_id = 3})
         */
        private boolean operatorLevel(int s, SeriesFacts f) {
            if (PhaseNames.isOperatorLevel(f.key)) {
                return true;
            }
            int r = sorted[seriesFrom[s]];
            int textId = nv.textId(r);
            return textId >= 0 && io.proflens.analysis.stats.NamingPolicy.hasOpIds(trace.string(textId));
        }

        /** @return whether some occurrence of series {@code s} (the first 16 are looked at) launches a GPU op */
        private boolean launchesGpuWork(int s, SeriesFacts f) {
            if (!prepareGpu()) {
                return false;
            }
            long scope = options.processWideGpu() ? GlobalIds.processOf(f.globalTid) : f.globalTid;
            int a = seriesFrom[s];
            int n = Math.min(16, seriesTo[s] - a);
            for (int j = 0; j < n; j++) {
                int r = sorted[a + j];
                int lo = lowerBound(scope, nv.startNs(r));
                int hi = lowerBound(scope, nv.endNs(r));
                for (int x = lo; x < hi; x++) {
                    int api = apiRowSorted[x];
                    if (opsOfApiFrom[api + 1] > opsOfApiFrom[api]) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static int compareIdentity(SeriesFacts a, SeriesFacts b) {
            int c = a.key.compareTo(b.key);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(GlobalIds.pid(a.globalTid), GlobalIds.pid(b.globalTid));
            return c != 0 ? c : Long.compare(a.globalTid, b.globalTid);
        }

        // ---------------------------------------------------------------- ranges, keys, series

        private void buildSeries() {
            int n = nv.size();
            rowKey = new int[n];
            Arrays.fill(rowKey, -1);
            seriesOfRow = new int[n];
            Arrays.fill(seriesOfRow, -1);
            StringTable strings = trace.strings();
            int gpuAnnotation = strings.find(GPU_USER_ANNOTATION_DOMAIN);
            io.proflens.model.LongIntHashMap keyOfTextDomain = new io.proflens.model.LongIntHashMap(1024); // lookup only
            Map<PhaseKey, Integer> keyIds = new HashMap<>();
            int[] rows = new int[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (!nv.isPushPop(i) && !nv.isStartEnd(i)) {
                    continue;
                }
                if (!nv.hasEnd(i) || nv.endNs(i) < nv.startNs(i) || nv.textId(i) == StringTable.NONE) {
                    continue;
                }
                int domainName = nv.domainNameId(i);
                if (domainName != StringTable.NONE && domainName == gpuAnnotation) {
                    continue;
                }
                int domainPart = domainName != StringTable.NONE ? domainName
                        : nv.domainId(i) == 0 ? -1 : -2 - Math.max(0, nv.domainId(i));
                long cacheKey = ((long) nv.textId(i) << 32) | (domainPart & 0xFFFFFFFFL);
                int k = keyOfTextDomain.get(cacheKey);
                if (k < 0) {
                    String domain = domainName != StringTable.NONE ? trace.string(domainName)
                            : nv.domainId(i) == 0 ? null : "domain" + nv.domainId(i);
                    PhaseKey key = new PhaseKey(domain,
                            PhaseNames.normalise(trace.string(nv.textId(i)), options.stripOpIds()));
                    Integer known = keyIds.get(key);
                    if (known == null) {
                        known = keys.size();
                        keys.add(key);
                        keyIds.put(key, known);
                    }
                    k = known;
                    keyOfTextDomain.putIfAbsent(cacheKey, k);
                }
                rowKey[i] = k;
                rows[m++] = i;
            }
            sorted = sortByKeyThreadStart(Arrays.copyOf(rows, m));
            int a = 0;
            while (a < m) {
                int first = sorted[a];
                int b = a + 1;
                while (b < m && rowKey[sorted[b]] == rowKey[first] && nv.globalTid(sorted[b]) == nv.globalTid(first)) {
                    b++;
                }
                if (b - a >= 2) {
                    boolean disjoint = true;
                    for (int j = a + 1; j < b && disjoint; j++) {
                        disjoint = nv.startNs(sorted[j]) >= nv.endNs(sorted[j - 1]);
                    }
                    if (disjoint) {
                        if (seriesCount == seriesFrom.length) {
                            seriesFrom = Arrays.copyOf(seriesFrom, seriesCount * 2);
                            seriesTo = Arrays.copyOf(seriesTo, seriesCount * 2);
                        }
                        seriesFrom[seriesCount] = a;
                        seriesTo[seriesCount] = b;
                        for (int j = a; j < b; j++) {
                            seriesOfRow[sorted[j]] = seriesCount;
                        }
                        seriesCount++;
                    } else {
                        overlapping++;
                    }
                }
                a = b;
            }
        }

        /**
         * Orders rows by (key, thread, start, end, row) without a comparator sort of all rows: a stable counting sort
         * by key, then by thread within each key, keeps the export's row order (nsys and Kineto rows come in start
         * order), so only (key, thread) segments that are not yet ordered are sorted with the full comparator.
         */
        private int[] sortByKeyThreadStart(int[] rows) {
            int m = rows.length;
            int[] byKey = countingSort(rows, rowKey, keys.size());
            io.proflens.model.LongIntHashMap tidIndex = new io.proflens.model.LongIntHashMap(64);
            int[] tidOf = new int[nv.size()];
            long[] tids = new long[16];
            for (int r : rows) {
                long g = nv.globalTid(r);
                int t = tidIndex.get(g);
                if (t < 0) {
                    t = tidIndex.size();
                    tidIndex.putIfAbsent(g, t);
                    if (t == tids.length) {
                        tids = Arrays.copyOf(tids, t * 2);
                    }
                    tids[t] = g;
                }
                tidOf[r] = t;
            }
            // thread order by globalTid value, as the comparator would have it
            int nt = tidIndex.size();
            long[] tv = Arrays.copyOf(tids, nt);
            int[] rankOfTid = new int[nt];
            int[] order = PrimitiveSort.sortIndices(PrimitiveSort.identity(nt), (x, y) -> Long.compare(tv[x], tv[y]));
            for (int i = 0; i < nt; i++) {
                rankOfTid[order[i]] = i;
            }
            int[] out = new int[m];
            int a = 0;
            while (a < m) {
                int b = a + 1;
                int key = rowKey[byKey[a]];
                while (b < m && rowKey[byKey[b]] == key) {
                    b++;
                }
                int[] seg = Arrays.copyOfRange(byKey, a, b);
                int[] segSorted = countingSortBy(seg, r -> rankOfTid[tidOf[r]], nt);
                // within each thread: already in (start, end, row) order in the common case
                int c = 0;
                while (c < segSorted.length) {
                    int d = c + 1;
                    int t = tidOf[segSorted[c]];
                    while (d < segSorted.length && tidOf[segSorted[d]] == t) {
                        d++;
                    }
                    boolean ordered = true;
                    for (int j = c + 1; j < d && ordered; j++) {
                        ordered = compareStartEndRow(segSorted[j - 1], segSorted[j]) < 0;
                    }
                    if (!ordered) {
                        int[] part = PrimitiveSort.sortIndices(Arrays.copyOfRange(segSorted, c, d),
                                this::compareStartEndRow);
                        System.arraycopy(part, 0, segSorted, c, d - c);
                    }
                    c = d;
                }
                System.arraycopy(segSorted, 0, out, a, b - a);
                a = b;
            }
            return out;
        }

        private int compareStartEndRow(int a, int b) {
            int c = Long.compare(nv.startNs(a), nv.startNs(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(nv.endNs(a), nv.endNs(b));
            return c != 0 ? c : Integer.compare(a, b);
        }

        /** Stable counting sort of row indices by {@code keyOf[row]} in {@code [0, buckets)}. */
        private static int[] countingSort(int[] rows, int[] keyOf, int buckets) {
            return countingSortBy(rows, r -> keyOf[r], buckets);
        }

        private static int[] countingSortBy(int[] rows, java.util.function.IntUnaryOperator bucketOf, int buckets) {
            int[] start = new int[buckets + 1];
            for (int r : rows) {
                start[bucketOf.applyAsInt(r) + 1]++;
            }
            for (int i = 0; i < buckets; i++) {
                start[i + 1] += start[i];
            }
            int[] out = new int[rows.length];
            for (int r : rows) {
                out[start[bucketOf.applyAsInt(r)]++] = r;
            }
            return out;
        }

        /**
         * @return per NVTX row, the nearest push/pop ancestor that belongs to a repeating series, or -1; computed in
         *         order of depth so that a parent is done before its children (O(n))
         */
        private int[] nearestRepeatingAncestors() {
            int n = nv.size();
            int[] nearest = new int[n];
            Arrays.fill(nearest, -1);
            if (seriesCount == 0) {
                return nearest;
            }
            int maxDepth = 0;
            for (int i = 0; i < n; i++) {
                maxDepth = Math.max(maxDepth, nv.depth(i));
            }
            int[] start = new int[maxDepth + 2];
            for (int i = 0; i < n; i++) {
                start[nv.depth(i) + 1]++;
            }
            for (int d = 1; d < start.length; d++) {
                start[d] += start[d - 1];
            }
            int[] byDepth = new int[n];
            int[] fill = Arrays.copyOf(start, start.length);
            for (int i = 0; i < n; i++) {
                byDepth[fill[nv.depth(i)]++] = i;
            }
            for (int i : byDepth) {
                int p = nv.parent(i);
                if (p >= 0) {
                    nearest[i] = seriesOfRow[p] >= 0 ? p : nearest[p];
                }
            }
            return nearest;
        }

        /** Everything about a series that needs no GPU data. */
        private record SeriesFacts(PhaseKey key, long globalTid, PhaseRole role, int minDepth, boolean outermost,
                                   SummaryStats stats, double sharePct, double steadyMedian, double steadyMean,
                                   boolean[] warm, List<WarmupOutlier> warmup) {
        }

        private SeriesFacts facts(int s, int[] nearest, long spanLen) {
            int a = seriesFrom[s];
            int b = seriesTo[s];
            int n = b - a;
            long[] dur = new long[n];
            int minDepth = Integer.MAX_VALUE;
            boolean outermost = true;
            for (int j = 0; j < n; j++) {
                int r = sorted[a + j];
                dur[j] = nv.endNs(r) - nv.startNs(r);
                minDepth = Math.min(minDepth, nv.depth(r));
                outermost &= nearest[r] < 0;
            }
            SummaryStats stats = SummaryStats.compute(dur.clone(), 0, n);
            int w = Math.min(options.warmupMaxIterations(), n / 2);
            double steadyMedian = w == 0 ? stats.median() : SummaryStats.compute(Arrays.copyOfRange(dur, w, n), 0,
                    n - w).median();
            boolean[] warm = new boolean[n];
            List<WarmupOutlier> outliers = new ArrayList<>();
            for (int j = 0; j < w; j++) {
                if (dur[j] > options.warmupFactor() * steadyMedian) {
                    warm[j] = true;
                    outliers.add(new WarmupOutlier(j, nv.startNs(sorted[a + j]), dur[j], steadyMedian,
                            steadyMedian > 0 ? dur[j] / steadyMedian : Double.POSITIVE_INFINITY));
                }
            }
            long steadySum = 0;
            int steadyN = 0;
            for (int j = 0; j < n; j++) {
                if (!warm[j]) {
                    steadySum += dur[j];
                    steadyN++;
                }
            }
            PhaseKey key = keys.get(rowKey[sorted[a]]);
            return new SeriesFacts(key, nv.globalTid(sorted[a]), PhaseNames.role(key.name()), minDepth, outermost,
                    stats, SummaryStats.percent(stats.total(), spanLen), steadyMedian,
                    steadyN == 0 ? 0.0 : (double) steadySum / steadyN, warm, outliers);
        }

        // ---------------------------------------------------------------- children and containment

        private Containment children(int main, SeriesFacts mf, List<ChildPhase> out, boolean[] focus) {
            int a = seriesFrom[main];
            int b = seriesTo[main];
            int iterations = b - a;
            int[] iterationOfRow = new int[nv.size()];
            Arrays.fill(iterationOfRow, -1);
            for (int j = a; j < b; j++) {
                iterationOfRow[sorted[j]] = j - a;
            }
            // children per key: count, total, iterations seen; children intervals per iteration
            Map<Integer, long[]> perKey = new TreeMap<>(); // key id -> {count, total, iterations, lastIteration}
            Intervals[] childIntervals = new Intervals[iterations];
            long childrenSum = 0;
            for (int i : sorted) {
                int p = nv.parent(i);
                if (p < 0 || iterationOfRow[p] < 0) {
                    continue;
                }
                int it = iterationOfRow[p];
                long d = nv.endNs(i) - nv.startNs(i);
                long[] acc = perKey.computeIfAbsent(rowKey[i], k -> new long[] {0, 0, 0, -1});
                acc[0]++;
                acc[1] += d;
                if (acc[3] != it) {
                    acc[3] = it;
                    acc[2]++;
                }
                if (childIntervals[it] == null) {
                    childIntervals[it] = new Intervals(8);
                }
                childIntervals[it].add(nv.startNs(i), nv.endNs(i));
                childrenSum += d;
            }
            // sorted is ordered by (key, thread, start): children of one key arrive in iteration order, so the
            // "last iteration" trick above counts distinct iterations exactly
            long parentTotal = mf.stats.total();
            long covered = 0;
            for (int j = 0; j < iterations; j++) {
                if (childIntervals[j] != null) {
                    int r = sorted[a + j];
                    covered += Intervals.lengthWithin(childIntervals[j].union(), nv.startNs(r), nv.endNs(r));
                }
            }
            for (Map.Entry<Integer, long[]> e : perKey.entrySet()) {
                long[] acc = e.getValue();
                PhaseKey key = keys.get(e.getKey());
                out.add(new ChildPhase(key, PhaseNames.role(key.name()), (int) acc[0], (int) acc[2], acc[1],
                        (double) acc[1] / iterations, (double) acc[1] / acc[0],
                        SummaryStats.percent(acc[1], parentTotal)));
                for (int s = 0; s < seriesCount; s++) {
                    if (rowKey[sorted[seriesFrom[s]]] == e.getKey() && nv.globalTid(sorted[seriesFrom[s]])
                            == mf.globalTid) {
                        focus[s] = true;
                    }
                }
            }
            out.sort(Comparator.comparingLong(ChildPhase::totalNs).reversed().thenComparing(ChildPhase::key));
            long remainder = parentTotal - covered;
            return new Containment(mf.key.label(), iterations, parentTotal, covered, remainder,
                    SummaryStats.percent(remainder, parentTotal), (double) remainder / iterations, childrenSum);
        }

        // ---------------------------------------------------------------- GPU projection

        private PhaseSeries assemble(int s, SeriesFacts f, boolean project, PhaseKernels[] kernelsOut) {
            int a = seriesFrom[s];
            int n = seriesTo[s] - a;
            boolean projected = project && prepareGpu();
            int[] ops = projected ? new int[n] : null;
            long[] gStart = projected ? new long[n] : null;
            long[] gEnd = projected ? new long[n] : null;
            long[] busy = projected ? new long[n] : null;
            KernelAccumulator acc = null;
            if (projected) {
                if (accumulator == null) {
                    accumulator = new KernelAccumulator(); // one per run: its arrays are sized by the string table
                }
                acc = accumulator;
                acc.reset();
            }
            if (projected) {
                long scope = options.processWideGpu() ? GlobalIds.processOf(f.globalTid) : f.globalTid;
                for (int j = 0; j < n; j++) {
                    int r = sorted[a + j];
                    project(scope, nv.startNs(r), nv.endNs(r), j, ops, gStart, gEnd, busy, acc);
                }
            }
            long[] gapTo = projected ? new long[n] : null;
            long[] idleTo = projected ? new long[n] : null;
            long[] union = null;
            int pairs = 0;
            long gapSum = 0;
            long idleSum = 0;
            long gapMin = Long.MAX_VALUE;
            long gapMax = Long.MIN_VALUE;
            long idleMin = Long.MAX_VALUE;
            long idleMax = Long.MIN_VALUE;
            for (int j = 0; projected && j < n; j++) {
                gapTo[j] = OccurrenceList.NONE;
                idleTo[j] = OccurrenceList.NONE;
                if (j + 1 < n && ops[j] > 0 && ops[j + 1] > 0) {
                    long g = gStart[j + 1] - gEnd[j];
                    long id = 0;
                    if (g > 0) {
                        if (union == null) {
                            union = processUnion(GlobalIds.processOf(f.globalTid));
                        }
                        id = g - Intervals.lengthWithin(union, gEnd[j], gStart[j + 1]);
                    }
                    gapTo[j] = g;
                    idleTo[j] = id;
                    pairs++;
                    gapSum += g;
                    idleSum += id;
                    gapMin = Math.min(gapMin, g);
                    gapMax = Math.max(gapMax, g);
                    idleMin = Math.min(idleMin, id);
                    idleMax = Math.max(idleMax, id);
                }
            }
            List<PhaseOccurrence> occ = new OccurrenceList(nv, sorted, a, n, f.warm, ops, gStart, gEnd, busy, gapTo, idleTo);
            GpuGapStats gaps = pairs == 0 ? null : new GpuGapStats(pairs, (double) gapSum / pairs, gapMin, gapMax,
                    (double) idleSum / pairs, idleMin, idleMax);
            if (acc != null && acc.total > 0) {
                kernelsOut[s] = acc.result(f);
            }
            return new PhaseSeries(f.key, f.globalTid, GlobalIds.pid(f.globalTid), GlobalIds.tid(f.globalTid), f.role,
                    f.minDepth, f.outermost, f.stats, f.sharePct, f.steadyMedian, f.steadyMean, f.warmup, projected,
                    occ, gaps, operatorLevel(s, f));
        }

        /** Builds the op → API call index; false when the trace has no launches to project. */
        private boolean prepareGpu() {
            if (gpuReady) {
                return api != null;
            }
            gpuReady = true;
            ApiCallTable calls = trace.cudaApi();
            KernelTable k = trace.kernels();
            MemcpyTable mc = trace.memcpys();
            MemsetTable ms = trace.memsets();
            int nk = k.size();
            int nc = mc.size();
            int total = nk + nc + ms.size();
            if (calls.size() == 0 || total == 0) {
                return false;
            }
            LaunchLinks links = trace.launchLinksOrCompute();
            int na = calls.size();
            int[] opApi = new int[total];
            opStart = new long[total];
            opEnd = new long[total];
            for (int i = 0; i < total; i++) {
                int row;
                if (i < nk) {
                    row = links.kernelApiRow(i);
                    opStart[i] = k.startNs(i);
                    opEnd[i] = k.endNs(i);
                } else if (i < nk + nc) {
                    row = links.memcpyApiRow(i - nk);
                    opStart[i] = mc.startNs(i - nk);
                    opEnd[i] = mc.endNs(i - nk);
                } else {
                    row = links.memsetApiRow(i - nk - nc);
                    opStart[i] = ms.startNs(i - nk - nc);
                    opEnd[i] = ms.endNs(i - nk - nc);
                }
                opApi[i] = row >= 0 && row < na ? row : -1;
            }
            opsOfApiFrom = new int[na + 1];
            for (int r : opApi) {
                if (r >= 0) {
                    opsOfApiFrom[r + 1]++;
                }
            }
            for (int i = 0; i < na; i++) {
                opsOfApiFrom[i + 1] += opsOfApiFrom[i];
            }
            opsOfApi = new int[opsOfApiFrom[na]];
            int[] fill = Arrays.copyOf(opsOfApiFrom, na);
            for (int i = 0; i < total; i++) {
                if (opApi[i] >= 0) {
                    opsOfApi[fill[opApi[i]]++] = i;
                }
            }
            int m = 0;
            int[] launching = new int[na];
            for (int r = 0; r < na; r++) {
                if (opsOfApiFrom[r + 1] > opsOfApiFrom[r]) {
                    launching[m++] = r;
                }
            }
            if (m == 0) {
                return false;
            }
            boolean processWide = options.processWideGpu();
            long[] scope = new long[na];
            for (int r = 0; r < na; r++) {
                scope[r] = processWide ? GlobalIds.processOf(calls.globalTid(r)) : calls.globalTid(r);
            }
            apiRowSorted = PrimitiveSort.sortIndices(Arrays.copyOf(launching, m), (x, y) -> {
                int c = Long.compare(scope[x], scope[y]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(calls.startNs(x), calls.startNs(y));
                return c != 0 ? c : Integer.compare(x, y);
            });
            scopeSorted = new long[m];
            apiStartSorted = new long[m];
            for (int j = 0; j < m; j++) {
                scopeSorted[j] = scope[apiRowSorted[j]];
                apiStartSorted[j] = calls.startNs(apiRowSorted[j]);
            }
            api = calls;
            return true;
        }

        /** @return first index whose (scope, start) is ≥ (scope, t) */
        private int lowerBound(long scope, long t) {
            int lo = 0;
            int hi = scopeSorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int c = Long.compare(scopeSorted[mid], scope);
                if (c == 0) {
                    c = Long.compare(apiStartSorted[mid], t);
                }
                if (c < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private void project(long scope, long start, long end, int j, int[] ops, long[] gStart, long[] gEnd,
                             long[] busy, KernelAccumulator acc) {
            int lo = lowerBound(scope, start);
            int hi = lowerBound(scope, end);
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            int count = 0;
            Intervals u = null;
            for (int x = lo; x < hi; x++) {
                int r = apiRowSorted[x];
                for (int y = opsOfApiFrom[r]; y < opsOfApiFrom[r + 1]; y++) {
                    int op = opsOfApi[y];
                    if (u == null) {
                        u = new Intervals(16);
                    }
                    u.add(opStart[op], opEnd[op]);
                    min = Math.min(min, opStart[op]);
                    max = Math.max(max, opEnd[op]);
                    count++;
                    acc.add(op);
                }
            }
            ops[j] = count;
            gStart[j] = min;
            gEnd[j] = max;
            busy[j] = u == null ? 0 : Intervals.length(u.union());
        }

        /** @return union of every kernel, memcpy and memset of a process (launched or not), as a disjoint list */
        private long[] processUnion(long globalPid) {
            return processUnion.computeIfAbsent(globalPid, gp -> {
                Intervals in = new Intervals();
                KernelTable k = trace.kernels();
                for (int i = 0; i < k.size(); i++) {
                    if (k.globalPid(i) == gp) {
                        in.add(k.startNs(i), k.endNs(i));
                    }
                }
                MemcpyTable mc = trace.memcpys();
                for (int i = 0; i < mc.size(); i++) {
                    if (mc.globalPid(i) == gp) {
                        in.add(mc.startNs(i), mc.endNs(i));
                    }
                }
                MemsetTable ms = trace.memsets();
                for (int i = 0; i < ms.size(); i++) {
                    if (ms.globalPid(i) == gp) {
                        in.add(ms.startNs(i), ms.endNs(i));
                    }
                }
                return in.union();
            });
        }

        // ---------------------------------------------------------------- kernels per phase

        /**
         * Sums op time per name slot: kernel names by string id, then one slot per memcpy kind, one for memsets and
         * one for kernels without a name.
         */
        private final class KernelAccumulator {
            private final int names = trace.strings().size();
            private final long[] time = new long[names + 259];
            private final long[] count = new long[names + 259];
            private final boolean[] seen = new boolean[names + 259];
            private int[] touched = new int[64];
            private int touchedCount;
            long total;

            /** Clears the slots touched by the previous series (O(touched), not O(names)). */
            void reset() {
                for (int i = 0; i < touchedCount; i++) {
                    int slot = touched[i];
                    time[slot] = 0;
                    count[slot] = 0;
                    seen[slot] = false;
                }
                touchedCount = 0;
                total = 0;
            }

            void add(int op) {
                int slot = slotOf(op);
                long d = opEnd[op] - opStart[op];
                time[slot] += d;
                count[slot]++;
                total += d;
                if (!seen[slot]) {
                    seen[slot] = true;
                    if (touchedCount == touched.length) {
                        touched = Arrays.copyOf(touched, touched.length * 2);
                    }
                    touched[touchedCount++] = slot;
                }
            }

            private int slotOf(int op) {
                int nk = trace.kernels().size();
                int nc = trace.memcpys().size();
                if (op < nk) {
                    int id = trace.kernels().demangledNameId(op);
                    if (id == StringTable.NONE) {
                        id = trace.kernels().shortNameId(op);
                    }
                    return id == StringTable.NONE || id >= names ? names + 258 : id;
                }
                if (op < nk + nc) {
                    return names + (trace.memcpys().copyKind(op - nk) & 0xFF);
                }
                return names + 256;
            }

            private String nameOf(int slot) {
                if (slot < names) {
                    return trace.string(slot);
                }
                if (slot == names + 256) {
                    return NamingPolicy.MEMSET_NAME;
                }
                if (slot == names + 258) {
                    return "<unnamed kernel>";
                }
                String label = NamingPolicy.forMetadata(trace.metadata()).memcpyName(slot - names);
                return label != null ? label : "[CUDA memcpy]";
            }

            private KernelCategory categoryOf(int slot) {
                if (slot >= names) {
                    return slot == names + 256 ? KernelCategory.MEMSET
                            : slot == names + 258 ? KernelCategory.OTHER : KernelCategory.MEMCPY;
                }
                if (categoryOfName == null) {
                    categoryOfName = new int[names];
                    Arrays.fill(categoryOfName, -1);
                    classifier = KernelClassifier.builtIn();
                }
                if (categoryOfName[slot] < 0) {
                    categoryOfName[slot] = classifier.classify(trace.string(slot)).category().ordinal();
                }
                return KernelCategory.values()[categoryOfName[slot]];
            }

            PhaseKernels result(SeriesFacts f) {
                List<PhaseKernels.KernelTime> all = new ArrayList<>(touchedCount);
                for (int i = 0; i < touchedCount; i++) {
                    int slot = touched[i];
                    all.add(new PhaseKernels.KernelTime(nameOf(slot), categoryOf(slot), time[slot], count[slot]));
                }
                all.sort(Comparator.comparingLong(PhaseKernels.KernelTime::timeNs).reversed()
                        .thenComparing(PhaseKernels.KernelTime::name));
                Map<KernelCategory, long[]> byCat = new EnumMap<>(KernelCategory.class);
                Map<KernelCategory, String> top = new EnumMap<>(KernelCategory.class);
                for (PhaseKernels.KernelTime kt : all) {
                    long[] c = byCat.computeIfAbsent(kt.category(), x -> new long[2]);
                    c[0] += kt.timeNs();
                    c[1] += kt.count();
                    top.putIfAbsent(kt.category(), kt.name()); // first in time order = top
                }
                List<PhaseKernels.CategoryTime> cats = new ArrayList<>();
                for (Map.Entry<KernelCategory, long[]> e : byCat.entrySet()) {
                    cats.add(new PhaseKernels.CategoryTime(e.getKey(), e.getValue()[0], e.getValue()[1],
                            SummaryStats.percent(e.getValue()[0], total), top.get(e.getKey())));
                }
                cats.sort(Comparator.comparingLong(PhaseKernels.CategoryTime::timeNs).reversed()
                        .thenComparing(c -> c.category().label()));
                return new PhaseKernels(f.key.label(), GlobalIds.pid(f.globalTid), GlobalIds.tid(f.globalTid), f.role,
                        total, cats, all.subList(0, Math.min(options.topKernels(), all.size())));
            }
        }

        // ---------------------------------------------------------------- forward / backward

        private static ForwardBackward forwardBackward(List<PhaseSeries> all) {
            // `all` is sorted by total descending, then identity: the first match is the largest
            PhaseSeries fwd = first(all, PhaseRole.FORWARD, -1);
            if (fwd == null) {
                return null;
            }
            PhaseSeries bwd = first(all, PhaseRole.BACKWARD, fwd.pid());
            if (bwd == null) {
                bwd = first(all, PhaseRole.BACKWARD, -1);
            }
            if (bwd == null || fwd.meanNs() <= 0) {
                return null;
            }
            PhaseSeries opt = first(all, PhaseRole.OPTIMIZER, fwd.pid());
            return new ForwardBackward(fwd.label(), fwd.pid(), fwd.count(), fwd.meanNs(), bwd.label(), bwd.pid(),
                    bwd.count(), bwd.meanNs(), bwd.meanNs() / fwd.meanNs(), opt == null ? null : opt.label(),
                    opt == null ? null : opt.meanNs());
        }

        private static PhaseSeries first(List<PhaseSeries> all, PhaseRole role, int pid) {
            for (PhaseSeries s : all) {
                if (s.role() == role && (pid < 0 || s.pid() == pid) && !s.operatorLevel()) {
                    return s;
                }
            }
            return null;
        }
    }
}
