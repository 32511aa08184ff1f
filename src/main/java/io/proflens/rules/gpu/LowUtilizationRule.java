package io.proflens.rules.gpu;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.gputime.GpuUtilization;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A GPU is busy (any kernel, memcpy or memset running) for less than {@code minUtilizationPct} of the time between
 * its first and last operation. Default 80 %: the utilisation target performance engineers monitor for training and
 * serving (and the cut-off at which idle time, not kernel speed, is the first thing to fix). Also cites nsys
 * {@code gpu_time_util}'s low chunks (its defaults: 30 chunks, threshold 50 %).
 *
 * <p>Recoverable: for the worst device, the idle time above the target, {@code target × span − busy} (devices run in
 * parallel, so the wall time saved is bounded by one device).
 */
public final class LowUtilizationRule implements Rule {
    @Override
    public String id() {
        return "gpu.low-utilization";
    }

    @Override
    public String title() {
        return "Low GPU utilization";
    }

    @Override
    public String description() {
        return "Per process and device: busy time (union of kernels, memcpys and memsets) over the span from its first "
                + "to its last GPU operation. Fires below 80% (monitoring target). Evidence includes the nsys "
                + "gpu_time_util low-utilization regions (30 chunks, < 50% in use). Spans shorter than minSpanMs are "
                + "not judged.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minUtilizationPct", "%", 80, "busy share of the device span expected at least",
                        "GPU utilization monitoring target for training/serving"),
                new Threshold("minSpanMs", "ms", 10, "devices active for less than this are not judged",
                        "too short to be representative"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (!ctx.hasGpuWork()) {
            return Finding.notApplicable(this, "no GPU activity in the trace");
        }
        GpuUtilization u = ctx.gpuUtilization();
        double target = limits.get("minUtilizationPct");
        long minSpan = Math.round(limits.get("minSpanMs") * 1e6);
        List<GpuUtilization.Device> judged = u.devices().stream().filter(d -> d.spanNs() >= minSpan)
                .sorted(Comparator.comparingDouble(GpuUtilization.Device::utilizationPct)
                        .thenComparingInt(GpuUtilization.Device::pid).thenComparingInt(GpuUtilization.Device::deviceId))
                .toList();
        if (judged.isEmpty()) {
            return Finding.notApplicable(this, "no device is active for " + duration(minSpan) + " or more");
        }
        List<Evidence> ev = new ArrayList<>();
        for (GpuUtilization.Device d : judged.subList(0, Math.min(8, judged.size()))) {
            ev.add(new Evidence("pid " + d.pid() + " GPU " + d.deviceId(), pct(d.utilizationPct()) + " busy ("
                    + duration(d.busyNs()) + " of " + duration(d.spanNs()) + "; idle " + duration(d.idleNs()) + ", "
                    + count(d.ops()) + " ops)"));
        }
        GpuUtilization.Device worst = judged.get(0);
        long low = u.lowUtilization().stream().filter(l -> l.pid() == worst.pid() && l.deviceId() == worst.deviceId())
                .mapToLong(GpuUtilization.LowUtilization::durationNs).sum();
        if (low > 0) {
            ev.add(new Evidence("nsys gpu_time_util regions < " + pct(u.thresholdPct()) + " in use",
                    duration(low) + " on pid " + worst.pid() + " GPU " + worst.deviceId()));
        }
        long below = judged.stream().filter(d -> d.utilizationPct() < target).count();
        if (below == 0) {
            return Finding.ok(this, "every GPU is busy at least " + pct(target) + " of its span (lowest "
                    + pct(worst.utilizationPct()) + ")", ev);
        }
        long recoverable = Math.max(0, Math.round(target / 100.0 * worst.spanNs()) - worst.busyNs());
        double score = Math.min(100, 50 + 50 * (target - worst.utilizationPct()) / Math.max(1e-9, target));
        String summary = below + " of " + judged.size() + " GPU(s) below " + pct(target) + " busy; lowest: pid "
                + worst.pid() + " GPU " + worst.deviceId() + " at " + pct(worst.utilizationPct()) + " (idle "
                + duration(worst.idleNs()) + " of " + duration(worst.spanNs()) + ")";
        return Finding.of(this, score, summary, ev, List.of(),
                "Find what the GPU waits for: see the idle-attribution table (host wait = the CPU does not launch "
                        + "fast enough: CUDA graphs, fewer/fused kernels, move Python work off the critical path; "
                        + "other = synchronization or dependencies: remove syncs, overlap copies and communication).",
                recoverable);
    }
}
