package io.proflens.rules.phases;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.phases.GpuGapStats;
import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseNames;
import io.proflens.analysis.phases.PhaseOccurrence;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.model.ApiCallTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPU idles between consecutive iterations of the main iteration series ("the GPU is idle 1.3 ms between two
 * consecutive forwards on every rank"): host work between steps (synchronization, sampling, data preparation,
 * logging) that the GPU waits for.
 *
 * <p>Measure: {@link GpuGapStats#meanIdleNs()} of the series, i.e. per consecutive pair with GPU work, the time in
 * {@code [last GPU end of iteration i, first GPU start of iteration i+1)} when no GPU operation of the process runs.
 * Among the series of the main key ({@link PhaseAnalysis#iterations()}, one per thread/process), the one with the
 * largest mean idle is judged; when the main range launches no GPU work at all (a host-side loop such as
 * {@code sampling} that outlasts the {@code forward} ranges it alternates with), the first phase-level
 * {@linkplain PhaseAnalysis#iterationCandidates() iteration candidate} with GPU gaps is judged instead. Fires when the mean idle is at least {@code minGapMs} (default 0.5 ms: below that a
 * step-to-step bubble is launch latency plus a sync, not a host-side stage worth restructuring) and at least
 * {@code minGapPct} of the mean iteration duration, measured as the mean period from one iteration's start
 * to the next one's (a range that only launches asynchronous work ends long before its GPU work: the decode
 * scenario's {@code forward} ranges last 0.3 ms, its steps 5.3 ms) (default 5 %: HTA's idle-time practice
 * treats single-digit idle percentages as noise; above that the bubble costs as much as a typical kernel-level
 * optimisation gains).
 * Operator-level main series ({@code aten::linear} on an {@code emit_nvtx} trace, see
 * {@link io.proflens.analysis.phases.PhaseSeries#operatorLevel()}) are not iterations: not applicable.
 *
 * <p>Score: 50 at the threshold, +1.5 per percentage point of the iteration period above {@code minGapPct}, capped at 95.
 * Recoverable: mean idle × (iterations − 1), the bubble a fully overlapped host would remove.
 */
public final class IterationGapRule implements Rule {
    @Override
    public String id() {
        return "phases.iteration-gap";
    }

    @Override
    public String title() {
        return "GPU idle between iterations";
    }

    @Override
    public String description() {
        return "Mean GPU idle time between the end of one iteration's GPU work and the start of the next one's, for "
                + "the main repeating iteration range (ProfilerStep, train_step, forward of a decode loop). Fires when "
                + "it is at least minGapMs (default 0.5 ms) and at least minGapPct (default 5%) of the mean iteration "
                + "time: the host does work between steps (sync, sampling, batch preparation) that the GPU waits for. "
                + "Shows what the CPU thread runs in the gaps (NVTX ranges, CUDA API calls).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minGapMs", "ms", 0.5, "mean GPU idle between consecutive iterations that fires",
                        "launch latency + one sync stays well below 0.5 ms on current GPUs"),
                new Threshold("minGapPct", "%", 5, "mean idle as a share of the mean iteration duration that fires",
                        "HTA idle-time breakdown practice: single-digit idle % is noise"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        PhaseAnalysis pa = ctx.phases();
        PhaseSeries main = pa.mainIteration();
        if (main == null) {
            return Finding.notApplicable(this, "no repeating iteration range (NVTX / record_function) in the trace");
        }
        if (main.operatorLevel()) {
            return Finding.notApplicable(this, "no iteration annotation: the main repeating range " + main.label()
                    + " is an operator, not an iteration");
        }
        List<PhaseSeries> sameKey = pa.iterations();
        PhaseSeries worst = worstGap(sameKey);
        if (worst == null) {
            // The main range launches no GPU work (e.g. a host-side "sampling" loop that outlasts the forwards it
            // alternates with): judge the first phase-level iteration candidate that does.
            for (PhaseSeries c : pa.iterationCandidates()) {
                if (c.gpuGaps() != null && !c.operatorLevel()) {
                    sameKey = pa.series().stream().filter(x -> x.key().equals(c.key())).toList();
                    worst = worstGap(sameKey);
                    break;
                }
            }
        }
        if (worst == null) {
            return Finding.notApplicable(this, "no two consecutive " + main.label()
                    + " iterations both launch GPU work");
        }
        GpuGapStats g = worst.gpuGaps();
        double idle = g.meanIdleNs();
        List<PhaseOccurrence> occ = worst.occurrences();
        // the step period (start to next start): a range that only launches asynchronous work ends long before its
        // GPU work does, so its own duration understates the iteration (decode: 0.3 ms of launches, 5.3 ms steps)
        double iter = occ.size() >= 2
                ? (double) (occ.get(occ.size() - 1).startNs() - occ.get(0).startNs()) / (occ.size() - 1)
                : worst.meanNs();
        double sharePct = iter > 0 ? 100.0 * idle / iter : 0;
        List<Evidence> ev = new ArrayList<>();
        String name = "\"" + worst.label() + "\"";
        ev.add(new Evidence("GPU idle between iterations", duration(idle) + " mean, min " + duration(g.minIdleNs())
                + ", max " + duration(g.maxIdleNs()) + " over " + count(g.pairs()) + " consecutive pair(s)"));
        ev.add(new Evidence("GPU gap between iterations", duration(g.meanGapNs()) + " mean (first GPU start of the "
                + "next minus last GPU end of the previous; idle excludes other GPU work of the process)"));
        ev.add(new Evidence("iterations", count(worst.count()) + " × " + name + " (pid " + worst.pid() + ", tid "
                + worst.tid() + "), range mean " + duration(worst.meanNs()) + ", period (start to next start) "
                + duration(iter)));
        long busySum = 0;
        int withGpu = 0;
        for (PhaseOccurrence o : worst.occurrences()) {
            if (o.gpuOps() > 0) {
                busySum += o.gpuBusyNs();
                withGpu++;
            }
        }
        if (withGpu > 0) {
            ev.add(new Evidence("GPU busy per iteration", duration((double) busySum / withGpu) + " mean (union of "
                    + "the operations the iteration launched)"));
        }
        if (!worst.key().equals(main.key())) {
            ev.add(new Evidence("main iteration range", main.label() + " launches no GPU work; judged "
                    + worst.label() + ", the next repeating outermost range"));
        }
        for (PhaseSeries s : sameKey) {
            if (s != worst && s.gpuGaps() != null) {
                ev.add(new Evidence("pid " + s.pid() + " tid " + s.tid(), duration(s.gpuGaps().meanIdleNs())
                        + " mean GPU idle between its " + count(s.count()) + " iterations"));
            }
        }
        List<String> cpu = cpuInGaps(ctx.trace(), worst);
        if (!cpu.isEmpty()) {
            ev.add(new Evidence("CPU thread in the gaps", String.join("; ", cpu)));
        }
        double minNs = limits.get("minGapMs") * 1e6;
        double minPct = limits.get("minGapPct");
        String what = "the GPU is idle " + duration(idle) + " on average between two consecutive " + name
                + " iterations (" + pct(sharePct) + " of the " + duration(iter) + " iteration period)";
        if (idle < minNs || sharePct < minPct) {
            return Finding.ok(this, what + "; fires at " + duration(minNs) + " and " + pct(minPct), ev);
        }
        double score = Math.min(95, 50 + 1.5 * (sharePct - minPct));
        long recoverable = Math.round(idle * Math.max(0, worst.count() - 1));
        return Finding.of(this, score, what + " over " + count(g.pairs()) + " gap(s)", ev, List.of(),
                "Overlap the host work between steps with the GPU: capture the step in a CUDA graph so one launch "
                        + "replaces hundreds, schedule asynchronously (prepare and launch step N+1 while step N runs: "
                        + "async scheduling / overlapped sampler in vLLM/SGLang, non_blocking copies and a prefetching "
                        + "DataLoader in training), and avoid per-step synchronizations (.item(), .cpu(), "
                        + "cudaStreamSynchronize) between iterations.",
                recoverable);
    }

    /** @return the series with GPU gaps and the largest mean idle (first on ties), or null */
    private static PhaseSeries worstGap(List<PhaseSeries> series) {
        PhaseSeries worst = null;
        for (PhaseSeries s : series) {
            if (s.gpuGaps() != null && (worst == null || s.gpuGaps().meanIdleNs() > worst.gpuGaps().meanIdleNs())) {
                worst = s;
            }
        }
        return worst;
    }

    /**
     * What the series' thread does while the GPU idles between iterations: NVTX ranges (other than the series'
     * own) and CUDA API calls on that thread, clipped to the idle windows, top 3 of each by time.
     */
    private static List<String> cpuInGaps(Trace trace, PhaseSeries s) {
        List<PhaseOccurrence> occ = s.occurrences();
        long[] ws = new long[occ.size()];
        long[] we = new long[occ.size()];
        int n = 0;
        for (int i = 0; i + 1 < occ.size(); i++) {
            PhaseOccurrence a = occ.get(i);
            PhaseOccurrence b = occ.get(i + 1);
            if (a.gpuEndNs() != null && b.gpuStartNs() != null && b.gpuStartNs() > a.gpuEndNs()) {
                ws[n] = a.gpuEndNs();
                we[n] = b.gpuStartNs();
                n++;
            }
        }
        if (n == 0) {
            return List.of();
        }
        // windows of consecutive pairs are disjoint and in time order; sort defensively and merge overlaps
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long[] fws = ws;
        Arrays.sort(order, Comparator.comparingLong(i -> fws[i]));
        long[] s0 = new long[n];
        long[] e0 = new long[n];
        int m = 0;
        for (int k : order) {
            if (m > 0 && ws[k] <= e0[m - 1]) {
                e0[m - 1] = Math.max(e0[m - 1], we[k]);
            } else {
                s0[m] = ws[k];
                e0[m] = we[k];
                m++;
            }
        }
        boolean[] own = new boolean[trace.nvtx().size()];
        for (PhaseOccurrence o : occ) {
            if (o.nvtxRow() >= 0 && o.nvtxRow() < own.length) {
                own[o.nvtxRow()] = true;
            }
        }
        List<String> out = new ArrayList<>();
        NvtxTable nv = trace.nvtx();
        Map<String, long[]> nvtx = new TreeMap<>();
        for (int i = 0; i < nv.size(); i++) {
            if (own[i] || nv.globalTid(i) != s.globalTid() || !nv.hasEnd(i) || nv.textId(i) == StringTable.NONE
                    || !(nv.isPushPop(i) || nv.isStartEnd(i))) {
                continue;
            }
            long t = clipped(nv.startNs(i), nv.endNs(i), s0, e0, m);
            if (t > 0) {
                String label = PhaseNames.normalise(trace.string(nv.textId(i)), true);
                long[] acc = nvtx.computeIfAbsent(label, k -> new long[2]);
                acc[0] += t;
                acc[1]++;
            }
        }
        top(nvtx, "NVTX ", n, out);
        ApiCallTable api = trace.cudaApi();
        Map<String, long[]> calls = new TreeMap<>();
        for (int i = 0; i < api.size(); i++) {
            if (api.globalTid(i) != s.globalTid() || !api.hasEnd(i)) {
                continue;
            }
            long t = clipped(api.startNs(i), api.endNs(i), s0, e0, m);
            if (t > 0) {
                long[] acc = calls.computeIfAbsent(String.valueOf(trace.string(api.nameId(i))), k -> new long[2]);
                acc[0] += t;
                acc[1]++;
            }
        }
        top(calls, "", n, out);
        return out;
    }

    private static void top(Map<String, long[]> byName, String prefix, int gaps, List<String> out) {
        byName.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                        .thenComparing(Map.Entry::getKey))
                .limit(3)
                .forEach(e -> out.add(prefix + e.getKey() + " " + duration((double) e.getValue()[0] / gaps)
                        + " per gap (" + count(e.getValue()[1]) + " call(s)/range(s))"));
    }

    /** @return length of {@code [start, end)} inside the sorted disjoint windows */
    private static long clipped(long start, long end, long[] ws, long[] we, int m) {
        // first window whose start is >= end: all candidates are before it
        int hi = Arrays.binarySearch(ws, 0, m, end);
        hi = hi < 0 ? -hi - 1 : hi;
        long t = 0;
        for (int j = hi - 1; j >= 0 && we[j] > start; j--) {
            t += Math.max(0, Math.min(end, we[j]) - Math.max(start, ws[j]));
        }
        return t;
    }
}
