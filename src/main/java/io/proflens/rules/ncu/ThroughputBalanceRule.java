package io.proflens.rules.ncu;

import static io.proflens.rules.ncu.NcuFindings.pct;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.rules.Finding;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory-bound vs compute-bound: which roof each kernel is near, from the speed-of-light throughputs (and the
 * roofline point when the RooflineChart section was collected). A kernel at {@code nearRoofPct} or more of a peak
 * (default 80%, ncu SOLBottleneck: "> 80% of peak") is limited by that unit: tuning the launch will not help, only
 * less work on that unit (fewer bytes: fusion, lower precision, reuse; fewer instructions: tensor cores). Info only;
 * no time estimate.
 */
public final class ThroughputBalanceRule implements NcuRule {
    @Override
    public String id() {
        return "ncu.throughput-balance";
    }

    @Override
    public String title() {
        return "Compute- vs memory-bound kernels";
    }

    @Override
    public String description() {
        return "Per Nsight Compute kernel: compute (SM) vs memory throughput as % of peak, classified compute-bound, "
                + "memory-bound, balanced (within 10 points) or latency-bound (both below 60%, ncu SOLBottleneck), "
                + "with the roofline point (arithmetic intensity vs ridge). Reports kernels at 80% or more of a roof.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("nearRoofPct", "%", 80, "throughput at or above this is at the roof of that unit",
                        "ncu SOLBottleneck rule (80% of peak)"),
                new Threshold("balanceMarginPct", "%", KernelEfficiency.BALANCE_MARGIN_PCT,
                        "compute and memory within this many points are balanced",
                        "ncu GPU Speed Of Light breakdown reading; proflens default"));
    }

    @Override
    public Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits) {
        double roof = limits.get("nearRoofPct");
        double margin = limits.get("balanceMarginPct");
        List<NcuFindings.Hit> hits = new ArrayList<>();
        List<NcuFindings.Hit> all = new ArrayList<>();
        for (KernelEfficiency.Kernel k : efficiency.kernels()) {
            if (Double.isNaN(k.computePct()) || Double.isNaN(k.memoryPct())) {
                continue;
            }
            KernelEfficiency.Bound b = KernelEfficiency.classify(k.computePct(), k.memoryPct(),
                    KernelEfficiency.LATENCY_BELOW_PCT, margin);
            StringBuilder t = new StringBuilder(b.label() + ": compute " + pct(k.computePct()) + ", memory "
                    + pct(k.memoryPct()) + " of peak");
            if (!Double.isNaN(k.dramPct()) || !Double.isNaN(k.l2Pct()) || !Double.isNaN(k.l1Pct())) {
                t.append(" (L1 ").append(opt(k.l1Pct())).append(", L2 ").append(opt(k.l2Pct())).append(", DRAM ")
                        .append(opt(k.dramPct())).append(")");
            }
            for (KernelEfficiency.RooflinePoint p : k.roofline()) {
                t.append(String.format(Locale.ROOT, "; %s roofline: %.2f FLOP/byte vs ridge %.1f (%s, %.1f%% of roof)",
                        p.precision(), p.arithmeticIntensity(), p.ridgeIntensity(), p.bound().label(), p.pctOfRoof()));
            }
            double busiest = Math.max(k.computePct(), k.memoryPct());
            NcuFindings.Hit h = new NcuFindings.Hit(k, busiest >= roof ? 30 : 0, 0, t.toString());
            all.add(h);
            if (busiest >= roof || busiest >= roof - margin && b == KernelEfficiency.Bound.BALANCED) {
                hits.add(new NcuFindings.Hit(k, 30, 0, t.toString()));
            }
        }
        if (all.isEmpty()) {
            return Finding.notApplicable(this, "no kernel has compute and memory throughput (collect the "
                    + "SpeedOfLight section)");
        }
        if (hits.isEmpty()) {
            return Finding.ok(this, "no kernel is within reach of a roof (" + pct(roof) + " of peak); "
                    + NcuFindings.shortName(all.get(0).kernel()) + ": " + all.get(0).text(), NcuFindings.evidence(all));
        }
        NcuFindings.Hit w = hits.get(0);
        String summary = hits.size() + " of " + all.size() + " kernel(s) near a roof; "
                + NcuFindings.shortName(w.kernel()) + ": " + w.text();
        return Finding.of(this, 30, summary, NcuFindings.evidence(hits), List.of(),
                "Near a roof only less work on that unit helps: memory-bound → fewer bytes (fuse with the producer/"
                        + "consumer, lower precision, better tiling/L2 reuse); compute-bound → cheaper instructions "
                        + "(tensor cores, lower precision, less index math); balanced near both roofs → the kernel is "
                        + "well tuned, look at the algorithm or the other kernels.",
                0);
    }

    private static String opt(double v) {
        return Double.isNaN(v) ? "n/a" : pct(v);
    }
}
