package io.proflens.rules.kernels;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.classify.CategoryBreakdown;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Pointwise-type kernels (elementwise, copy, activation, normalization, softmax) take a large share of kernel time:
 * each reads and writes its whole tensor, so a chain of them is memory-bound and launch-bound, and fusing the chain
 * into one kernel removes the intermediate round trips.
 *
 * <p>Thresholds: {@code minSharePct} (default 30 %: TraceLens and HTA kernel breakdowns put transformer training
 * at well under a third in such kernels once pointwise chains are fused by torch.compile). Score: 50 at the
 * threshold rising to 100 at twice the threshold. Recoverable time: half of the pointwise kernel time (fusing a
 * chain of two memory-bound ops halves its traffic; longer chains save more, so this is conservative).
 */
public final class FusionCandidatesRule implements Rule {
    @Override
    public String id() {
        return "kernels.fusion-candidates";
    }

    @Override
    public String title() {
        return "Elementwise/copy kernels dominate: fusion candidates";
    }

    @Override
    public String description() {
        return "Share of kernel time in small pointwise-type kernels (elementwise, copy/contiguous, activation, "
                + "normalization, softmax), named by operator family (add, mul, direct_copy, rsqrt, softmax, ...). "
                + "Unfused softmax/RMSNorm/RoPE/optimizer steps launch many such kernels; each is memory-bound. "
                + "Default threshold 30% of kernel time (below that, GEMM/attention dominate as they should).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minSharePct", "%", 30, "pointwise-type share of kernel time that fires the rule",
                "TraceLens/HTA kernel breakdowns of fused transformer training"),
                new Threshold("minLaunches", "count", 100, "pointwise-type launches needed before judging",
                        "a handful of kernels (toy programs, micro-benchmarks) is no fusion opportunity"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (!ctx.trace().kernels().present() || ctx.trace().kernels().size() == 0) {
            return Finding.notApplicable(this, "no kernels in the trace");
        }
        CategoryBreakdown b = ctx.categoryBreakdown();
        long pwNs = 0;
        long pwCount = 0;
        for (CategoryBreakdown.CategoryRow r : b.categories()) {
            if (CategoryBreakdown.isPointwiseType(r.category())) {
                pwNs += r.totalNs();
                pwCount += r.count();
            }
        }
        double share = b.totalKernelNs() == 0 ? 0 : 100.0 * pwNs / b.totalKernelNs();
        double min = limits.get("minSharePct");
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("pointwise-type kernel time", duration(pwNs) + " = " + pct(share) + " of "
                + duration(b.totalKernelNs()) + " kernel time, " + count(pwCount) + " launches (avg "
                + duration(pwCount == 0 ? 0 : (double) pwNs / pwCount) + ")"));
        if (pwCount < limits.get("minLaunches")) {
            return Finding.ok(this, "only " + count(pwCount) + " pointwise-type launches (fewer than "
                    + count(limits.getLong("minLaunches")) + "): nothing worth fusing", ev);
        }
        if (share < min) {
            return Finding.ok(this, "pointwise-type kernels are " + pct(share) + " of kernel time (threshold "
                    + pct(min) + ")", ev);
        }
        CategoryBreakdown.KernelRow top = b.topKernels().isEmpty() ? null : b.topKernels().get(0);
        if (top != null && CategoryBreakdown.isPointwiseType(top.category())) {
            ev.add(new Evidence("top kernel overall", CategoryBreakdown.family(top.name()) + " (" + top.category().label()
                    + "): " + duration(top.totalNs()) + ", " + pct(top.pct()) + " of kernel time, "
                    + count(top.count()) + " launches"));
        }
        if (ctx.trace().nvtx().size() > 0) {
            // What dominates each training phase: GEMMs in forward, pointwise work overall (the expert's contrast)
            for (io.proflens.analysis.phases.PhaseKernels pk : ctx.phases().phaseKernels()) {
                if (pk.role() == io.proflens.analysis.phases.PhaseRole.OTHER || pk.topKernels().isEmpty()
                        || pk.phaseLabel().contains("::")
                        || ev.size() > 8) {
                    continue;
                }
                io.proflens.analysis.phases.PhaseKernels.KernelTime kt = pk.topKernels().get(0);
                String tile = ctx.classifier().classify(kt.name()).tileShape();
                ev.add(new Evidence(pk.phaseLabel() + " (" + pk.role().name().toLowerCase(java.util.Locale.ROOT)
                        + ") top kernel", shorten(kt.name()) + " (" + kt.category().label()
                        + (tile == null ? "" : ", tile " + tile.replace('x', '×')) + "): " + duration(kt.timeNs())
                        + " = " + pct(pk.gpuOpTimeNs() == 0 ? 0 : 100.0 * kt.timeNs() / pk.gpuOpTimeNs())
                        + " of the phase's GPU time"));
            }
        }
        StringJoiner fams = new StringJoiner(", ");
        int shown = 0;
        for (CategoryBreakdown.FamilyRow f : b.families()) {
            if (shown++ == 6) {
                break;
            }
            fams.add(f.family() + " " + duration(f.totalNs()) + " (" + count(f.count()) + "×, "
                    + f.category().label() + ")");
        }
        ev.add(new Evidence("largest families", fams.toString()));
        for (KernelCategory c : new KernelCategory[] {KernelCategory.COPY, KernelCategory.ELEMENTWISE,
            KernelCategory.NORMALIZATION, KernelCategory.SOFTMAX, KernelCategory.ACTIVATION}) {
            CategoryBreakdown.CategoryRow r = b.category(c);
            if (r != null) {
                ev.add(new Evidence(c.label(), duration(r.totalNs()) + " (" + pct(r.pct()) + "), "
                        + count(r.count()) + " launches"));
            }
        }
        List<String> examples = new ArrayList<>();
        for (CategoryBreakdown.KernelRow k : b.topKernels()) {
            if (CategoryBreakdown.isPointwiseType(k.category()) && examples.size() < 3) {
                examples.add(k.category().label() + " " + duration(k.totalNs()) + " × " + count(k.count()) + ": "
                        + shorten(k.name()));
            }
        }
        double score = Math.min(100, 50 + 50 * (share - min) / Math.max(1e-9, min));
        String fam = b.families().isEmpty() ? "" : b.families().get(0).family();
        String summary = "pointwise-type kernels take " + pct(share) + " of kernel time (" + duration(pwNs) + ", "
                + count(pwCount) + " launches)" + (fam.isEmpty() ? "" : "; largest family: " + fam);
        String rec = "Fuse the pointwise chains: torch.compile (Inductor fuses elementwise/norm/activation chains), "
                + "fused RMSNorm/LayerNorm and RoPE kernels, FlashAttention/SDPA instead of an unfused softmax, "
                + "AdamW(fused=True) or foreach optimizers; remove layout copies (.contiguous(), .to(), transposes: "
                + "direct_copy_kernel_cuda) by keeping tensors in the layout the next op wants.";
        return Finding.of(this, score, summary, ev, examples, rec, pwNs / 2);
    }

    static String shorten(String name) {
        return name.length() <= 120 ? name : name.substring(0, 117) + "...";
    }
}
