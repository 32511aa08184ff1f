package io.proflens.rules.api;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.memory.MemoryTransferAnalysis;
import io.proflens.analysis.memory.MemoryTransferAnalysis.MemcpyApi;
import io.proflens.analysis.memory.MemoryTransferAnalysis.PageableAsyncCopy;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Memcpy API calls ({@code cudaMemcpy*}, {@code cuMemcpy*}, {@code hipMemcpy*};
 * {@link MemoryTransferAnalysis#memcpyApis()}) take more than {@code maxSharePct} of CUDA API time (default 30 %,
 * from the expert analysis of a multi-GPU MoE run in which {@code cudaMemcpy} at 38.7 % of CUDA API time meant the
 * host waited on copies instead of launching GEMMs). Synchronous calls block the calling thread for the whole copy;
 * asynchronous ones cost their enqueue time.
 *
 * <p><b>Recoverable</b>: the host time blocked in copies — synchronous memcpy calls, plus the pageable async copies
 * of {@code memcpy.pageable} (which block as well; their copy duration stands for the call's) — capped by the HTA
 * host-wait idle time of the worst main stream, the GPU time lost because the host was late
 * ({@link SyncShareRule#worstHostWait}); 0 without GPU operations or blocking copies. The score is
 * {@link SyncShareRule#score}: INFO when the copies cost the GPU little.
 */
public final class MemcpyApiShareRule implements Rule {
    private static final int NAMES = 6;

    @Override
    public String id() {
        return "api.memcpy-share";
    }

    @Override
    public String title() {
        return "Memcpy calls dominate CUDA API time";
    }

    @Override
    public String description() {
        return "Share of CUDA API time spent in memcpy calls (cudaMemcpy*, cuMemcpy*), synchronous ones blocking the "
                + "host for the whole copy. Fires above maxSharePct (default 30%, from the expert analysis of a "
                + "multi-GPU MoE run).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxSharePct", "%", 30, "memcpy share of CUDA API time at most",
                "expert analysis of a multi-GPU MoE run (cudaMemcpy at 38.7% of CUDA API time flagged)"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (ctx.trace().cudaApi().size() == 0) {
            return Finding.notApplicable(this, "no CUDA API calls in the trace");
        }
        MemoryTransferAnalysis m = ctx.memoryTransfers();
        double share = m.memcpyApiPct();
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("CUDA API time", duration(m.cudaApiTimeNs()) + " over "
                + SyncShareRule.calls(m.cudaApiCalls())));
        for (MemcpyApi a : m.memcpyApis().subList(0, Math.min(NAMES, m.memcpyApis().size()))) {
            ev.add(new Evidence(a.name() + (a.async() ? "" : " (synchronous)"), SyncShareRule.calls(a.calls()) + ", "
                    + duration(a.timeNs()) + ", " + pct(a.apiTimePct()) + " of CUDA API time"));
        }
        if (m.syncMemcpyCalls() > 0) {
            ev.add(new Evidence("synchronous memcpy calls", SyncShareRule.calls(m.syncMemcpyCalls())
                    + " blocking the host for " + duration(m.syncMemcpyTimeNs())));
        }
        long pageableNs = m.pageableAsync().stream().mapToLong(PageableAsyncCopy::durationNs).sum();
        if (!m.pageableAsync().isEmpty()) {
            ev.add(new Evidence("async copies from pageable memory (they block too; see memcpy.pageable)",
                    count(m.pageableAsync().size()) + " copies, " + duration(pageableNs)));
        }
        long blockingNs = m.syncMemcpyTimeNs() + pageableNs;
        SyncShareRule.HostWait hw = SyncShareRule.worstHostWait(ctx);
        if (hw != null) {
            ev.add(new Evidence("GPU waiting for the host (HTA host wait, worst stream)", duration(hw.ns()) + " on "
                    + hw.stream()));
        }
        double max = limits.get("maxSharePct");
        String head = "memcpy is " + pct(share) + " of CUDA API time";
        if (share <= max) {
            return Finding.ok(this, head + ", at most " + pct(max), ev);
        }
        long calls = m.memcpyApiCalls();
        long sync = m.syncMemcpyCalls();
        String syncText = (sync == 0 ? "all asynchronous" : sync == calls ? "all synchronous"
                : count(sync) + " synchronous") + (m.pageableAsync().isEmpty() ? ""
                : "; " + count(m.pageableAsync().size()) + " async copies from pageable memory block as well");
        long recoverable = hw == null ? 0 : Math.min(hw.ns(), blockingNs);
        double score = SyncShareRule.score(share, max, recoverable, ctx);
        return Finding.of(this, score, head + ": " + SyncShareRule.calls(calls) + ", "
                + duration(m.memcpyApiTimeNs()) + " (" + syncText + ")", ev, List.of(),
                "Take copies off the host's critical path: copy asynchronously from pinned memory "
                        + "(cudaMemcpyAsync on a side stream; tensor.to(device, non_blocking=True) with pinned "
                        + "tensors), batch small copies into one, keep data resident on the GPU instead of moving it "
                        + "every step, and avoid device-to-host reads in the loop (.item(), .cpu(), .tolist()).",
                recoverable);
    }
}
