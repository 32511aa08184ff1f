package io.proflens.rules.comm;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.gputime.CommOverlap;
import io.proflens.analysis.gputime.GpuUtilization;
import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * MoE expert-parallel dispatch/combine kernels that no compute hides. MoE kernels are communication kernels
 * ({@link KernelCategory#COMMUNICATION}) whose name matches {@code dispatch|combine|all_?to_?all|alltoall|a2a}
 * (DeepEP {@code deep_ep::internode_ll::dispatch}/{@code combine}, {@code deep_ep::intranode::*}, pplx
 * {@code a2a} kernels, any named all-to-all). NCCL runs {@code all_to_all} as {@code ncclDevKernel_SendRecv}, which
 * by name cannot be told apart from sequence-parallel (FastVideo's Ulysses all-to-all), pipeline or DLRM embedding
 * send/recv; such kernels are deliberately <em>not</em> counted (the rule is then not applicable) and are judged by
 * {@code comm.exposed} instead.
 *
 * <p>Exposure: HTA {@code get_comm_comp_overlap} semantics per (pid, device) through {@link CommOverlap} with the
 * MoE kernels as COMM (other communication kernels count as neither compute nor MoE), summed over devices, as a
 * share of the GPU timeline (the sum over devices of {@link GpuUtilization.Device#spanNs()}, so that two GPUs each
 * exposed half the time give 50 %, not 100 %). Default {@code maxExposedPct} 5 %: the same
 * TraceLens/HTA exposed-communication practice as {@code comm.exposed} (10 % for all communication), halved
 * because decode-time MoE communication sits on the critical path of every layer and DeepEP's low-latency kernels
 * are designed to be hidden by two-batch overlap.
 *
 * <p>Score: 50 at the threshold, 100 at three times it. Recoverable: the exposed MoE time.
 */
public final class MoeDispatchCombineRule implements Rule {
    private static final Pattern MOE = Pattern.compile("dispatch|combine|all_?to_?all|alltoall|a2a",
            Pattern.CASE_INSENSITIVE);

    @Override
    public String id() {
        return "comm.moe-exposed";
    }

    @Override
    public String title() {
        return "Exposed MoE dispatch/combine";
    }

    @Override
    public String description() {
        return "MoE expert-parallel dispatch and combine kernels (DeepEP internode_ll/intranode, pplx, named "
                + "all-to-all communication kernels) running while no compute kernel runs, as a share of the GPU "
                + "timeline (HTA comm/compute overlap restricted to those kernels). Default threshold 5%. NCCL "
                + "SendRecv kernels are not counted: by name they cannot be told apart from sequence-parallel or "
                + "pipeline send/recv.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxExposedPct", "%", 5, "exposed MoE dispatch/combine share of the GPU timeline",
                "TraceLens gpu_timeline / HTA comm-comp overlap practice (half of comm.exposed's 10%)"));
    }

    /** 1 dispatch, 2 combine, 3 other all-to-all, 0 not MoE. */
    private static int kind(RuleContext ctx, int nameId) {
        if (ctx.category(nameId) != KernelCategory.COMMUNICATION) {
            return 0;
        }
        String name = ctx.trace().string(nameId);
        if (name == null || !MOE.matcher(name).find()) {
            return 0;
        }
        String l = name.toLowerCase(Locale.ROOT);
        return l.contains("dispatch") ? 1 : l.contains("combine") ? 2 : 3;
    }

    private static CommOverlap overlap(RuleContext ctx, String key, IntPredicate p) {
        return ctx.analysis(key, () -> CommOverlap.of(ctx.trace(), p, ctx.classifier(), Long.MAX_VALUE));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        Trace t = ctx.trace();
        KernelTable k = t.kernels();
        long[] launches = new long[4];
        long[] kernelNs = new long[4];
        for (int i = 0; i < k.size(); i++) {
            int kind = kind(ctx, k.demangledNameId(i));
            launches[kind]++;
            kernelNs[kind] += Math.max(0, k.endNs(i) - k.startNs(i));
        }
        long moeLaunches = launches[1] + launches[2] + launches[3];
        if (moeLaunches == 0) {
            return Finding.notApplicable(this, "no MoE dispatch/combine/all-to-all kernels in the trace"
                    + (launches[0] > 0 && hasSendRecv(ctx) ? " (NCCL SendRecv kernels are not counted: by name they "
                            + "are not distinguishable from sequence-parallel or pipeline send/recv)" : ""));
        }
        long timeline = 0;
        for (GpuUtilization.Device d : ctx.gpuUtilization().devices()) {
            timeline += d.spanNs();
        }
        long exposed = exposed(overlap(ctx, "moeOverlap", id -> kind(ctx, id) > 0));
        long comm = communication(overlap(ctx, "moeOverlap", id -> kind(ctx, id) > 0));
        long exposedDispatch = exposed(overlap(ctx, "moeOverlap:dispatch", id -> kind(ctx, id) == 1));
        long exposedCombine = exposed(overlap(ctx, "moeOverlap:combine", id -> kind(ctx, id) == 2));
        double share = 100.0 * exposed / Math.max(1, timeline);
        double overlapPct = comm == 0 ? 0 : 100.0 * (comm - exposed) / comm;
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("exposed MoE communication", duration(exposed) + " = " + pct(share)
                + " of the GPU timeline (" + duration(timeline) + ", summed over "
                + count(ctx.gpuUtilization().devices().size()) + " GPU(s))"));
        ev.add(new Evidence("MoE communication overlapped by compute", pct(overlapPct) + " of " + duration(comm)));
        String perLaunch = "";
        if (launches[1] > 0) {
            ev.add(new Evidence("dispatch", count(launches[1]) + " launch(es), " + duration(kernelNs[1])
                    + " kernel time, " + duration(exposedDispatch) + " exposed ("
                    + duration((double) exposedDispatch / launches[1]) + " per launch)"));
            perLaunch += "dispatch " + duration((double) exposedDispatch / launches[1]) + " exposed per launch";
        }
        if (launches[2] > 0) {
            ev.add(new Evidence("combine", count(launches[2]) + " launch(es), " + duration(kernelNs[2])
                    + " kernel time, " + duration(exposedCombine) + " exposed ("
                    + duration((double) exposedCombine / launches[2]) + " per launch)"));
            perLaunch += (perLaunch.isEmpty() ? "" : ", ") + "combine " + duration((double) exposedCombine / launches[2])
                    + " exposed per launch";
        }
        if (launches[3] > 0) {
            ev.add(new Evidence("other all-to-all", count(launches[3]) + " launch(es), " + duration(kernelNs[3])
                    + " kernel time"));
        }
        double max = limits.get("maxExposedPct");
        if (share < max) {
            return Finding.ok(this, "exposed MoE dispatch/combine is " + duration(exposed) + " = " + pct(share)
                    + " of the GPU timeline; " + pct(overlapPct) + " of it overlaps compute", ev);
        }
        double score = Math.min(100, 50 + 25 * (share - max) / Math.max(1e-9, max));
        return Finding.of(this, score, "MoE dispatch/combine is exposed for " + duration(exposed) + " (" + pct(share)
                + " of the GPU timeline; " + perLaunch + "); only " + pct(overlapPct) + " overlaps compute", ev,
                List.of(),
                "Hide dispatch/combine behind compute: overlap them with shared-expert or attention compute of another "
                        + "micro-batch (two-batch overlap / micro-batch pipelining as in SGLang/DeepSeek TBO), use "
                        + "DeepEP's low-latency kernels with their receive hooks (return_recv_hook) so the RDMA "
                        + "transfer runs while compute proceeds, and use the low-latency (internode_ll) kernels for "
                        + "decode rather than the high-throughput ones.",
                exposed);
    }

    private static boolean hasSendRecv(RuleContext ctx) {
        KernelTable k = ctx.trace().kernels();
        for (int i = 0; i < k.size(); i++) {
            String n = ctx.trace().string(k.demangledNameId(i));
            if (n != null && n.contains("SendRecv")) {
                return true;
            }
        }
        return false;
    }

    private static long exposed(CommOverlap o) {
        long s = 0;
        for (CommOverlap.Rank r : o.ranks()) {
            s += r.exposedCommNs();
        }
        return s;
    }

    private static long communication(CommOverlap o) {
        long s = 0;
        for (CommOverlap.Rank r : o.ranks()) {
            s += r.communicationNs();
        }
        return s;
    }
}
