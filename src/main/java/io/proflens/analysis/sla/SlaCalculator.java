package io.proflens.analysis.sla;

import io.proflens.analysis.sla.SlaLine.Verdict;
import io.proflens.analysis.sla.SlaSpec.ScalingKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Serving SLA arithmetic as engineers do it by hand, each line printed with the numbers it uses.
 *
 * <h2>Lines (in order; a line is left out when its inputs are absent)</h2>
 * <ol>
 *   <li><b>step time</b> ms (given or measured; rounded to 0.001 ms).</li>
 *   <li><b>TPOT</b> = step time / accepted tokens per step, ms; target: TPOT ≤ {@code tpot_target_ms}.</li>
 *   <li><b>tokens/s per user</b> = 1000 / TPOT; target: ≥ {@code user_tps_target}.</li>
 *   <li><b>tokens/s per DP</b> = users per DP × tokens/s per user.</li>
 *   <li><b>OTPS target</b> = {@code user_tps_target} × users per DP × DP (when no {@code otps_target} is given).</li>
 *   <li><b>OTPS per node</b> = users per DP × DP × tokens/s per user; target: ≥ the OTPS target.</li>
 *   <li><b>TPOT limit</b> = the tighter of {@code tpot_target_ms} and {@code 1000 / user_tps_target}; <b>step budget</b>
 *       = TPOT limit × accepted tokens (the longest step that still meets it).</li>
 *   <li><b>max batch per DP</b> under the scaling model (below), and TPOT and OTPS per node at that batch.</li>
 *   <li><b>TTFT</b> = prefill step time × prefill steps; target ≤ {@code ttft_target_ms}; <b>prefill tokens/s</b> =
 *       prompt tokens / TTFT.</li>
 * </ol>
 *
 * <h2>Rounding: every line uses the printed values of the lines before it</h2>
 * TPOT, tokens/s, the step budget and TTFT are rounded half-up to 0.01; OTPS and prefill tokens/s to whole tokens/s;
 * the linear model's slope to 0.0001 ms/user and intercept to 0.001 ms. The next line computes with the rounded
 * value, exactly as someone re-doing the table with a calculator would, and verdicts compare the printed values.
 * This is what reproduces the published figure: 28.5 ms / 2.3 = 12.39 ms (12.3913…); 1000 / 12.39 = 80.71 tok/s;
 * 24 × 8 × 80.71 = 15,496 tok/s per node. Chaining the unrounded TPOT instead gives 15,494.7 → 15,495, and TPOT
 * rounded to 0.1 ms (12.4) gives 15,484; the OTPS line therefore also states the unrounded chain.
 *
 * <h2>Scaling models for the max batch</h2>
 * <ul>
 *   <li>{@code linear}: {@code step(B) = a + k × B} through the measured point ({@code users_per_dp}, {@code step_ms})
 *       and a second measured point ({@code second_batch}, {@code second_step_ms}): k = Δstep / Δbatch, a = step − k ×
 *       batch. Max batch = floor((budget − a) / k). Decode steps are usually memory-bound with a fixed part (weights,
 *       communication) plus a part per sequence (KV cache reads), which this captures; extrapolating far beyond the
 *       two points is the user's risk and is printed as such.</li>
 *   <li>{@code power}: {@code step(B) = step_ms × (B / users_per_dp)^e} with a given exponent e (0 = step time
 *       independent of the batch, 1 = proportional). Max batch = floor(users_per_dp × (budget / step_ms)^(1/e)).</li>
 * </ul>
 * A model in which the step time does not grow with the batch (k ≤ 0, e = 0) does not bound the batch: the line says
 * "unbounded" and {@link SlaResult#maxBatchPerDp()} is {@code null}.
 *
 * <p>Semantics from the decode-serving practice the issue quotes: TPOT = step time / accepted tokens per step, OTPS
 * per node = users per DP × DP × per-user tokens/s.
 */
public final class SlaCalculator {
    private SlaCalculator() {
    }

    /**
     * Computes the SLA lines.
     *
     * @param spec       the numbers; {@link SlaSpec#stepMs()} must be set
     * @param stepSource where the step time comes from (printed), e.g. {@code "given"}
     * @return the result with every arithmetic line
     * @throws IllegalArgumentException when the spec has no step time
     */
    public static SlaResult compute(SlaSpec spec, String stepSource) {
        Objects.requireNonNull(spec, "spec");
        if (spec.stepMs() == null) {
            throw new IllegalArgumentException("no step time: give step_ms (--step-ms) or a profile");
        }
        String source = stepSource == null ? "given" : stepSource;
        List<SlaLine> lines = new ArrayList<>();
        double step = round(spec.stepMs(), 3);
        lines.add(line("step time", n(step) + " ms (" + source + ")", step, "ms", null, null));

        double acc = spec.acceptedTokens();
        double tpot = round(step / acc, 2);
        Verdict tpotVerdict = spec.tpotTargetMs() == null ? null : tpot <= spec.tpotTargetMs() ? Verdict.PASS : Verdict.FAIL;
        lines.add(line("TPOT", "step time / accepted tokens = " + n(step) + " ms / " + n(acc) + " = " + f(tpot, 2) + " ms",
                tpot, "ms", spec.tpotTargetMs() == null ? null : "<= " + n(spec.tpotTargetMs()) + " ms", tpotVerdict));

        double userTps = round(1000.0 / tpot, 2);
        Double ut = spec.userTpsTarget();
        lines.add(line("tokens/s per user", "1000 / TPOT = 1000 / " + f(tpot, 2) + " ms = " + f(userTps, 2) + " tok/s",
                userTps, "tok/s", ut == null ? null : ">= " + n(ut) + " tok/s",
                ut == null ? null : userTps >= ut ? Verdict.PASS : Verdict.FAIL));

        Long otps = null;
        Integer users = spec.usersPerDp();
        int dp = spec.dp();
        if (users != null) {
            double perDp = round(users * userTps, 2);
            lines.add(line("tokens/s per DP", users + " users × " + f(userTps, 2) + " tok/s = " + f(perDp, 2) + " tok/s",
                    perDp, "tok/s", null, null));
            Double otpsTarget = spec.otpsTarget();
            if (otpsTarget == null && ut != null) {
                otpsTarget = round(ut * users * dp, 0);
                lines.add(line("OTPS target", n(ut) + " tok/s/user × " + users + " per DP × " + dp + " DP = "
                        + f(otpsTarget, 0) + " tok/s", otpsTarget, "tok/s", null, null));
            }
            otps = (long) round((double) users * dp * userTps, 0);
            double unrounded = users * dp * 1000.0 * acc / step;
            lines.add(line("OTPS per node", users + " users/DP × " + dp + " DP × " + f(userTps, 2) + " tok/s = "
                            + f(otps, 0) + " tok/s (unrounded chain: " + f(round(unrounded, 1), 1) + ")", otps, "tok/s",
                    otpsTarget == null ? null : ">= " + f(otpsTarget, 0) + " tok/s",
                    otpsTarget == null ? null : otps >= otpsTarget ? Verdict.PASS : Verdict.FAIL));
        }

        Integer maxBatch = maxBatch(spec, step, lines);

        Double ttft = null;
        if (spec.prefillMs() != null) {
            ttft = round(spec.prefillMs() * spec.prefillSteps(), 2);
            Double tt = spec.ttftTargetMs();
            lines.add(line("TTFT", "prefill step × prefill steps = " + n(spec.prefillMs()) + " ms × " + spec.prefillSteps()
                    + " = " + f(ttft, 2) + " ms", ttft, "ms", tt == null ? null : "<= " + n(tt) + " ms",
                    tt == null ? null : ttft <= tt ? Verdict.PASS : Verdict.FAIL));
            if (spec.promptTokens() != null) {
                double pps = round(spec.promptTokens() * 1000.0 / ttft, 0);
                lines.add(line("prefill tokens/s", "prompt tokens / TTFT = " + spec.promptTokens() + " / " + f(ttft, 2)
                        + " ms = " + f(pps, 0) + " tok/s", pps, "tok/s", null, null));
            }
        }

        Verdict overall = null;
        for (SlaLine l : lines) {
            if (l.verdict() != null) {
                overall = l.verdict() == Verdict.FAIL || overall == Verdict.FAIL ? Verdict.FAIL : Verdict.PASS;
            }
        }
        return new SlaResult(spec, source, lines, tpot, userTps, otps, maxBatch, ttft, overall);
    }

    private static Integer maxBatch(SlaSpec spec, double step, List<SlaLine> lines) {
        Double limit = spec.tpotTargetMs();
        String limitText = limit == null ? null : n(limit) + " ms";
        if (spec.userTpsTarget() != null) {
            double fromTps = round(1000.0 / spec.userTpsTarget(), 2);
            if (limit == null || fromTps < limit) {
                String arith = (limit == null ? "" : "min(" + n(limit) + " ms, ") + "1000 / " + n(spec.userTpsTarget())
                        + " tok/s = " + f(fromTps, 2) + " ms" + (limit == null ? "" : ")");
                limit = fromTps;
                limitText = arith;
            }
        }
        if (limit == null || spec.scaling().kind() == ScalingKind.NONE) {
            return null;
        }
        double acc = spec.acceptedTokens();
        double budget = round(limit * acc, 2);
        lines.add(line("step budget", "TPOT limit × accepted tokens = " + (limitText.contains("=") ? "(" + limitText + ")"
                : limitText) + " × " + n(acc) + " = " + f(budget, 2) + " ms", budget, "ms", null, null));
        int b1 = spec.usersPerDp();
        SlaSpec.Scaling sc = spec.scaling();
        Integer max;
        double a = 0;
        double k = 0;
        if (sc.kind() == ScalingKind.LINEAR) {
            int b2 = sc.secondBatch();
            double t2 = round(sc.secondStepMs(), 3);
            k = round((t2 - step) / (b2 - b1), 4);
            lines.add(line("step slope", "(" + n(t2) + " − " + n(step) + ") ms / (" + b2 + " − " + b1 + ") users = "
                    + f(k, 4) + " ms/user", k, "ms/user", null, null));
            a = round(step - k * b1, 3);
            lines.add(line("step intercept", n(step) + " ms − " + f(k, 4) + " × " + b1 + " = " + f(a, 3) + " ms", a, "ms",
                    null, null));
            if (k <= 0) {
                lines.add(line("max batch per DP", "step time does not grow with the batch (slope " + f(k, 4)
                        + "): unbounded by TPOT under this model", Double.NaN, "users/DP", null, null));
                return null;
            }
            max = (int) Math.max(0, Math.floor((budget - a) / k));
            lines.add(line("max batch per DP", "floor((" + f(budget, 2) + " − " + f(a, 3) + ") / " + f(k, 4) + ") = " + max
                    + " users (linear through " + b1 + " and " + b2 + " users)", max, "users/DP", null, null));
        } else {
            double e = sc.exponent();
            if (e == 0) {
                lines.add(line("max batch per DP", "exponent 0: step time independent of the batch: unbounded by TPOT "
                        + "under this model", Double.NaN, "users/DP", null, null));
                return null;
            }
            max = (int) Math.max(0, Math.floor(b1 * Math.pow(budget / step, 1.0 / e)));
            lines.add(line("max batch per DP", "floor(" + b1 + " × (" + f(budget, 2) + " / " + n(step) + ")^(1/" + n(e)
                    + ")) = " + max + " users (power model, step ∝ batch^" + n(e) + ")", max, "users/DP", null, null));
        }
        if (max < 1) {
            return 0;
        }
        double stepAt = sc.kind() == ScalingKind.LINEAR ? round(a + k * max, 2)
                : round(step * Math.pow((double) max / b1, sc.exponent()), 2);
        String stepArith = sc.kind() == ScalingKind.LINEAR ? f(a, 3) + " + " + f(k, 4) + " × " + max
                : n(step) + " × (" + max + " / " + b1 + ")^" + n(sc.exponent());
        double tpotAt = round(stepAt / acc, 2);
        lines.add(line("TPOT at max batch", "(" + stepArith + " = " + f(stepAt, 2) + " ms) / " + n(acc) + " = "
                + f(tpotAt, 2) + " ms", tpotAt, "ms", null, null));
        double tpsAt = round(1000.0 / tpotAt, 2);
        double otpsAt = round((double) max * spec.dp() * tpsAt, 0);
        lines.add(line("OTPS per node at max batch", max + " users/DP × " + spec.dp() + " DP × (1000 / " + f(tpotAt, 2)
                + " = " + f(tpsAt, 2) + " tok/s) = " + f(otpsAt, 0) + " tok/s", otpsAt, "tok/s", null, null));
        return max;
    }

    private static SlaLine line(String q, String arith, double value, String unit, String target, Verdict v) {
        return new SlaLine(q, arith, value, unit, target, v);
    }

    /** Half-up rounding to {@code decimals} places (of the shortest decimal of {@code v}). */
    static double round(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    /** Fixed decimals with thousands separators: {@code 15496 → "15,496"}. */
    static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP));
    }

    /** An input number as given: shortest decimal without trailing zeros ({@code 28.50 → "28.5"}). */
    static String n(double v) {
        BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }
}
