package io.proflens.rules.gpu;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;

import io.proflens.analysis.gputime.GpuGaps;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Large GPU idle gaps with nsys {@code gpu_gaps} semantics: periods longer than {@code minGapMs} (default 500 ms,
 * nsys's {@code gap} default) between a device's consecutive operations. Recoverable: the sum of the gaps of the
 * device with most gap time.
 */
public final class IdleGapsRule implements Rule {
    @Override
    public String id() {
        return "gpu.idle-gaps";
    }

    @Override
    public String title() {
        return "Large GPU idle gaps";
    }

    @Override
    public String description() {
        return "nsys gpu_gaps: per process and device, idle periods between consecutive GPU operations longer than "
                + "minGapMs (default 500 ms, nsys's default). Typical causes: data loading, checkpointing, host-side "
                + "preprocessing, evaluation or synchronization with other ranks.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minGapMs", "ms", 500, "report idle gaps longer than this",
                "nsys analyze gpu_gaps default gap=500"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (!ctx.hasGpuWork()) {
            return Finding.notApplicable(this, "no GPU activity in the trace");
        }
        long min = Math.round(limits.get("minGapMs") * 1e6);
        GpuGaps g = ctx.gpuGaps(min);
        if (g.count() == 0) {
            return Finding.ok(this, "no GPU idle gap longer than " + duration(min), List.of());
        }
        List<Evidence> ev = new ArrayList<>();
        long worst = 0;
        for (GpuGaps.DeviceGaps d : g.devices()) {
            if (d.gapCount() == 0) {
                continue;
            }
            worst = Math.max(worst, d.totalGapNs());
            ev.add(new Evidence("pid " + d.pid() + " GPU " + d.deviceId(), count(d.gapCount()) + " gap(s), "
                    + duration(d.totalGapNs()) + " in total, largest " + duration(d.largestGapNs())));
        }
        List<String> examples = new ArrayList<>();
        for (GpuGaps.Gap x : g.gaps().subList(0, Math.min(3, g.count()))) {
            examples.add(duration(x.durationNs()) + " idle from " + x.startNs() + " ns (pid " + x.pid() + ", GPU "
                    + x.deviceId() + ")");
        }
        GpuGaps.Gap top = g.gaps().get(0);
        double score = Math.min(100, 50 + 25 * Math.log10(Math.max(1.0, (double) top.durationNs() / min)) + 5 * Math.min(5,
                g.count() - 1));
        return Finding.of(this, score, count(g.count()) + " GPU idle gap(s) longer than " + duration(min) + ", "
                + duration(g.totalGapNs()) + " in total; largest " + duration(top.durationNs()), ev, examples,
                "Look at the CPU threads during the gaps (NVTX ranges, OS runtime calls): overlap data loading "
                        + "(DataLoader workers, pinned memory, prefetch), make checkpointing asynchronous, and move "
                        + "host-side pre/post-processing off the GPU's critical path.", worst);
    }
}
