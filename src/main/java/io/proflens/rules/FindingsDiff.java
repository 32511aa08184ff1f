package io.proflens.rules;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which expert findings appeared, disappeared or changed severity between a baseline diagnosis A and a new one B.
 *
 * <p>A finding is a problem when its severity {@link Severity#isProblem() is one} (critical, warning, info).
 * Per rule id: {@link Kind#APPEARED} when B has a problem and A has none (ok, n/a, failed or no finding);
 * {@link Kind#DISAPPEARED} the reverse; {@link Kind#SEVERITY_CHANGED} when both are problems of different severity.
 * Rules that are not a problem on either side, or the same severity on both, are not listed (their numbers may still
 * differ; the summaries are shown for the listed ones). Changes are ordered appeared, severity changed, disappeared;
 * within a kind by the more severe side first, then by rule id.
 *
 * @param changes the changes in the order above (empty when nothing changed; {@code FindingsDiff.of(d, d)} is empty)
 */
public record FindingsDiff(List<Change> changes) {
    public FindingsDiff {
        changes = List.copyOf(changes);
    }

    /** What happened to a rule's finding. */
    public enum Kind {
        APPEARED, SEVERITY_CHANGED, DISAPPEARED;

        /** @return label: appeared, severity changed, disappeared */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * @param ruleId   rule id
     * @param title    rule title
     * @param kind     what happened
     * @param before   severity in A ({@code null} when A has no finding of this rule)
     * @param after    severity in B ({@code null} when B has none)
     * @param summaryA summary in A ("" when none)
     * @param summaryB summary in B ("" when none)
     */
    public record Change(String ruleId, String title, Kind kind, Severity before, Severity after, String summaryA,
                         String summaryB) {
        public Change {
            Objects.requireNonNull(ruleId, "ruleId");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** @return the change between two diagnoses' findings */
    public static FindingsDiff of(Diagnosis a, Diagnosis b) {
        return of(a.findings(), b.findings());
    }

    /**
     * @param a findings of the baseline (one per rule id; a later duplicate is ignored)
     * @param b findings of the new run
     * @return the changes
     */
    public static FindingsDiff of(List<Finding> a, List<Finding> b) {
        Map<String, Finding> ma = byRule(a);
        Map<String, Finding> mb = byRule(b);
        TreeSet<String> ids = new TreeSet<>(ma.keySet());
        ids.addAll(mb.keySet());
        List<Change> out = new ArrayList<>();
        for (String id : ids) {
            Finding x = ma.get(id);
            Finding y = mb.get(id);
            boolean pa = x != null && x.severity().isProblem();
            boolean pb = y != null && y.severity().isProblem();
            Kind k = null;
            if (pb && !pa) {
                k = Kind.APPEARED;
            } else if (pa && !pb) {
                k = Kind.DISAPPEARED;
            } else if (pa && x.severity() != y.severity()) {
                k = Kind.SEVERITY_CHANGED;
            }
            if (k != null) {
                Finding any = y != null ? y : x;
                out.add(new Change(id, any.title(), k, x == null ? null : x.severity(), y == null ? null : y.severity(),
                        x == null ? "" : x.summary(), y == null ? "" : y.summary()));
            }
        }
        out.sort(Comparator.comparing(Change::kind).thenComparingInt(FindingsDiff::worst).thenComparing(Change::ruleId));
        return new FindingsDiff(out);
    }

    private static int worst(Change c) {
        int x = c.before() == null ? Integer.MAX_VALUE : c.before().ordinal();
        int y = c.after() == null ? Integer.MAX_VALUE : c.after().ordinal();
        return Math.min(x, y);
    }

    private static Map<String, Finding> byRule(List<Finding> list) {
        Map<String, Finding> m = new LinkedHashMap<>();
        for (Finding f : list) {
            m.putIfAbsent(f.ruleId(), f);
        }
        return m;
    }

    /** @return whether no finding appeared, disappeared or changed severity */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** @return the changes of one kind, in order */
    public List<Change> changes(Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).toList();
    }

    /**
     * @return table {@code diff_findings}: Change, Rule, Severity A, Severity B, Summary A, Summary B; one row per
     *         change in order (severity "" when the run has no finding of the rule)
     */
    public ResultTable toTable() {
        List<Object[]> rows = new ArrayList<>();
        for (Change c : changes) {
            rows.add(new Object[] {c.kind().label(), c.ruleId(), c.before() == null ? "" : c.before().label(),
                c.after() == null ? "" : c.after().label(), c.summaryA(), c.summaryB()});
        }
        return new ResultTable("diff_findings", "Findings — appeared, disappeared, severity changed", List.of(
                new Column("Change", ResultTable.Kind.TEXT), new Column("Rule", ResultTable.Kind.TEXT), new Column("Severity A", ResultTable.Kind.TEXT),
                new Column("Severity B", ResultTable.Kind.TEXT), new Column("Summary A", ResultTable.Kind.TEXT),
                new Column("Summary B", ResultTable.Kind.TEXT)), rows);
    }
}
