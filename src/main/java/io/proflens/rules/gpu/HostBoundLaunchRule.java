package io.proflens.rules.gpu;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.api.ApiNames;
import io.proflens.analysis.api.CudaApiAnalysis;
import io.proflens.analysis.api.CudaApiAnalysis.LaunchStats;
import io.proflens.analysis.api.NameIdClasses;
import io.proflens.analysis.gputime.GpuUtilization;
import io.proflens.analysis.gputime.IdleAttribution;
import io.proflens.analysis.gputime.IdleAttribution.StreamIdle;
import io.proflens.model.ApiCallTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.MemsetTable;
import io.proflens.model.Trace;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU cannot launch GPU work as fast as the GPU runs it. Two HTA signals must agree:
 * <ol>
 *   <li><b>tiny operations</b> — GPU operations that finish sooner than the API call that launched them
 *       (HTA {@code get_cuda_kernel_launch_stats} "short kernels", {@code gpu_dur < cpu_dur}) are at least
 *       {@code minTinySharePct} (default 50 %) of the launched operations;</li>
 *   <li><b>host wait</b> — HTA {@code get_idle_time_breakdown} host wait (the next operation's launch started after
 *       the previous one ended) is at least {@code minHostWaitPct} (default 50 %) of the GPU idle time of the main
 *       streams (per pid and device, the stream with the most operations; side streams for copies or NCCL are idle
 *       most of the time by design and would always look host-bound).</li>
 * </ol>
 * With fewer than {@code minLaunches} (default 100) matched launches the rule does not judge (a handful of kernels
 * says nothing about a launch rate).
 *
 * <p><b>Launched operations</b> follow HTA's default scope ({@code include_memory_events=True}): the kernels of
 * {@link CudaApiAnalysis#allLaunches()} (graph launches excluded) plus the memcpys and memsets issued by
 * asynchronous memcpy/memset calls ({@code cudaMemcpyAsync}, {@code cudaMemsetAsync}, driver and HIP variants).
 * Copies with a pageable host side are left out: their call blocks until the copy is staged, so the call is longer
 * than the copy whatever the launch rate (see {@code memcpy.pageable}). The memory-operation count is computed here
 * (memoised in the context) because {@link CudaApiAnalysis} counts kernels only; exact ns, no HTA µs rounding, no
 * last-step window — on {@code hta-resnet-ddp-a100-ws2-nccl-args} this gives 55.0 % where HTA prints 1347 of 2516
 * (53.5 %).
 *
 * <p><b>Score</b>: 25 + 75 × min(1, host wait / span of the worst main stream / 50 %): INFO when the host wait is a
 * small part of the stream's time, CRITICAL when the GPU waits for the host a third of the time or more.
 * <b>Recoverable</b>: the host-wait idle time of the worst main stream.
 */
public final class HostBoundLaunchRule implements Rule {
    private static final int STREAMS = 4;

    @Override
    public String id() {
        return "gpu.host-bound-launch";
    }

    @Override
    public String title() {
        return "Host-bound kernel launches";
    }

    @Override
    public String description() {
        return "The CPU cannot launch fast enough: GPU operations shorter than their launch call (HTA short kernels) "
                + "are at least minTinySharePct (default 50%) of the launched operations, and HTA host wait is at "
                + "least minHostWaitPct (default 50%) of the GPU idle time of the main streams.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minTinySharePct", "%", 50,
                        "share of launched GPU operations shorter than their launch call",
                        "HTA get_cuda_kernel_launch_stats short kernels (gpu_dur < cpu_dur)"),
                new Threshold("minHostWaitPct", "%", 50, "host-wait share of the main streams' idle time",
                        "HTA get_idle_time_breakdown host_wait"),
                new Threshold("minLaunches", "count", 100, "matched launches needed to judge",
                        "fewer launches say nothing about a launch rate"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        Trace t = ctx.trace();
        if (t.kernels().size() == 0) {
            return Finding.notApplicable(this, "no kernels in the trace");
        }
        if (t.cudaApi().size() == 0) {
            return Finding.notApplicable(this, "no CUDA API calls in the trace: launches cannot be matched to kernels");
        }
        CudaApiAnalysis c = ctx.cudaApi();
        LaunchStats k = c.allLaunches();
        MemoryLaunches mem = ctx.analysis(id() + ":memoryLaunches", () -> MemoryLaunches.of(t));
        long compared = k.comparedKernels() + mem.compared();
        long tiny = k.tinyKernels() + mem.tiny();
        long minLaunches = limits.getLong("minLaunches");
        if (compared < Math.max(1, minLaunches)) {
            long graph = k.kernels() - k.comparedKernels();
            return Finding.notApplicable(this, "only " + count(compared) + " launched GPU operations are matched to "
                    + "their launch call (fewer than " + count(minLaunches) + ")" + (graph > 0 ? "; " + count(graph)
                    + " linked kernels are not compared (CUDA graph launches, calls without an end)" : ""));
        }
        double tinyPct = 100.0 * tiny / compared;
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("GPU operations shorter than their launch call", count(tiny) + " of " + count(compared)
                + " (" + pct(tinyPct) + "): kernels " + count(k.tinyKernels()) + " of " + count(k.comparedKernels())
                + " (" + pct(k.tinyKernelPct()) + "), async memcpy/memset " + count(mem.tiny()) + " of "
                + count(mem.compared())));
        if (k.calls() > 0 && k.kernels() > 0) {
            ev.add(new Evidence("launch call vs kernel", "mean launch call " + duration(k.apiMeanNs())
                    + " (median " + duration(k.apiMedianNs()) + ") vs mean kernel "
                    + duration((double) k.kernelNs() / k.kernels())
                    + (k.tinyKernels() > 0 ? "; the tiny kernels average " + duration((double) k.tinyKernelNs()
                            / k.tinyKernels()) + ", " + pct(c.tinyKernelTimePct()) + " of kernel time" : "")));
        }
        List<StreamIdle> main = mainStreams(ctx.idleAttribution());
        Map<String, GpuUtilization.Stream> spans = new HashMap<>();
        for (GpuUtilization.Stream s : ctx.gpuUtilization().streams()) {
            spans.put(key(s.pid(), s.deviceId(), s.streamId()), s);
        }
        long hostWait = 0;
        long idle = 0;
        StreamIdle worst = null;
        for (StreamIdle s : main) {
            long w = hostWait(s);
            hostWait += w;
            idle += s.idleNs();
            if (worst == null || w > hostWait(worst)) {
                worst = s;
            }
        }
        for (StreamIdle s : main.subList(0, Math.min(STREAMS, main.size()))) {
            GpuUtilization.Stream u = spans.get(key(s.pid(), s.deviceId(), s.streamId()));
            ev.add(new Evidence("pid " + s.pid() + " GPU " + s.deviceId() + " stream " + s.streamId(), "host wait "
                    + duration(hostWait(s)) + " = " + pct(s.idleNs() == 0 ? 0 : 100.0 * hostWait(s) / s.idleNs())
                    + " of its idle time " + duration(s.idleNs()) + (u == null || u.spanNs() == 0 ? ""
                    : String.format(Locale.ROOT, " (idle %s of its span %s)", pct(100.0 * s.idleNs() / u.spanNs()),
                            duration(u.spanNs())))
                    + ", " + count(s.ops()) + " operations"));
        }
        double hostPct = idle == 0 ? 0 : 100.0 * hostWait / idle;
        double minTiny = limits.get("minTinySharePct");
        double minHost = limits.get("minHostWaitPct");
        String numbers = pct(tinyPct) + " of launched GPU operations (" + count(tiny) + " of " + count(compared)
                + ") are shorter than their launch call; host wait is " + pct(hostPct) + " of the main streams' idle "
                + "time (" + duration(hostWait) + " of " + duration(idle) + ")";
        if (tinyPct < minTiny || hostPct < minHost || worst == null) {
            return Finding.ok(this, numbers, ev);
        }
        long worstWait = hostWait(worst);
        GpuUtilization.Stream u = spans.get(key(worst.pid(), worst.deviceId(), worst.streamId()));
        double waitOfSpanPct = u == null || u.spanNs() == 0 ? 0 : 100.0 * worstWait / u.spanNs();
        double score = 25 + 75 * Math.min(1.0, waitOfSpanPct / 50);
        return Finding.of(this, score, "the CPU cannot launch fast enough: " + numbers + "; the GPU waits "
                + duration(worstWait) + " for the host on pid " + worst.pid() + " GPU " + worst.deviceId() + " stream "
                + worst.streamId(), ev, List.of(),
                "Cut the launch overhead per step: capture the steady-state step in CUDA graphs "
                        + "(torch.compile(mode=\"reduce-overhead\") or torch.cuda.CUDAGraph), fuse small kernels "
                        + "(torch.compile, fused/foreach optimizers, fused norm and activation kernels), raise the "
                        + "batch size so each kernel does more work, and move Python work (logging, data "
                        + "preparation) off the launching thread.",
                worstWait);
    }

    private static long hostWait(StreamIdle s) {
        return s.category(IdleAttribution.Category.HOST_WAIT).idleNs();
    }

    private static String key(int pid, int device, int stream) {
        return pid + "/" + device + "/" + stream;
    }

    /** @return per (pid, device) the stream with the most operations (lowest id on ties), by host wait descending */
    private static List<StreamIdle> mainStreams(IdleAttribution ia) {
        Map<Long, StreamIdle> main = new HashMap<>();
        for (StreamIdle s : ia.streams()) {
            main.merge(((long) s.pid() << 32) | (s.deviceId() & 0xFFFFFFFFL), s,
                    (a, b) -> b.ops() > a.ops() || b.ops() == a.ops() && b.streamId() < a.streamId() ? b : a);
        }
        List<StreamIdle> out = new ArrayList<>(main.values());
        out.sort(Comparator.comparingLong(HostBoundLaunchRule::hostWait).reversed()
                .thenComparingInt(StreamIdle::pid).thenComparingInt(StreamIdle::deviceId));
        return out;
    }

    /**
     * Memcpys and memsets launched by asynchronous memcpy/memset calls (HTA {@code include_memory_events}), without
     * pageable copies, and how many of them are shorter than their call.
     *
     * @param compared operations compared with their launching call
     * @param tiny     of those, operations shorter than the call
     */
    record MemoryLaunches(long compared, long tiny) {
        private static final int OTHER = 0;
        private static final int ASYNC = 1;

        static MemoryLaunches of(Trace t) {
            MemcpyTable m = t.memcpys();
            MemsetTable s = t.memsets();
            if (m.size() + s.size() == 0) {
                return new MemoryLaunches(0, 0);
            }
            ApiCallTable api = t.cudaApi();
            LaunchLinks links = t.launchLinksOrCompute();
            NameIdClasses async = new NameIdClasses(t.strings(), n -> isAsyncMemoryCall(n) ? ASYNC : OTHER);
            long compared = 0;
            long tiny = 0;
            int pageable = MemoryKind.PAGEABLE.id();
            for (int i = 0, n = m.size(); i < n; i++) {
                int a = links.memcpyApiRow(i);
                if (a < 0 || !m.hasEnd(i) || !api.hasEnd(a) || async.classOf(api.nameId(a)) != ASYNC
                        || m.srcKind(i) == pageable || m.dstKind(i) == pageable) {
                    continue;
                }
                compared++;
                if (m.durationNs(i) < api.durationNs(a)) {
                    tiny++;
                }
            }
            for (int i = 0, n = s.size(); i < n; i++) {
                int a = links.memsetApiRow(i);
                if (a < 0 || !s.hasEnd(i) || !api.hasEnd(a) || async.classOf(api.nameId(a)) != ASYNC) {
                    continue;
                }
                compared++;
                if (s.durationNs(i) < api.durationNs(a)) {
                    tiny++;
                }
            }
            return new MemoryLaunches(compared, tiny);
        }

        private static boolean isAsyncMemoryCall(String recorded) {
            String b = ApiNames.baseName(recorded);
            if (ApiNames.isAsyncMemcpy(b)) {
                return true;
            }
            boolean memset = b.startsWith("cudaMemset") || b.startsWith("cuMemset") || b.startsWith("hipMemset");
            return memset && b.toLowerCase(Locale.ROOT).contains("async");
        }
    }
}
