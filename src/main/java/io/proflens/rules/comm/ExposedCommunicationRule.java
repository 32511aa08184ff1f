package io.proflens.rules.comm;

import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.gputime.GpuTimeBreakdown;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Communication that no computation hides: exposed communication (TraceLens {@code gpu_timeline}:
 * |COMM − COMP|) as a share of the GPU timeline. Default threshold 10 % of the timeline; HTA's comm/compute overlap
 * guidance is that higher overlap is better, and TraceLens reports exposed communication as its own row for this
 * reason. Recoverable: the exposed time (the upper bound reached by perfect overlap).
 */
public final class ExposedCommunicationRule implements Rule {
    @Override
    public String id() {
        return "comm.exposed";
    }

    @Override
    public String title() {
        return "Exposed communication";
    }

    @Override
    public String description() {
        return "Time the GPUs spend in communication kernels (NCCL, custom all-reduce, MoE dispatch/combine) while no "
                + "compute kernel runs, as a share of the GPU timeline (TraceLens gpu_timeline exposed_comm). "
                + "Default threshold 10%.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxExposedPct", "%", 10, "exposed communication share of the GPU timeline",
                "TraceLens gpu_timeline / HTA comm-comp overlap practice"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        GpuTimeBreakdown g = ctx.gpuTimeBreakdown();
        if (g.events() == 0) {
            return Finding.notApplicable(this, "no GPU activity in the trace");
        }
        if (g.totalCommNs() == 0) {
            return Finding.notApplicable(this, "no communication kernels in the trace");
        }
        double share = 100.0 * g.exposedCommNs() / Math.max(1, g.totalNs());
        double overlap = 100.0 * (g.totalCommNs() - g.exposedCommNs()) / g.totalCommNs();
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("exposed communication", duration(g.exposedCommNs()) + " = " + pct(share)
                + " of the GPU timeline (" + duration(g.totalNs()) + ")"));
        ev.add(new Evidence("communication overlapped by compute", pct(overlap) + " of " + duration(g.totalCommNs())));
        double max = limits.get("maxExposedPct");
        if (share < max) {
            return Finding.ok(this, "exposed communication is " + pct(share) + " of the GPU timeline", ev);
        }
        double score = Math.min(100, 50 + 50 * (share - max) / Math.max(1e-9, max));
        return Finding.of(this, score, "communication is exposed for " + duration(g.exposedCommNs()) + " ("
                + pct(share) + " of the GPU timeline); only " + pct(overlap) + " of it overlaps compute", ev, List.of(),
                "Overlap communication with compute: bucket gradients so all-reduce starts during backward (DDP "
                        + "bucket_cap_mb, FSDP prefetch), run collectives on a separate stream, use async tensor-"
                        + "parallel / sequence-parallel overlap or a faster interconnect path (NVLS, custom all-reduce).",
                g.exposedCommNs());
    }
}
