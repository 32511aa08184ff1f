package io.proflens.rules.phases;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.ratio;

import io.proflens.analysis.phases.ForwardBackward;
import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseKey;
import io.proflens.analysis.phases.PhaseRole;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Backward vs forward time of a training step outside the expected band. The backward pass computes two GEMMs per
 * forward GEMM (input gradient and weight gradient), so it costs about 2× the forward in FLOPs; activation
 * checkpointing (recomputation) re-runs the forward inside backward and pushes the ratio to about 3. Defaults
 * {@code minRatio} 1.5 and {@code maxRatio} 3.5 leave room around those two regimes (the corpus' DDP and
 * encoder-decoder traces measure 1.65-1.72).
 *
 * <p>Durations are the mean wall-clock durations of the forward and backward annotation ranges (as
 * {@link ForwardBackward}): the forward series is the phase-level {@link PhaseRole#FORWARD} series with the
 * largest total, the backward series the phase-level {@link PhaseRole#BACKWARD} series with the largest total in
 * the same process (any process if that one has none). Only phase-level names count, see
 * {@link io.proflens.analysis.phases.PhaseSeries#operatorLevel()}: on a PyTorch {@code emit_nvtx} trace the analysis may pair the operator
 * {@code flash_attn::_flash_attn_forward} with the autograd hook {@code RegisterPostBackwardFunction}, which is no
 * training phase pair; without a phase-level pair the rule is not applicable.
 *
 * <p>Score: 25 at the band's edge, +60 per doubling beyond it (capped at 90). Recoverable: above the band, the
 * backward's excess over 2× forward per iteration × backward count; below it, the forward's excess over half the
 * backward × forward count (both rough estimates of the extra work).
 */
public final class PhaseImbalanceRule implements Rule {

    @Override
    public String id() {
        return "phases.imbalance";
    }

    @Override
    public String title() {
        return "Backward/forward time ratio out of range";
    }

    @Override
    public String description() {
        return "Compares the mean duration of the backward annotation range with the forward one. Backward costs "
                + "about 2x forward in FLOPs (two GEMMs per forward GEMM) and about 3x with activation checkpointing; "
                + "a ratio above maxRatio (default 3.5) points at recomputation, fp32 gradients, unfused backward "
                + "kernels or gradient communication inside backward, one below minRatio (default 1.5) at a forward "
                + "doing extra work or a backward not captured. Only phase-level ranges count (not operator ranges "
                + "such as aten:: or flash_attn:: ops or autograd nodes).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minRatio", "ratio", 1.5, "backward/forward time below this is suspicious",
                        "backward ≈ 2× forward FLOPs (dgrad + wgrad per forward GEMM), minus launch/CPU slack"),
                new Threshold("maxRatio", "ratio", 3.5, "backward/forward time above this is suspicious",
                        "≈ 3× with activation checkpointing (forward recomputed in backward), plus slack"));
    }

    /**
     * Whether a range names one operator rather than a phase of the run. True for: names containing {@code ::}
     * (ATen and custom ops {@code aten::mm}, {@code flash_attn::_flash_attn_forward}, {@code FSDP::pre_forward},
     * C++ scopes); c10d collective annotations ({@code nccl:all_to_all}); single CamelCase identifiers ending in
     * {@code Backward[N]}, {@code Function} or {@code Func} (autograd nodes and {@code autograd.Function} classes
     * that {@code emit_nvtx} records: {@code MulBackward0}, {@code RegisterPostBackwardFunction}); and ranges of
     * the {@code TensorRT} domain (one per layer). {@code ProfilerStep#N}, {@code ## forward ##},
     * {@code train_step}, {@code forward} are phase-level.
     *
     * @param key a phase key (not null)
     * @return true when the range is an operator, not a phase
     */
    static boolean isOperatorLevel(PhaseKey key) {
        return io.proflens.analysis.phases.PhaseNames.isOperatorLevel(key);
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        PhaseAnalysis pa = ctx.phases();
        PhaseSeries fwd = null;
        for (PhaseSeries s : pa.series()) { // by total descending
            if (s.role() == PhaseRole.FORWARD && !s.operatorLevel()) {
                fwd = s;
                break;
            }
        }
        PhaseSeries bwd = null;
        if (fwd != null) {
            for (PhaseSeries s : pa.series()) {
                if (s.role() == PhaseRole.BACKWARD && !s.operatorLevel()
                        && (s.pid() == fwd.pid() || bwd == null)) {
                    if (s.pid() == fwd.pid()) {
                        bwd = s;
                        break;
                    }
                    bwd = s;
                }
            }
        }
        ForwardBackward fb = pa.forwardBackward();
        if (fwd == null || bwd == null || fwd.meanNs() <= 0) {
            String why = "no repeating phase-level forward and backward ranges";
            if (fb != null) {
                why += " (the operator-level pair " + fb.forwardLabel() + " / " + fb.backwardLabel()
                        + " is not a training phase pair)";
            }
            return Finding.notApplicable(this, why);
        }
        double r = bwd.meanNs() / fwd.meanNs();
        double min = limits.get("minRatio");
        double max = limits.get("maxRatio");
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("forward", fwd.label() + " (pid " + fwd.pid() + "): " + duration(fwd.meanNs())
                + " mean over " + count(fwd.count()) + " range(s)"));
        ev.add(new Evidence("backward", bwd.label() + " (pid " + bwd.pid() + "): " + duration(bwd.meanNs())
                + " mean over " + count(bwd.count()) + " range(s)"));
        ev.add(new Evidence("backward / forward", ratio(r) + " (expected " + ratio(min) + " to " + ratio(max)
                + "; about 2× for dense training, about 3× with activation checkpointing)"));
        if (fb != null && fb.optimizerLabel() != null && fb.optimizerMeanNs() != null
                && fb.forwardLabel().equals(fwd.label())) {
            ev.add(new Evidence("optimizer", fb.optimizerLabel() + ": " + duration(fb.optimizerMeanNs()) + " mean"));
        }
        if (fb != null && !(fb.forwardLabel().equals(fwd.label()) && fb.backwardLabel().equals(bwd.label()))) {
            ev.add(new Evidence("ignored operator-level pair", fb.forwardLabel() + " / " + fb.backwardLabel()));
        }
        String numbers = ratio(r) + " forward (" + duration(bwd.meanNs()) + " vs " + duration(fwd.meanNs())
                + " per iteration)";
        if (r >= min && r <= max) {
            return Finding.ok(this, "backward is " + numbers + ", within " + ratio(min) + " to " + ratio(max), ev);
        }
        boolean high = r > max;
        double excess = high ? Math.log(r / max) : Math.log(min / r);
        double score = Math.min(90, 25 + 60 * excess / Math.log(2));
        long recoverable = high ? Math.round((bwd.meanNs() - 2 * fwd.meanNs()) * bwd.count())
                : Math.round((fwd.meanNs() - bwd.meanNs() / 2) * fwd.count());
        String summary = "backward is " + numbers + ", " + (high ? "above " + ratio(max) : "below " + ratio(min))
                + " (expected about 2×)";
        String rec = high
                ? "Backward takes much longer than its ~2× FLOP share: look for activation recomputation "
                        + "(checkpointing more layers than needed), fp32 gradients or master weights where bf16 would "
                        + "do, unfused backward kernels (compare kernel counts of forward and backward), and gradient "
                        + "all-reduce or FSDP reduce-scatter running inside backward without overlap."
                : "Backward is unusually cheap relative to forward: check whether the forward range does extra work "
                        + "(data transforms, host-device copies, evaluation/metrics, loss logging with .item() syncs) "
                        + "or whether backward is not fully captured (kernels launched from the autograd thread "
                        + "outside the range, no_grad/frozen layers, a profiling window that cuts it).";
        return Finding.of(this, score, summary, ev, List.of(), rec, recoverable);
    }
}
