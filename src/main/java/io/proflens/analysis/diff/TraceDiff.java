package io.proflens.analysis.diff;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changed between a baseline run A and a new run B: per kernel, kernel category, operator, NVTX range and phase
 * (see {@link DiffSection}) the counts, total and mean times, the delta, the ratio and the change of share, plus the
 * names that only one run has. Inputs may come from different producers (an nsys export against a Kineto trace):
 * both are read into the same model and compared under the same name keys ({@link KernelNameNormalizer}).
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>A row exists for every key of a section whose count or total differs between A and B, so
 *       {@code diff(A, A)} has no rows ({@link #isEmpty()}); keys equal in both runs are counted in
 *       {@link SectionSummary#unchanged()}.</li>
 *   <li>{@code deltaNs = totalB - totalA}; {@code ratio = totalB / totalA} ({@code null} when A has no time);
 *       shares are of the run's total kernel time (kernel, category, operator sections) or of its trace span (nvtx,
 *       phase sections), 0-100, and {@code shareChangePct = shareB - shareA} in percentage points.</li>
 *   <li>{@link Status#ADDED}: only B has the key; {@link Status#REMOVED}: only A; otherwise {@link Status#CHANGED}.</li>
 *   <li>Rows of a section are sorted by |delta| descending, then by name.</li>
 * </ul>
 * The full per-run numbers (changed or not) stay available in {@link #baseline()} and {@link #candidate()}, which
 * is what {@link RegressionGate} evaluates.
 *
 * @param baseline  run A
 * @param candidate run B
 * @param rawNames  whether names were compared as they are ({@link KernelNameNormalizer#IDENTITY})
 * @param sections  per section: keys compared, changed, unchanged, totals; in {@link DiffSection} order
 * @param rows      changed rows, grouped by section in {@link DiffSection} order, each group sorted as above
 */
public record TraceDiff(RunSummary baseline, RunSummary candidate, boolean rawNames, List<SectionSummary> sections,
                        List<Row> rows) {
    public TraceDiff {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        sections = List.copyOf(sections);
        rows = List.copyOf(rows);
    }

    /** How a key differs. */
    public enum Status {
        /** Only in B. */
        ADDED,
        /** Only in A. */
        REMOVED,
        /** In both, with another count or time. */
        CHANGED;

        /** @return lower-case label */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Totals of one section.
     *
     * @param section   the section
     * @param keysA     keys in A
     * @param keysB     keys in B
     * @param added     keys only in B
     * @param removed   keys only in A
     * @param changed   keys in both with another count or time
     * @param unchanged keys in both with the same count and time
     * @param totalNsA  summed time of the section in A, ns
     * @param totalNsB  summed time in B, ns
     */
    public record SectionSummary(DiffSection section, int keysA, int keysB, int added, int removed, int changed,
                                 int unchanged, long totalNsA, long totalNsB) {
    }

    /**
     * One changed key.
     *
     * @param section      its section
     * @param name         the key
     * @param status       added, removed or changed
     * @param category     the kernel category (kernel and operator rows; of B when present, else of A), or null
     * @param countA       count in A (0 when absent)
     * @param countB       count in B
     * @param totalNsA     time in A, ns
     * @param totalNsB     time in B, ns
     * @param sharePctA    share in A, 0-100 (not rounded; tables print one decimal)
     * @param sharePctB    share in B, 0-100
     * @param rawNamesA    raw names merged into the key in A (at most {@value RunSummary#MAX_RAW_NAMES}), sorted
     * @param rawNamesB    the same for B
     * @param rawCountA    distinct raw names in A
     * @param rawCountB    distinct raw names in B
     */
    public record Row(DiffSection section, String name, Status status, KernelCategory category, long countA,
                      long countB, long totalNsA, long totalNsB, double sharePctA, double sharePctB,
                      List<String> rawNamesA, List<String> rawNamesB, int rawCountA, int rawCountB) {
        public Row {
            rawNamesA = List.copyOf(rawNamesA);
            rawNamesB = List.copyOf(rawNamesB);
        }

        /** @return {@code totalNsB - totalNsA}, ns */
        public long deltaNs() {
            return totalNsB - totalNsA;
        }

        /** @return {@code totalNsB / totalNsA}, or null when A has no time */
        public Double ratio() {
            return totalNsA == 0 ? null : (double) totalNsB / totalNsA;
        }

        /** @return mean in A, ns; null when absent from A */
        public Double meanNsA() {
            return countA == 0 ? null : (double) totalNsA / countA;
        }

        /** @return mean in B, ns; null when absent from B */
        public Double meanNsB() {
            return countB == 0 ? null : (double) totalNsB / countB;
        }

        /** @return {@code sharePctB - sharePctA}, percentage points */
        public double shareChangePct() {
            return sharePctB - sharePctA;
        }
    }

    /**
     * Summarises both traces and compares them.
     *
     * @param a          baseline trace
     * @param labelA     its name in output
     * @param b          new trace
     * @param labelB     its name in output
     * @param classifier kernel categories
     * @param normalizer name keys ({@link KernelNameNormalizer#IDENTITY} for raw names)
     * @return the diff
     */
    public static TraceDiff of(Trace a, String labelA, Trace b, String labelB, KernelClassifier classifier,
                               KernelNameNormalizer normalizer) {
        return of(RunSummary.of(a, labelA, classifier, normalizer), RunSummary.of(b, labelB, classifier, normalizer),
                !normalizer.enabled());
    }

    /**
     * Compares two summaries made with the same normalizer.
     *
     * @param a        baseline
     * @param b        new run
     * @param rawNames whether the summaries were made with {@link KernelNameNormalizer#IDENTITY}
     * @return the diff
     */
    public static TraceDiff of(RunSummary a, RunSummary b, boolean rawNames) {
        List<SectionSummary> sections = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (DiffSection s : DiffSection.values()) {
            Map<String, RunSummary.Entry> ea = a.bySection(s);
            Map<String, RunSummary.Entry> eb = b.bySection(s);
            Set<String> keys = new TreeSet<>(ea.keySet());
            keys.addAll(eb.keySet());
            int added = 0;
            int removed = 0;
            int changed = 0;
            int same = 0;
            long ta = 0;
            long tb = 0;
            List<Row> part = new ArrayList<>();
            for (String k : keys) {
                RunSummary.Entry x = ea.get(k);
                RunSummary.Entry y = eb.get(k);
                long ca = x == null ? 0 : x.count();
                long cb = y == null ? 0 : y.count();
                long na = x == null ? 0 : x.totalNs();
                long nb = y == null ? 0 : y.totalNs();
                ta += na;
                tb += nb;
                if (x != null && y != null && ca == cb && na == nb) {
                    same++;
                    continue;
                }
                Status st = x == null ? Status.ADDED : y == null ? Status.REMOVED : Status.CHANGED;
                if (st == Status.ADDED) {
                    added++;
                } else if (st == Status.REMOVED) {
                    removed++;
                } else {
                    changed++;
                }
                KernelCategory cat = y != null && y.category() != null ? y.category() : x == null ? null : x.category();
                part.add(new Row(s, k, st, cat, ca, cb, na, nb, share(na, a.shareBaseNs(s)), share(nb, b.shareBaseNs(s)),
                        x == null ? List.of() : x.rawNames(), y == null ? List.of() : y.rawNames(),
                        x == null ? 0 : x.rawNameCount(), y == null ? 0 : y.rawNameCount()));
            }
            part.sort(Comparator.comparingLong((Row r) -> -Math.abs(r.deltaNs())).thenComparing(Row::name));
            rows.addAll(part);
            sections.add(new SectionSummary(s, ea.size(), eb.size(), added, removed, changed, same, ta, tb));
        }
        return new TraceDiff(a, b, rawNames, sections, rows);
    }

    private static double share(long part, long base) {
        return base <= 0 ? 0.0 : 100.0 * part / base;
    }

    /** @return whether nothing differs: no changed row and equal kernel totals and counts */
    public boolean isEmpty() {
        return rows.isEmpty() && baseline.kernelTotalNs() == candidate.kernelTotalNs()
                && baseline.kernelCount() == candidate.kernelCount();
    }

    /** @return the changed rows of one section, in diff order */
    public List<Row> rows(DiffSection section) {
        return rows.stream().filter(r -> r.section() == section).toList();
    }

    /** @return the summary of one section */
    public SectionSummary section(DiffSection section) {
        return sections.stream().filter(s -> s.section() == section).findFirst().orElseThrow();
    }

    /**
     * @return table {@code diff_summary}: one row per measure (kernel time, kernel count, span) and per section
     *         (keys added / removed / changed / unchanged), columns Measure, A, B, Delta, Ratio, Added, Removed,
     *         Changed, Unchanged
     */
    public ResultTable summaryTable() {
        List<Column> cols = List.of(new Column("Measure", Kind.TEXT), new Column("A", Kind.NUMBER),
                new Column("B", Kind.NUMBER), new Column("Delta", Kind.NUMBER), new Column("Ratio", Kind.NUMBER),
                new Column("Added", Kind.INTEGER), new Column("Removed", Kind.INTEGER),
                new Column("Changed", Kind.INTEGER), new Column("Unchanged", Kind.INTEGER));
        List<Object[]> r = new ArrayList<>();
        r.add(new Object[] {"GPU kernel time (ns)", baseline.kernelTotalNs(), candidate.kernelTotalNs(),
            candidate.kernelTotalNs() - baseline.kernelTotalNs(), ratio(candidate.kernelTotalNs(), baseline.kernelTotalNs()),
            null, null, null, null});
        r.add(new Object[] {"kernels", baseline.kernelCount(), candidate.kernelCount(),
            candidate.kernelCount() - baseline.kernelCount(), ratio(candidate.kernelCount(), baseline.kernelCount()),
            null, null, null, null});
        r.add(new Object[] {"trace span (ns)", baseline.spanNs(), candidate.spanNs(),
            candidate.spanNs() - baseline.spanNs(), ratio(candidate.spanNs(), baseline.spanNs()), null, null, null, null});
        for (SectionSummary s : sections) {
            r.add(new Object[] {s.section().id() + " time (ns)", s.totalNsA(), s.totalNsB(), s.totalNsB() - s.totalNsA(),
                ratio(s.totalNsB(), s.totalNsA()), (long) s.added(), (long) s.removed(), (long) s.changed(),
                (long) s.unchanged()});
        }
        return new ResultTable("diff_summary", "Diff Summary (A = " + baseline.label() + ", B = " + candidate.label()
                + ")", cols, r);
    }

    private static Double ratio(long b, long a) {
        return a == 0 ? null : round(b / (double) a, 4);
    }

    static double round(double v, int decimals) {
        return new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    /**
     * @param section the section
     * @return its table ({@link DiffSection#reportName()}): Name, Status, [Category], Count A, Count B, Total A,
     *         Total B, Delta, Ratio (4 decimals), Mean A, Mean B (0.1 ns), Share A, Share B (0-100), Share Change
     *         (percentage points, 0.1), and unless raw names were compared Names A/B (distinct raw names merged per
     *         side, e.g. {@code 2/1}); rows in diff order
     */
    public ResultTable table(DiffSection section) {
        boolean cat = section == DiffSection.KERNEL || section == DiffSection.OPERATOR;
        List<Column> cols = new ArrayList<>(List.of(new Column("Name", Kind.TEXT), new Column("Status", Kind.TEXT)));
        if (cat) {
            cols.add(new Column("Category", Kind.TEXT));
        }
        cols.addAll(List.of(new Column("Count A", Kind.INTEGER), new Column("Count B", Kind.INTEGER),
                new Column("Total A", Kind.DURATION), new Column("Total B", Kind.DURATION),
                new Column("Delta", Kind.DURATION), new Column("Ratio", Kind.NUMBER),
                new Column("Mean A", Kind.DURATION), new Column("Mean B", Kind.DURATION),
                new Column("Share A", Kind.PERCENT), new Column("Share B", Kind.PERCENT),
                new Column("Share Change", Kind.NUMBER)));
        if (!rawNames) {
            cols.add(new Column("Names A/B", Kind.TEXT));
        }
        List<Object[]> out = new ArrayList<>();
        for (Row r : rows(section)) {
            List<Object> c = new ArrayList<>(List.of(r.name(), r.status().label()));
            if (cat) {
                c.add(r.category() == null ? "" : r.category().label());
            }
            c.add(r.countA());
            c.add(r.countB());
            c.add(r.totalNsA());
            c.add(r.totalNsB());
            c.add(r.deltaNs());
            c.add(r.ratio() == null ? null : round(r.ratio(), 4));
            c.add(r.meanNsA() == null ? null : SummaryStats.round1(r.meanNsA()));
            c.add(r.meanNsB() == null ? null : SummaryStats.round1(r.meanNsB()));
            c.add(r.sharePctA());
            c.add(r.sharePctB());
            c.add(round(r.shareChangePct(), 1));
            if (!rawNames) {
                c.add(r.rawCountA() + "/" + r.rawCountB());
            }
            out.add(c.toArray());
        }
        return new ResultTable(section.reportName(), section.title() + " — changes from A to B", cols, out);
    }

    /** @return {@link #summaryTable()} then one table per section, in {@link DiffSection} order */
    public List<ResultTable> toTables() {
        return toTables(EnumSet.allOf(DiffSection.class));
    }

    /** @return {@link #summaryTable()} then the tables of the given sections, in {@link DiffSection} order */
    public List<ResultTable> toTables(Set<DiffSection> which) {
        List<ResultTable> t = new ArrayList<>();
        t.add(summaryTable());
        for (DiffSection s : DiffSection.values()) {
            if (which.contains(s)) {
                t.add(table(s));
            }
        }
        return t;
    }
}
