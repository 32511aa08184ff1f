package io.proflens.analysis.sla;

import java.util.Objects;

/**
 * One line of the SLA arithmetic: what is computed, the arithmetic with the numbers used (as printed), the rounded
 * value, and the target with its verdict when there is one.
 *
 * @param quantity   what the line computes, e.g. {@code "TPOT"}
 * @param arithmetic the formula with the numbers, e.g. {@code "step time / accepted tokens = 28.5 ms / 2.3 = 12.39 ms"}
 * @param value      the value as printed (already rounded, see {@link SlaCalculator}); {@code NaN} for a line
 *                   without a number (e.g. "unbounded")
 * @param unit       unit of {@code value}, e.g. {@code "ms"}, {@code "tok/s"}, {@code "users/DP"}
 * @param target     the target as text, e.g. {@code "<= 16.6 ms"}, or {@code null}
 * @param verdict    PASS/FAIL against the target, or {@code null} without a target
 */
public record SlaLine(String quantity, String arithmetic, double value, String unit, String target, Verdict verdict) {
    /** Outcome of a check. */
    public enum Verdict {
        PASS, FAIL
    }

    /** Requires quantity, arithmetic and unit. */
    public SlaLine {
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(arithmetic, "arithmetic");
        Objects.requireNonNull(unit, "unit");
    }
}
