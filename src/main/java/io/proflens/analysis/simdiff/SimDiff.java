package io.proflens.analysis.simdiff;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Measured per-operator times against a simulator's per-operator table: per-operator difference per layer, times the
 * layer count, the total over the step, and the few operators that explain most of it.
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li><b>Names</b> are matched on a canonical key: lower case, a leading {@code vidur_} or {@code aten::} removed,
 *       every run of other characters than {@code a-z0-9} replaced by {@code _}, leading/trailing {@code _} trimmed
 *       ({@code "Low-Latency Combine" → low_latency_combine}); then aliases map keys to one another:
 *       {@link #BUILT_IN_ALIASES} (Vidur's two spellings) and {@link Options#aliases()} ({@code from → to}, both
 *       canonicalised, applied to both sides). Several measured operators with one key are added up (per-layer means
 *       summed; e.g. {@code q_proj} and {@code kv_proj} both aliased to {@code attn_pre_proj}), and so are several
 *       simulator operators with one key.</li>
 *   <li><b>Diff</b> per layer = simulated − measured (negative: the hardware is slower than the model predicts, as the quoted "mla −86 µs" of attention slowed by long-tail inputs; positive: the model overestimates, "low_latency_combine +18 µs"),
 *       ns, from the measured mean rounded to the ns and the simulator's µs converted exactly (half-up to the ns).</li>
 *   <li><b>Layers</b> = the measured count when &gt; 0 (what ran), else the simulator's, else 1 (with a note); a
 *       mismatch between the two is noted.</li>
 *   <li><b>Total</b> = Σ diff × layers over the operators on both sides. Operators on one side only are listed
 *       (with their time × layers) but not in the total: they are a modelling gap, not a timing error.</li>
 *   <li><b>Top contributors</b>: matched operators by |diff × layers| descending (then name), taken until their
 *       |contributions| reach {@link Options#explainPct()} of Σ |diff × layers|, at most {@link Options#topN()}.
 *       Shares are of Σ |diff × layers| (0-100), since signed contributions can cancel.</li>
 * </ol>
 * Example (issue 6): mla −86 µs × 61 layers = −5.246 ms; low_latency_combine +18 µs × 58 = +1.044 ms.
 *
 * @param simSource        the simulator table's source name
 * @param rows             matched operators by |diff × layers| descending then key; then measured-only operators by
 *                         measured × layers descending; then simulator-only ones likewise
 * @param totalDiffNs      Σ diff × layers over matched operators, ns
 * @param measuredTotalNs  Σ measured × layers over matched operators, ns
 * @param simTotalNs       Σ simulated × layers over matched operators, ns
 * @param topContributors  the top contributors (a prefix of the matched rows)
 * @param topExplainedPct  Σ |contribution| of the top contributors as percent of Σ |diff × layers|, 0-100 (0 when
 *                         there is no difference)
 * @param notes            matching notes (layer mismatches, unknown layers, summed names, simulator table notes)
 */
public record SimDiff(String simSource, List<SimDiffRow> rows, long totalDiffNs, long measuredTotalNs, long simTotalNs,
                      List<SimDiffRow> topContributors, double topExplainedPct, List<String> notes) {

    /** Built-in aliases (canonical from → to): Vidur's profiling-table spellings → its operation-metrics spellings. */
    public static final Map<String, String> BUILT_IN_ALIASES = Map.of(
            "mlp_act", "mlp_activation",
            "attn_norm", "input_layernorm",
            "mlp_norm", "post_attention_layernorm");

    /**
     * Matching options.
     *
     * @param aliases    extra aliases {@code from → to} (any spelling; canonicalised), applied after the built-in ones
     * @param topN       most top contributors, ≥ 1 (default 5)
     * @param explainPct share of Σ |diff × layers| the top contributors should reach, 0-100 (default 80)
     */
    public record Options(Map<String, String> aliases, int topN, double explainPct) {
        /** Copies the aliases and checks the ranges. */
        public Options {
            aliases = Map.copyOf(aliases);
            if (topN < 1 || !(explainPct > 0 && explainPct <= 100)) {
                throw new IllegalArgumentException("topN must be >= 1 and explainPct in (0, 100]");
            }
        }

        /** @return no extra aliases, top 5, 80% */
        public static Options defaults() {
            return new Options(Map.of(), 5, 80.0);
        }

        /** @return these options with more aliases */
        public Options withAliases(Map<String, String> more) {
            Map<String, String> m = new LinkedHashMap<>(aliases);
            m.putAll(more);
            return new Options(m, topN, explainPct);
        }
    }

    /** Copies the lists. */
    public SimDiff {
        rows = List.copyOf(rows);
        topContributors = List.copyOf(topContributors);
        notes = List.copyOf(notes);
    }

    /** @return {@link #of(List, SimTable, Options)} with {@link Options#defaults()} */
    public static SimDiff of(List<MeasuredOperator> measured, SimTable sim) {
        return of(measured, sim, Options.defaults());
    }

    /**
     * Compares measured operators with a simulator table.
     *
     * @param measured measured operators (any order; not null)
     * @param sim      the simulator table
     * @param options  aliases and top-contributor limits
     * @return the comparison; never throws on well-formed inputs
     */
    public static SimDiff of(List<MeasuredOperator> measured, SimTable sim, Options options) {
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(sim, "sim");
        Objects.requireNonNull(options, "options");
        Map<String, String> aliases = new LinkedHashMap<>();
        BUILT_IN_ALIASES.forEach((k, v) -> aliases.put(canonical(k), canonical(v)));
        options.aliases().forEach((k, v) -> aliases.put(canonical(k), canonical(v)));
        List<String> notes = new ArrayList<>(sim.notes());

        Map<String, Side> m = new LinkedHashMap<>();
        for (MeasuredOperator op : measured) {
            Side s = m.computeIfAbsent(key(op.name(), aliases), k -> new Side());
            s.names.add(op.name());
            s.timeNs += op.meanNs();
            if (op.layers() > 0) {
                if (s.layers != null && s.layers != op.layers()) {
                    notes.add("measured '" + String.join("' + '", s.names) + "' have different layer counts ("
                            + s.layers + ", " + op.layers() + "): the larger is used");
                }
                s.layers = s.layers == null ? op.layers() : Math.max(s.layers, op.layers());
            }
        }
        Map<String, Side> s = new LinkedHashMap<>();
        for (SimOperator op : sim.operators()) {
            Side side = s.computeIfAbsent(key(op.name(), aliases), k -> new Side());
            side.names.add(op.name());
            side.exactNs = side.exactNs.add(BigDecimal.valueOf(op.timeUs()).movePointRight(3));
            if (op.layers() != null) {
                side.layers = side.layers == null ? op.layers() : Math.max(side.layers, op.layers());
            }
        }
        for (Map.Entry<String, Side> e : m.entrySet()) {
            if (e.getValue().names.size() > 1) {
                notes.add("measured " + String.join(" + ", e.getValue().names) + " summed as '" + e.getKey() + "'");
            }
        }
        for (Map.Entry<String, Side> e : s.entrySet()) {
            if (e.getValue().names.size() > 1) {
                notes.add("simulated " + String.join(" + ", e.getValue().names) + " summed as '" + e.getKey() + "'");
            }
        }

        List<SimDiffRow> matched = new ArrayList<>();
        List<SimDiffRow> measuredOnly = new ArrayList<>();
        List<SimDiffRow> simOnly = new ArrayList<>();
        long total = 0;
        long mTotal = 0;
        long sTotal = 0;
        for (Map.Entry<String, Side> e : m.entrySet()) {
            Side ms = e.getValue();
            Side ss = s.get(e.getKey());
            long measNs = Math.round(ms.timeNs);
            if (ss == null) {
                int layers = ms.layers == null ? 1 : ms.layers;
                measuredOnly.add(new SimDiffRow(e.getKey(), String.join(" + ", ms.names), null, measNs, null, null,
                        layers, null, null, "not in the simulator table"));
                continue;
            }
            long simNs = ss.exactNs.setScale(0, RoundingMode.HALF_UP).longValueExact();
            int layers;
            String note = null;
            if (ms.layers != null) {
                layers = ms.layers;
                if (ss.layers != null && !ss.layers.equals(ms.layers)) {
                    note = "simulator states " + ss.layers + " layers, measured " + ms.layers;
                    notes.add(e.getKey() + ": " + note + " (measured used)");
                }
            } else if (ss.layers != null) {
                layers = ss.layers;
            } else {
                layers = 1;
                note = "layer count unknown: ×1";
                notes.add(e.getKey() + ": " + note);
            }
            long diff = simNs - measNs;
            matched.add(new SimDiffRow(e.getKey(), String.join(" + ", ms.names), String.join(" + ", ss.names), measNs,
                    simNs, diff, layers, diff * layers, null, note));
            total += diff * layers;
            mTotal += measNs * layers;
            sTotal += simNs * layers;
        }
        for (Map.Entry<String, Side> e : s.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                Side ss = e.getValue();
                long simNs = ss.exactNs.setScale(0, RoundingMode.HALF_UP).longValueExact();
                int layers = ss.layers == null ? 1 : ss.layers;
                simOnly.add(new SimDiffRow(e.getKey(), null, String.join(" + ", ss.names), null, simNs, null, layers,
                        null, null, "not measured"));
            }
        }
        long absSum = 0;
        for (SimDiffRow r : matched) {
            absSum += Math.abs(r.diffTimesLayersNs());
        }
        List<SimDiffRow> withShare = new ArrayList<>();
        for (SimDiffRow r : matched) {
            double share = absSum == 0 ? 0.0 : round1(100.0 * Math.abs(r.diffTimesLayersNs()) / absSum);
            withShare.add(new SimDiffRow(r.key(), r.measuredName(), r.simName(), r.measuredNs(), r.simNs(), r.diffNs(),
                    r.layers(), r.diffTimesLayersNs(), share, r.note()));
        }
        withShare.sort(Comparator.comparingLong((SimDiffRow r) -> -Math.abs(r.diffTimesLayersNs()))
                .thenComparing(SimDiffRow::key));
        measuredOnly.sort(Comparator.comparingLong((SimDiffRow r) -> -r.measuredNs() * r.layers()).thenComparing(SimDiffRow::key));
        simOnly.sort(Comparator.comparingLong((SimDiffRow r) -> -r.simNs() * r.layers()).thenComparing(SimDiffRow::key));
        List<SimDiffRow> top = new ArrayList<>();
        long covered = 0;
        if (absSum > 0) {
            for (SimDiffRow r : withShare) {
                if (top.size() >= options.topN() || covered * 100.0 >= options.explainPct() * absSum
                        || r.diffTimesLayersNs() == 0) {
                    break;
                }
                top.add(r);
                covered += Math.abs(r.diffTimesLayersNs());
            }
        }
        List<SimDiffRow> all = new ArrayList<>(withShare);
        all.addAll(measuredOnly);
        all.addAll(simOnly);
        return new SimDiff(sim.source(), all, total, mTotal, sTotal, top,
                absSum == 0 ? 0.0 : round1(100.0 * covered / absSum), notes);
    }

    /** Mutable accumulator of one side of one key. */
    private static final class Side {
        final List<String> names = new ArrayList<>();
        double timeNs;
        BigDecimal exactNs = BigDecimal.ZERO;
        Integer layers;
    }

    private static String key(String name, Map<String, String> aliases) {
        String k = canonical(name);
        // follow alias chains a → b → c, bounded against cycles
        for (int i = 0; i < 8 && aliases.containsKey(k) && !aliases.get(k).equals(k); i++) {
            k = aliases.get(k);
        }
        return k;
    }

    /**
     * The canonical matching key of an operator name (see the class comment).
     *
     * @param name any operator name
     * @return e.g. {@code "low_latency_combine"} for {@code "Low-Latency Combine"}; {@code ""} for a name without
     *         letters or digits
     */
    public static String canonical(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("vidur_")) {
            s = s.substring("vidur_".length());
        } else if (s.startsWith("aten::")) {
            s = s.substring("aten::".length());
        }
        s = s.replaceAll("[^a-z0-9]+", "_");
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '_') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '_') {
            e--;
        }
        return s.substring(b, e);
    }

    /** @return only the rows matched on both sides, in {@link #rows()} order */
    public List<SimDiffRow> matchedRows() {
        List<SimDiffRow> out = new ArrayList<>();
        for (SimDiffRow r : rows) {
            if (r.diffNs() != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** @return the row of a canonical key, or {@code null} */
    public SimDiffRow row(String key) {
        for (SimDiffRow r : rows) {
            if (r.key().equals(canonical(key))) {
                return r;
            }
        }
        return null;
    }

    /** @return one line, e.g. "total diff −4.680 ms: mla −5.246 ms (×61), … explain 100.0% of |diff|" */
    public String explanation() {
        StringBuilder sb = new StringBuilder("total diff (simulated − measured) ").append(ms(totalDiffNs)).append(" ms");
        if (!topContributors.isEmpty()) {
            sb.append(": ");
            for (int i = 0; i < topContributors.size(); i++) {
                SimDiffRow r = topContributors.get(i);
                sb.append(i == 0 ? "" : ", ").append(r.key()).append(' ').append(ms(r.diffTimesLayersNs())).append(" ms (")
                        .append(us(r.diffNs())).append(" µs × ").append(r.layers()).append(')');
            }
            sb.append(String.format(Locale.ROOT, " explain %.1f%% of |diff|", topExplainedPct));
        }
        return sb.toString();
    }

    private static String ms(long ns) {
        return (ns > 0 ? "+" : "") + BigDecimal.valueOf(ns).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    private static String us(long ns) {
        return (ns > 0 ? "+" : "") + BigDecimal.valueOf(ns).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private static double round1(double v) {
        return BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP).doubleValue();
    }

    /**
     * @return tables {@code simdiff_ops} (one row per operator: Operator, Measured, Simulated, Diff (per layer),
     *         Layers, Diff × Layers, Share of |diff| (%), Note; times in ns, converted by {@code --timeunit}) and
     *         {@code simdiff_summary} (totals, top contributors, one-sided operators and notes)
     */
    public List<ResultTable> toTables() {
        List<Column> cols = List.of(new Column("Operator", Kind.TEXT), new Column("Measured", Kind.DURATION),
                new Column("Simulated", Kind.DURATION), new Column("Diff", Kind.DURATION), new Column("Layers", Kind.INTEGER),
                new Column("Diff x Layers", Kind.DURATION), new Column("Share of |diff|", Kind.PERCENT),
                new Column("Note", Kind.TEXT));
        List<Object[]> rowsOut = new ArrayList<>();
        for (SimDiffRow r : rows) {
            String name = r.key();
            String orig = r.measuredName() != null ? r.measuredName() : r.simName();
            if (r.measuredName() != null && r.simName() != null && !r.measuredName().equals(r.simName())) {
                orig = r.measuredName() + " ~ " + r.simName();
            }
            if (!orig.equals(name)) {
                name = name + " (" + orig + ")";
            }
            rowsOut.add(new Object[] {name, r.measuredNs(), r.simNs(), r.diffNs(), (long) r.layers(), r.diffTimesLayersNs(),
                    r.sharePct(), r.note()});
        }
        List<Column> sc = List.of(new Column("Quantity", Kind.TEXT), new Column("Time", Kind.DURATION),
                new Column("Detail", Kind.TEXT));
        List<Object[]> sum = new ArrayList<>();
        sum.add(new Object[] {"measured (matched operators × layers)", measuredTotalNs, null});
        sum.add(new Object[] {"simulated (matched operators × layers)", simTotalNs, "from " + simSource});
        sum.add(new Object[] {"total diff (simulated − measured)", totalDiffNs, explanation()});
        long mOnly = 0;
        long sOnly = 0;
        List<String> mNames = new ArrayList<>();
        List<String> sNames = new ArrayList<>();
        for (SimDiffRow r : rows) {
            if (r.diffNs() == null && r.measuredNs() != null) {
                mOnly += r.measuredNs() * r.layers();
                mNames.add(r.key());
            } else if (r.diffNs() == null) {
                sOnly += r.simNs() * r.layers();
                sNames.add(r.key());
            }
        }
        if (!mNames.isEmpty()) {
            sum.add(new Object[] {"measured only (not in the simulator; not in the total)", mOnly, String.join(", ", mNames)});
        }
        if (!sNames.isEmpty()) {
            sum.add(new Object[] {"simulated only (not measured; not in the total)", sOnly, String.join(", ", sNames)});
        }
        for (String n : notes) {
            sum.add(new Object[] {"note", null, n});
        }
        return List.of(new ResultTable("simdiff_ops", "Measured vs simulated per operator (" + simSource + ")", cols, rowsOut),
                new ResultTable("simdiff_summary", "Measured vs simulated: total", sc, sum));
    }
}
