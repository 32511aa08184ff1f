package io.proflens.rules.phases;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;
import static io.proflens.rules.EvidenceFormat.ratio;

import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseOccurrence;
import io.proflens.analysis.phases.PhaseOptions;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The first iterations of the main iteration series are much slower than the steady state (CUDA context and
 * cuBLAS/cuDNN handle creation, cuDNN autotuning, caching-allocator growth, torch.compile / JIT), so averages over
 * the whole capture misstate the steady-state step time.
 *
 * <p>Same definition as {@link io.proflens.analysis.phases.WarmupOutlier}: among the first
 * {@code min(PhaseOptions.warmupMaxIterations, n / 2)} occurrences, those longer than {@code minFactor} × the
 * median of the later occurrences. Default {@code minFactor} = {@link PhaseOptions#DEFAULT_WARMUP_FACTOR} (1.5,
 * the analysis' warm-up factor: steady-state step jitter is a few percent, data-dependent steps vary by tens of
 * percent, first-step effects make a step 2× to 100× slower), so with the defaults the flags are the analysis' own;
 * other factors re-flag the same leading occurrences. Operator-level main series are not iterations (see
 * {@link io.proflens.analysis.phases.PhaseSeries#operatorLevel()}): not applicable.
 *
 * <p>Score: 25 plus 50 × the warm-up excess' share of the series' total time, capped at 74 (a measurement issue,
 * never critical). Recoverable: the excess of the warm-up iterations over the steady median (one-time; it orders
 * the finding but is no per-step saving).
 */
public final class WarmupOutliersRule implements Rule {
    @Override
    public String id() {
        return "phases.warmup-outliers";
    }

    @Override
    public String title() {
        return "Slow warm-up iterations";
    }

    @Override
    public String description() {
        return "The first iterations of the main iteration range (at most 3, never more than half) take more than "
                + "minFactor (default 1.5, the phase analysis' warm-up factor) times the steady-state median: "
                + "one-time costs such as CUDA context and library handle creation, cuDNN autotuning, allocator "
                + "growth or torch.compile. They skew any average over the capture; exclude them from measurements.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minFactor", "ratio", PhaseOptions.DEFAULT_WARMUP_FACTOR,
                "a leading iteration longer than this × the steady-state median is warm-up",
                "PhaseOptions.DEFAULT_WARMUP_FACTOR: above step jitter, below every real first-step effect"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        PhaseAnalysis pa = ctx.phases();
        PhaseSeries s = pa.mainIteration();
        if (s == null) {
            return Finding.notApplicable(this, "no repeating iteration range (NVTX / record_function) in the trace");
        }
        if (s.operatorLevel()) {
            return Finding.notApplicable(this, "no iteration annotation: the main repeating range " + s.label()
                    + " is an operator, not an iteration");
        }
        List<PhaseOccurrence> occ = s.occurrences();
        int n = occ.size();
        int w = Math.min(pa.options().warmupMaxIterations(), n / 2);
        if (w == 0) {
            return Finding.notApplicable(this, "too few iterations of " + s.label() + " to tell warm-up from steady "
                    + "state (" + count(n) + ")");
        }
        double factor = limits.get("minFactor");
        double median = s.steadyMedianNs();
        List<PhaseOccurrence> warm = new ArrayList<>();
        for (int j = 0; j < w; j++) {
            if (occ.get(j).durationNs() > factor * median) {
                warm.add(occ.get(j));
            }
        }
        // steady statistics without the flagged occurrences
        double sum = 0;
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (!(j < w && occ.get(j).durationNs() > factor * median)) {
                sum += occ.get(j).durationNs();
                k++;
            }
        }
        double mean = k == 0 ? 0 : sum / k;
        double var = 0;
        for (int j = 0; j < n; j++) {
            if (!(j < w && occ.get(j).durationNs() > factor * median)) {
                var += Math.pow(occ.get(j).durationNs() - mean, 2);
            }
        }
        double sd = k > 1 ? Math.sqrt(var / (k - 1)) : 0;
        List<Evidence> ev = new ArrayList<>();
        String name = "\"" + s.label() + "\"";
        ev.add(new Evidence("iterations", count(n) + " × " + name + " (pid " + s.pid() + "), first " + count(w)
                + " checked for warm-up"));
        ev.add(new Evidence("steady state", "median " + duration(median) + " (iterations " + (w + 1) + "-" + n
                + "); mean " + duration(mean) + " ± " + duration(sd) + " over " + count(k)
                + " iteration(s) without warm-up"));
        double worst = 0;
        long excess = 0;
        List<String> examples = new ArrayList<>();
        for (PhaseOccurrence o : warm) {
            double r = median > 0 ? o.durationNs() / median : Double.POSITIVE_INFINITY;
            worst = Math.max(worst, r);
            excess += Math.round(o.durationNs() - median);
            ev.add(new Evidence("iteration " + (o.index() + 1), duration(o.durationNs()) + " = " + ratio(r)
                    + " the steady median"));
            examples.add(name + " #" + (o.index() + 1) + " from " + o.startNs() + " ns, " + duration(o.durationNs()));
        }
        if (warm.isEmpty()) {
            double first = occ.get(0).durationNs();
            return Finding.ok(this, "no warm-up outlier among the first " + count(w) + " " + name + " iteration(s): "
                    + "the first takes " + duration(first) + " vs a steady median of " + duration(median)
                    + " (limit " + ratio(factor) + ")", ev);
        }
        double share = 100.0 * excess / Math.max(1, s.totalNs());
        ev.add(new Evidence("warm-up excess", duration(excess) + " over the steady median = " + pct(share)
                + " of all " + name + " time"));
        double score = Math.min(74, 25 + 50 * share / 100);
        String summary = count(warm.size()) + " warm-up " + name + " iteration(s) up to " + ratio(worst)
                + " the steady median (" + duration(warm.get(0).durationNs()) + " vs " + duration(median) + "), "
                + duration(excess) + " extra (" + pct(share) + " of the iteration time)";
        return Finding.of(this, score, summary, ev, examples,
                "Exclude warm-up iterations from measurements: profile after N steps (torch.profiler "
                        + "schedule(wait=1, warmup=2, active=3), nsys --capture-range=cudaProfilerApi or "
                        + "--capture-range=nvtx started after the first steps), and warm caches before timing "
                        + "(run a few steps so cudnn.benchmark autotuning, torch.compile / CUDA graph capture and the "
                        + "caching allocator settle).",
                excess);
    }
}
