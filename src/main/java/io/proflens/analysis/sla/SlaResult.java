package io.proflens.analysis.sla;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SLA check: every arithmetic line in order, the headline numbers and the overall verdict.
 *
 * @param spec          the input numbers
 * @param stepSource    where the step time came from, e.g. {@code "given"} or {@code "profile run.json: ProfilerStep#N
 *                      steady mean of 5 iterations"}
 * @param lines         the arithmetic lines in computation order (see {@link SlaCalculator})
 * @param tpotMs        TPOT, ms, rounded to 0.01 ms
 * @param userTokensPerSec per-user tokens/s ({@code 1000 / tpotMs}), rounded to 0.01
 * @param otpsPerNode   output tokens/s per node, whole tokens/s, or {@code null} without {@code users_per_dp}
 * @param maxBatchPerDp largest users per DP meeting the TPOT limit under the scaling model, or {@code null} when not
 *                      computed (no model or no TPOT limit) or unbounded by this model; {@code 0} when no batch meets it
 * @param ttftMs        TTFT, ms, or {@code null} without prefill numbers
 * @param verdict       PASS when every checked target passes, FAIL when one fails, {@code null} when no target was
 *                      given
 */
public record SlaResult(SlaSpec spec, String stepSource, List<SlaLine> lines, double tpotMs, double userTokensPerSec,
                        Long otpsPerNode, Integer maxBatchPerDp, Double ttftMs, SlaLine.Verdict verdict) {
    /** Copies the lines. */
    public SlaResult {
        Objects.requireNonNull(spec, "spec");
        lines = List.copyOf(lines);
    }

    /** @return the line computing {@code quantity}, or {@code null} */
    public SlaLine line(String quantity) {
        for (SlaLine l : lines) {
            if (l.quantity().equals(quantity)) {
                return l;
            }
        }
        return null;
    }

    /**
     * @return table {@code sla}: one row per arithmetic line (Quantity, Arithmetic, Value, Unit, Target, Verdict),
     *         then a row "verdict" with the overall outcome ("n/a" without targets)
     */
    public ResultTable toTable() {
        List<Column> cols = List.of(new Column("Quantity", Kind.TEXT), new Column("Arithmetic", Kind.TEXT),
                new Column("Value", Kind.NUMBER), new Column("Unit", Kind.TEXT), new Column("Target", Kind.TEXT),
                new Column("Verdict", Kind.TEXT));
        List<Object[]> rows = new ArrayList<>();
        for (SlaLine l : lines) {
            rows.add(new Object[] {l.quantity(), l.arithmetic(), Double.isNaN(l.value()) ? null : l.value(), l.unit(),
                    l.target(), l.verdict() == null ? null : l.verdict().name()});
        }
        rows.add(new Object[] {"verdict", verdictText(), null, "", null, verdict == null ? "n/a" : verdict.name()});
        return new ResultTable("sla", "SLA check (step time: " + stepSource + ")", cols, rows);
    }

    /** @return e.g. "PASS: all 3 targets met" or "FAIL: TPOT, OTPS per node" */
    public String verdictText() {
        List<String> failed = new ArrayList<>();
        int checked = 0;
        for (SlaLine l : lines) {
            if (l.verdict() != null) {
                checked++;
                if (l.verdict() == SlaLine.Verdict.FAIL) {
                    failed.add(l.quantity());
                }
            }
        }
        if (checked == 0) {
            return "no target given";
        }
        return failed.isEmpty() ? "PASS: all " + checked + " targets met" : "FAIL: " + String.join(", ", failed);
    }
}
