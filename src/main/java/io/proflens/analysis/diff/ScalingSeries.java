package io.proflens.analysis.diff;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.classify.KernelCategory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How kernel and operator times scale over a series of runs that differ in one numeric parameter (sequence length,
 * batch size, ...): per key the time of every run, the time ratio between consecutive runs next to the parameter
 * ratio, the exponent k of the power law {@code time ∝ param^k} fitted over all runs, and a flag where a kernel scales
 * worse than its expected complexity.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Runs are given in order with their parameter values (positive, at least two distinct); times are the totals
 *       of {@link RunSummary} (GPU kernel time of the kernel, category or operator in that run, 0 when absent).</li>
 *   <li>{@code timeRatio[i] = time[i+1] / time[i]} ({@code null} when either is 0);
 *       {@code paramRatio[i] = param[i+1] / param[i]}. "fmha 4k→6k took 1.5×, 6k→8k 1.3×" reads off these two.</li>
 *   <li>Exponent: least-squares slope of {@code ln time} over {@code ln param} over the runs where the key has time
 *       (at least two runs with distinct parameters, else {@code null}). For two runs it is
 *       {@code ln(t2/t1) / ln(p2/p1)}.</li>
 *   <li>Expected exponent by kernel category (operators: the category with most kernel time under the operator;
 *       categories: themselves), {@link Mode#PREFILL} (parameter = tokens processed at once): attention 2 (s²), GEMM,
 *       communication, pointwise, normalization, softmax, reduction, embedding, copies 1, optimizer 0, other none.
 *       {@link Mode#DECODE} (parameter = context length, one token per step): attention 1 (reads the KV cache),
 *       everything else 0. {@link Options#expected()} overrides per category.</li>
 *   <li>{@code worse}: exponent &gt; expected + tolerance (default {@value #DEFAULT_TOLERANCE}).</li>
 *   <li>Rows: sections {@link DiffSection#KERNEL}, {@link DiffSection#CATEGORY}, {@link DiffSection#OPERATOR}, keys
 *       present in at least one run, ordered by section, then by time in the last run descending, then by maximum
 *       time descending, then name.</li>
 * </ul>
 *
 * @param paramName the parameter's name (e.g. {@code seq})
 * @param params    parameter value per run, in run order
 * @param labels    run labels in run order
 * @param options   the options used
 * @param rows      one row per key, ordered as above
 */
public record ScalingSeries(String paramName, List<Double> params, List<String> labels, Options options,
                            List<Row> rows) {
    /** Default tolerance on the exponent before a key is flagged. */
    public static final double DEFAULT_TOLERANCE = 0.2;

    public ScalingSeries {
        params = List.copyOf(params);
        labels = List.copyOf(labels);
        rows = List.copyOf(rows);
    }

    /** What the parameter is, which decides the default expected exponents. */
    public enum Mode {
        /** Tokens processed together (prefill, training): attention s², the rest linear. */
        PREFILL,
        /** Context length of one-token decode steps: attention linear, the rest constant. */
        DECODE;

        /**
         * @param text {@code prefill} or {@code decode}, case-insensitive
         * @return the mode
         * @throws IllegalArgumentException for anything else
         */
        public static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + text + "' (use prefill or decode)");
        }
    }

    /**
     * @param mode      default expectations
     * @param expected  expected exponent per category, overriding the mode's default (may be empty)
     * @param tolerance how much a fitted exponent may exceed the expected one before it is flagged (≥ 0)
     */
    public record Options(Mode mode, Map<KernelCategory, Double> expected, double tolerance) {
        public Options {
            Objects.requireNonNull(mode, "mode");
            EnumMap<KernelCategory, Double> m = new EnumMap<>(KernelCategory.class);
            m.putAll(expected);
            expected = java.util.Collections.unmodifiableMap(m);
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance must be >= 0: " + tolerance);
            }
        }

        /** @return prefill expectations, no overrides, default tolerance */
        public static Options defaults() {
            return new Options(Mode.PREFILL, Map.of(), DEFAULT_TOLERANCE);
        }

        /**
         * @param c a category, or null
         * @return the expected exponent, or null when there is no expectation (OTHER, null)
         */
        public Double expectedExponent(KernelCategory c) {
            if (c == null) {
                return null;
            }
            if (expected.containsKey(c)) {
                return expected.get(c);
            }
            if (c == KernelCategory.OTHER) {
                return null;
            }
            if (mode == Mode.DECODE) {
                return c == KernelCategory.ATTENTION ? 1.0 : 0.0;
            }
            return c == KernelCategory.ATTENTION ? 2.0 : c == KernelCategory.OPTIMIZER ? 0.0 : 1.0;
        }
    }

    /**
     * One key over the series.
     *
     * @param section     kernel, category or op
     * @param name        the key
     * @param category    its category (see class comment), or null
     * @param timesNs     time per run, ns (0 when absent), run order
     * @param timeRatios  {@code time[i+1]/time[i]} per consecutive pair, null entries where undefined
     * @param exponent    fitted k of {@code time ∝ param^k}, or null (fewer than two usable runs)
     * @param expected    expected exponent, or null
     * @param worse       whether {@code exponent > expected + tolerance}
     */
    public record Row(DiffSection section, String name, KernelCategory category, List<Long> timesNs,
                      List<Double> timeRatios, Double exponent, Double expected, boolean worse) {
        public Row {
            timesNs = List.copyOf(timesNs);
            timeRatios = java.util.Collections.unmodifiableList(new ArrayList<>(timeRatios));
        }
    }

    /**
     * @param runs      summaries in run order (same normalizer)
     * @param paramName parameter name
     * @param params    one value per run, positive, at least two distinct
     * @param options   expectations and tolerance
     * @return the series
     * @throws IllegalArgumentException when sizes differ, fewer than two runs, a value is not positive or all are equal
     */
    public static ScalingSeries of(List<RunSummary> runs, String paramName, List<Double> params, Options options) {
        Objects.requireNonNull(options, "options");
        if (runs.size() != params.size()) {
            throw new IllegalArgumentException(params.size() + " parameter values for " + runs.size() + " runs");
        }
        if (runs.size() < 2) {
            throw new IllegalArgumentException("a scaling series needs at least two runs");
        }
        for (double p : params) {
            if (!(p > 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("parameter values must be positive numbers: " + p);
            }
        }
        if (new TreeSet<>(params).size() < 2) {
            throw new IllegalArgumentException("parameter values must not all be equal");
        }
        int n = runs.size();
        List<Row> rows = new ArrayList<>();
        for (DiffSection s : EnumSet.of(DiffSection.KERNEL, DiffSection.CATEGORY, DiffSection.OPERATOR)) {
            List<Map<String, RunSummary.Entry>> maps = new ArrayList<>();
            Set<String> keys = new TreeSet<>();
            for (RunSummary r : runs) {
                Map<String, RunSummary.Entry> m = r.bySection(s);
                maps.add(m);
                keys.addAll(m.keySet());
            }
            List<Row> part = new ArrayList<>();
            for (String k : keys) {
                long[] t = new long[n];
                KernelCategory cat = null;
                for (int i = 0; i < n; i++) {
                    RunSummary.Entry e = maps.get(i).get(k);
                    t[i] = e == null ? 0 : e.totalNs();
                    if (e != null && e.category() != null) {
                        cat = e.category(); // the last run's category wins
                    }
                }
                List<Long> times = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    times.add(t[i]);
                    if (i + 1 < n) {
                        ratios.add(t[i] > 0 && t[i + 1] > 0 ? (double) t[i + 1] / t[i] : null);
                    }
                }
                Double k2 = exponent(params, t);
                Double exp = options.expectedExponent(cat);
                boolean worse = k2 != null && exp != null && k2 > exp + options.tolerance();
                part.add(new Row(s, k, cat, times, ratios, k2, exp, worse));
            }
            part.sort(Comparator.comparingLong((Row r) -> -r.timesNs().get(n - 1))
                    .thenComparingLong(r -> -r.timesNs().stream().mapToLong(Long::longValue).max().orElse(0))
                    .thenComparing(Row::name));
            rows.addAll(part);
        }
        List<String> labels = runs.stream().map(RunSummary::label).toList();
        return new ScalingSeries(paramName, params, labels, options, rows);
    }

    /**
     * Least-squares slope of ln(time) over ln(param), over the runs with time &gt; 0.
     *
     * @return the exponent, or null with fewer than two such runs or all their parameters equal
     */
    static Double exponent(List<Double> params, long[] times) {
        double sx = 0;
        double sy = 0;
        int m = 0;
        for (int i = 0; i < times.length; i++) {
            if (times[i] > 0) {
                sx += Math.log(params.get(i));
                sy += Math.log(times[i]);
                m++;
            }
        }
        if (m < 2) {
            return null;
        }
        double mx = sx / m;
        double my = sy / m;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < times.length; i++) {
            if (times[i] > 0) {
                double dx = Math.log(params.get(i)) - mx;
                sxx += dx * dx;
                sxy += dx * (Math.log(times[i]) - my);
            }
        }
        return sxx == 0 ? null : sxy / sxx;
    }

    /** @return rows of one section in series order */
    public List<Row> rows(DiffSection section) {
        return rows.stream().filter(r -> r.section() == section).toList();
    }

    /** @return the rows flagged as scaling worse than expected, in series order */
    public List<Row> worse() {
        return rows.stream().filter(Row::worse).toList();
    }

    /** @return {@code param[i+1] / param[i]} per consecutive pair */
    public List<Double> paramRatios() {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i + 1 < params.size(); i++) {
            r.add(params.get(i + 1) / params.get(i));
        }
        return r;
    }

    /**
     * @param section kernel, category or op
     * @return table {@code scaling_<id>}: Name, Category, one time column per run ({@code Time seq=4096}), one ratio
     *         column per consecutive pair whose header carries the parameter ratio ({@code Ratio 4096->6144 (x1.5)},
     *         2 decimals), Exponent and Expected (2 decimals), Flag ({@code worse than seq^1} or empty)
     */
    public ResultTable table(DiffSection section) {
        List<Column> cols = new ArrayList<>(List.of(new Column("Name", Kind.TEXT), new Column("Category", Kind.TEXT)));
        for (double p : params) {
            cols.add(new Column("Time " + paramName + "=" + num(p), Kind.DURATION));
        }
        List<Double> pr = paramRatios();
        for (int i = 0; i < pr.size(); i++) {
            cols.add(new Column("Ratio " + num(params.get(i)) + "->" + num(params.get(i + 1)) + " (x"
                    + num(TraceDiff.round(pr.get(i), 2)) + ")", Kind.NUMBER));
        }
        cols.add(new Column("Exponent", Kind.NUMBER));
        cols.add(new Column("Expected", Kind.NUMBER));
        cols.add(new Column("Flag", Kind.TEXT));
        List<Object[]> out = new ArrayList<>();
        for (Row r : rows(section)) {
            List<Object> c = new ArrayList<>();
            c.add(r.name());
            c.add(r.category() == null ? "" : r.category().label());
            c.addAll(r.timesNs());
            for (Double x : r.timeRatios()) {
                c.add(x == null ? null : TraceDiff.round(x, 2));
            }
            c.add(r.exponent() == null ? null : TraceDiff.round(r.exponent(), 2));
            c.add(r.expected());
            c.add(r.worse() ? "worse than " + paramName + "^" + num(r.expected()) : "");
            out.add(c.toArray());
        }
        return new ResultTable("scaling_" + section.id(), section.title().replace(" — changes from A to B", "")
                + " — scaling with " + paramName, cols, out);
    }

    /** @return the kernel, category and operator tables */
    public List<ResultTable> toTables() {
        return List.of(table(DiffSection.KERNEL), table(DiffSection.CATEGORY), table(DiffSection.OPERATOR));
    }

    private static String num(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }
}
