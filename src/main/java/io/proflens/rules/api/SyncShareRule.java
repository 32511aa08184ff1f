package io.proflens.rules.api;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.api.CudaApiAnalysis;
import io.proflens.analysis.api.CudaApiAnalysis.SyncByCaller;
import io.proflens.analysis.api.CudaApiAnalysis.SyncByName;
import io.proflens.analysis.gputime.IdleAttribution;
import io.proflens.analysis.gputime.IdleAttribution.StreamIdle;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host-blocking synchronization calls ({@code cudaDeviceSynchronize}, {@code cudaStreamSynchronize},
 * {@code cudaEventSynchronize}, their driver and HIP variants; {@link CudaApiAnalysis}) take more than
 * {@code maxSharePct} of CUDA API time (default 10 %, the level at which the expert analysis of a multi-GPU MoE run
 * called {@code cudaDeviceSynchronize} at 13.2 % a problem). The nsys {@code cuda_api_sync} rule lists the same calls
 * one by one ({@code cudaDeviceSynchronize%}/{@code cudaStreamSynchronize%}); this rule judges their share and names
 * the callers: thread and innermost NVTX range, so PyTorch's {@code aten::item}/{@code aten::_local_scalar_dense}
 * ({@code .item()}) or {@code aten::copy_} ({@code .cpu()}) show up as such.
 *
 * <p><b>Recoverable</b>: a sync drains the GPU's queue, and the GPU then waits until the host launches again. The
 * estimate is the HTA host-wait idle time of the worst main stream ({@link #worstHostWait}), capped by the summed
 * sync time. It is 0 when the trace has no GPU operations. Host time blocked while the GPU works is not counted: the
 * GPU was busy. The score ({@link #score}) stays INFO when little GPU time is lost, however high the share.
 */
public final class SyncShareRule implements Rule {
    private static final int CALLERS = 3;

    @Override
    public String id() {
        return "api.sync-share";
    }

    @Override
    public String title() {
        return "Synchronization dominates CUDA API time";
    }

    @Override
    public String description() {
        return "Share of CUDA API time in host-blocking synchronization calls (cudaDeviceSynchronize, "
                + "cudaStreamSynchronize, cudaEventSynchronize and driver variants; nsys cuda_api_sync lists them). "
                + "Fires above maxSharePct (default 10%) and names the calling threads and NVTX ranges.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxSharePct", "%", 10, "synchronization share of CUDA API time at most",
                "expert analysis of a multi-GPU MoE run (cudaDeviceSynchronize at 13.2% flagged); nsys cuda_api_sync"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (ctx.trace().cudaApi().size() == 0) {
            return Finding.notApplicable(this, "no CUDA API calls in the trace");
        }
        CudaApiAnalysis c = ctx.cudaApi();
        if (c.syncCalls() == 0) {
            return Finding.ok(this, "no synchronization calls", List.of(new Evidence("CUDA API time",
                    duration(c.apiTimeNs()) + " over " + calls(c.apiCalls()))));
        }
        double share = c.syncApiTimePct();
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("CUDA API time", duration(c.apiTimeNs()) + " over " + calls(c.apiCalls())));
        for (SyncByName s : c.syncByName()) {
            ev.add(new Evidence(s.name(), calls(s.calls()) + ", " + duration(s.totalNs()) + " (avg "
                    + duration(s.avgNs()) + ", max " + duration(s.maxNs()) + "), " + pct(s.apiTimePct())
                    + " of CUDA API time"));
        }
        for (SyncByCaller s : c.syncByCaller().subList(0, Math.min(CALLERS, c.syncByCaller().size()))) {
            ev.add(new Evidence("caller " + thread(s.threadName(), s.tid()) + ", " + (s.caller() == null
                    ? "no NVTX range" : "in " + s.caller()), calls(s.calls()) + ", " + duration(s.totalNs())
                    + " (" + pct(s.syncTimePct()) + " of sync time)"));
        }
        HostWait hw = worstHostWait(ctx);
        if (hw != null) {
            ev.add(new Evidence("GPU waiting for the host (HTA host wait, worst stream)", duration(hw.ns()) + " on "
                    + hw.stream()));
        }
        double max = limits.get("maxSharePct");
        SyncByName top = c.syncByName().get(0);
        String head = top.name() + " is " + pct(top.apiTimePct()) + " of CUDA API time";
        boolean several = c.syncByName().size() > 1;
        if (several) {
            head += " (all synchronization calls: " + pct(share) + ")";
        }
        if (share <= max) {
            return Finding.ok(this, head + ", at most " + pct(max), ev);
        }
        long recoverable = hw == null ? 0 : Math.min(hw.ns(), c.syncTimeNs());
        double score = score(share, max, recoverable, ctx);
        return Finding.of(this, score, head + ": " + (several ? "all together " : "") + calls(c.syncCalls()) + ", "
                + duration(c.syncTimeNs()) + " with the host blocked", ev, List.of(),
                "Remove host-device synchronization from the steady-state loop: no .item(), .cpu(), .tolist(), "
                        + "printing or logging of GPU tensors, torch.cuda.synchronize() or data-dependent shapes "
                        + "(nonzero, masked_select) per step; keep values on the GPU and log every N steps; wait on "
                        + "CUDA events or streams (cudaStreamWaitEvent) instead of the whole device. nsys analyze "
                        + "cuda_api_sync lists the individual calls.",
                recoverable);
    }

    /**
     * HTA host-wait idle of one stream.
     *
     * @param ns     host-wait idle time, ns
     * @param stream "pid P GPU D stream S"
     */
    record HostWait(long ns, String stream) {
    }

    /**
     * The GPU idle time caused by the host, on the worst main stream: among the streams that carry most operations of
     * their (pid, device) — side streams (copies, NCCL) are idle most of the time by design — the largest HTA
     * host-wait idle time ({@link RuleContext#idleAttribution()}).
     *
     * @return that stream, or null when the trace has no GPU operations
     */
    static HostWait worstHostWait(RuleContext ctx) {
        if (!ctx.hasGpuWork()) {
            return null;
        }
        Map<Long, StreamIdle> main = new HashMap<>();
        for (StreamIdle s : ctx.idleAttribution().streams()) {
            main.merge(((long) s.pid() << 32) | (s.deviceId() & 0xFFFFFFFFL), s,
                    (a, b) -> b.ops() > a.ops() || b.ops() == a.ops() && b.streamId() < a.streamId() ? b : a);
        }
        StreamIdle worst = null;
        for (StreamIdle s : main.values()) {
            long w = s.category(IdleAttribution.Category.HOST_WAIT).idleNs();
            if (worst == null || w > worst.category(IdleAttribution.Category.HOST_WAIT).idleNs()
                    || w == worst.category(IdleAttribution.Category.HOST_WAIT).idleNs() && order(s, worst) < 0) {
                worst = s;
            }
        }
        return worst == null ? null : new HostWait(worst.category(IdleAttribution.Category.HOST_WAIT).idleNs(),
                "pid " + worst.pid() + " GPU " + worst.deviceId() + " stream " + worst.streamId());
    }

    private static int order(StreamIdle a, StreamIdle b) {
        int c = Integer.compare(a.pid(), b.pid());
        return c != 0 ? c : Integer.compare(a.deviceId(), b.deviceId());
    }

    /**
     * The score of both API-share rules: 25 (INFO) plus up to 15 as the share exceeds the limit (full at twice the
     * limit) plus up to 60 as the recoverable time grows to a quarter of the GPU timeline
     * ({@link io.proflens.analysis.gputime.GpuTimeBreakdown#totalNs()}). So a high share whose GPU cost is small (the
     * host waits while the GPU works, e.g. one sync at the end of a benchmark) stays INFO, and WARNING or CRITICAL
     * needs GPU time lost to the host.
     *
     * @param sharePct      share of CUDA API time, %
     * @param maxPct        the rule's limit, %
     * @param recoverableNs the rule's recoverable estimate, ns
     * @param ctx           the trace's analyses (for the GPU timeline)
     * @return 25-100
     */
    static double score(double sharePct, double maxPct, long recoverableNs, RuleContext ctx) {
        long timeline = ctx.hasGpuWork() ? ctx.gpuTimeBreakdown().totalNs() : 0;
        double impactPct = timeline == 0 ? 0 : 100.0 * recoverableNs / timeline;
        return 25 + 15 * Math.min(1.0, (sharePct - maxPct) / Math.max(1e-9, maxPct))
                + 60 * Math.min(1.0, impactPct / 25);
    }

    /** @return "1 call" or "5,416 calls" */
    static String calls(long n) {
        return count(n) + (n == 1 ? " call" : " calls");
    }

    /** @return "python3 (tid 5000)" or "tid 5000" when the name is unknown */
    static String thread(String name, int tid) {
        return name == null ? "tid " + tid : name + " (tid " + tid + ")";
    }
}
