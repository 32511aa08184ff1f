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
 * GEMM share and tile-size notes: in LLM/MoE training and inference, matrix multiplies (and fused attention) should
 * carry most of the kernel time. When GEMM + attention are below {@code minMatmulSharePct} of kernel time the GPU
 * spends its time elsewhere; when most GEMM time runs with small tiles ({@code smallTileMaxDim}), the matrices are
 * small, GEMMs are cheap and launch/pointwise overheads dominate — batch or fuse to grow them.
 *
 * <p>Defaults: 50 % (matmul-bound workloads, where MFU is measured, spend well over half the kernel time in
 * GEMM/attention); small tile = largest tile dimension ≤ 64. Informational: the score stays in the INFO band
 * (25-49) and no time is claimed as recoverable, because the cure is elsewhere (see the fusion and host-bound
 * rules).
 */
public final class GemmShareRule implements Rule {
    @Override
    public String id() {
        return "kernels.gemm-share";
    }

    @Override
    public String title() {
        return "Low GEMM share / small GEMM tiles";
    }

    @Override
    public String description() {
        return "GEMM (+ attention) share of compute kernel time (communication excluded), the dominant GEMM kernel and its tile shape (parsed from "
                + "names like ampere_sgemm_128x64_tn or nvjet_tst_128x64), and GEMM time by tile. Fires when "
                + "GEMM+attention are below 50% of kernel time or most GEMM time uses tiles no larger than 64.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minMatmulSharePct", "%", 50, "GEMM + attention share of kernel time expected at least",
                        "matmul-bound LLM workloads (MFU accounting)"),
                new Threshold("smallTileMaxDim", "count", 64, "a tile whose largest dimension is at most this is small",
                        "cuBLAS heuristics pick small tiles for small matrices"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (!ctx.trace().kernels().present() || ctx.trace().kernels().size() == 0) {
            return Finding.notApplicable(this, "no kernels in the trace");
        }
        CategoryBreakdown b = ctx.categoryBreakdown();
        CategoryBreakdown.CategoryRow gemm = b.category(KernelCategory.GEMM);
        CategoryBreakdown.CategoryRow attn = b.category(KernelCategory.ATTENTION);
        long gemmNs = gemm == null ? 0 : gemm.totalNs();
        long attnNs = attn == null ? 0 : attn.totalNs();
        long computeNs = 0;
        for (CategoryBreakdown.CategoryRow r : b.categories()) {
            if (r.category().isCompute()) {
                computeNs += r.totalNs();
            }
        }
        // share of compute kernel time: communication-bound jobs are judged by the communication rules instead
        double share = computeNs == 0 ? 0 : 100.0 * (gemmNs + attnNs) / computeNs;
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("GEMM", duration(gemmNs) + " (" + pct(gemm == null ? 0 : gemm.pct()) + " of kernel time), "
                + count(gemm == null ? 0 : gemm.count()) + " launches"));
        if (attn != null) {
            ev.add(new Evidence("attention", duration(attnNs) + " (" + pct(attn.pct()) + ")"));
        }
        CategoryBreakdown.KernelRow topGemm = null;
        for (CategoryBreakdown.KernelRow k : b.topKernels()) {
            if (k.category() == KernelCategory.GEMM) {
                topGemm = k;
                break;
            }
        }
        if (topGemm != null) {
            ev.add(new Evidence("top GEMM kernel", FusionCandidatesRule.shorten(topGemm.name())
                    + (topGemm.tileShape() == null ? "" : " (tile " + topGemm.tileShape().replace('x', '×') + ")")
                    + ": " + duration(topGemm.totalNs()) + ", avg " + duration(topGemm.avgNs())));
        }
        long smallNs = 0;
        long tiledNs = 0;
        StringJoiner tiles = new StringJoiner(", ");
        int shown = 0;
        for (CategoryBreakdown.TileRow t : b.gemmTiles()) {
            if (t.tileShape().equals("?")) {
                continue;
            }
            tiledNs += t.totalNs();
            if (maxDim(t.tileShape()) <= limits.get("smallTileMaxDim")) {
                smallNs += t.totalNs();
            }
            if (shown++ < 4) {
                tiles.add(t.tileShape() + " " + duration(t.totalNs()));
            }
        }
        if (tiledNs > 0) {
            ev.add(new Evidence("GEMM time by tile", tiles.toString()));
        }
        boolean lowShare = gemmNs > 0 && share < limits.get("minMatmulSharePct");
        boolean smallTiles = tiledNs > 0 && smallNs * 2 > tiledNs;
        if (gemmNs == 0) {
            return Finding.ok(this, "no GEMM kernels", ev);
        }
        if (!lowShare && !smallTiles) {
            return Finding.ok(this, "GEMM + attention are " + pct(share) + " of compute kernel time", ev);
        }
        CategoryBreakdown.CategoryRow largest = b.categories().stream().filter(r -> r.category().isCompute())
                .findFirst().orElse(b.categories().get(0));
        String summary = lowShare
                ? "GEMM + attention are only " + pct(share) + " of compute kernel time; the largest compute category is "
                        + largest.category().label() + " (" + pct(largest.pct()) + " of kernel time)"
                : "most GEMM time (" + pct(100.0 * smallNs / tiledNs) + ") runs in small tiles: the matrices are small";
        if (lowShare && smallTiles) {
            summary += "; most GEMM time uses small tiles (matrices are small, GEMMs are cheap)";
        }
        String rec = "Grow the matrices (larger batch or micro-batch, fuse QKV/gate-up projections, group expert GEMMs) "
                + "so GEMMs dominate, and cut the non-GEMM work (see the fusion and launch-bound findings).";
        return Finding.of(this, lowShare ? 40 : 30, summary, ev, List.of(), rec, 0);
    }

    static int maxDim(String tile) {
        int m = 0;
        for (String p : tile.split("x")) {
            try {
                m = Math.max(m, Integer.parseInt(p));
            } catch (NumberFormatException ignored) {
                // not a number: ignore that part
            }
        }
        return m;
    }
}
