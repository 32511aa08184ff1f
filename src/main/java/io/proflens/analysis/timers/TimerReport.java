package io.proflens.analysis.timers;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * In-code timers as a hierarchy with shares of the internal total, warm-up vs steady state, and the gap between the
 * internal total and an external measurement (a benchmark's average latency, or a number the user measured).
 *
 * <h2>Hierarchy</h2>
 * <ol>
 *   <li>A PHASE timer ({@code [BWD TIMER] backward_down: …}) is a top-level node. The GROUP timers logged before it in
 *       the same iteration whose group matches the phase name become its children ({@code [DOWN] D0_prepare+memset}
 *       under {@code backward_down}), followed by {@code (unattributed)} = phase − Σ children (code the detail timers
 *       do not cover). A group matches when, lower-cased, it equals one of the phase name's {@code [a-z0-9]+} tokens,
 *       or one starts with the other and both have ≥ 3 characters ({@code [ATT]} ~ {@code attention}).</li>
 *   <li>GROUP timers matched by no phase form a top-level node {@code [GROUP]} (value Σ of its lines) with the lines
 *       as children. GENERIC timers are top-level nodes.</li>
 *   <li>Order: top-level nodes as first logged, each followed by its children as first logged.</li>
 * </ol>
 *
 * <h2>Totals</h2>
 * The internal total of an iteration is the last running total a PHASE line reports ({@code (total: Y ms)}); without
 * one, the sum of the top-level nodes, where unmatched groups count only when the iteration has no PHASE line (when
 * it has, they are likely parts of a phase and would be counted twice; a note says so). A reported total that differs
 * from the sum of its phases by more than 0.1% is noted.
 *
 * <h2>Warm-up vs steady</h2>
 * With several iterations, the first {@code warmupIterations} (default 1 when there are ≥ 2 iterations, else 0) are
 * warm-up; the steady values are means over the other iterations. Shares are of the steady internal total.
 *
 * <h2>External gap</h2>
 * gap = external − steady internal total (positive: time the in-code timers do not see: launch, synchronisation,
 * Python, data loading, timers not covering the whole step); percent of the external time. The external spread (±) is
 * compared with the gap.
 *
 * @param nodes            hierarchy in display order
 * @param iterations       per-iteration totals in iteration order
 * @param warmupIterations warm-up iterations used
 * @param internalTotalNs  steady internal total: mean over the steady iterations, ns (half-up)
 * @param externalNs       external measurement, ns, or {@code null}
 * @param externalSpreadNs its ± spread, ns, or {@code null}
 * @param externalSource   where the external measurement came from, or {@code null}
 * @param gapNs            external − internal, ns, or {@code null} without an external measurement
 * @param gapPct           gap as percent of the external time (one decimal), or {@code null}
 * @param notes            consistency notes in the order found
 */
public record TimerReport(List<TimerNode> nodes, List<IterationTotal> iterations, int warmupIterations,
                          long internalTotalNs, Long externalNs, Long externalSpreadNs, String externalSource, Long gapNs,
                          Double gapPct, List<String> notes) {

    /** Name of the remainder child of a phase with detail timers. */
    public static final String UNATTRIBUTED = "(unattributed)";

    /**
     * Totals of one iteration.
     *
     * @param iteration       1-based iteration
     * @param warmup          whether it counts as warm-up
     * @param internalNs      its internal total, ns (reported total, else the sum)
     * @param reportedTotalNs the last running total a PHASE line reported, ns, or {@code null}
     * @param sumNs           the sum of the top-level nodes counted in the total, ns
     */
    public record IterationTotal(int iteration, boolean warmup, long internalNs, Long reportedTotalNs, long sumNs) {
    }

    /**
     * Options.
     *
     * @param warmupIterations warm-up iterations, ≥ 0 and fewer than the iterations, or {@code null} for the default
     * @param externalNs       external measurement of one iteration, ns, or {@code null}
     * @param externalSpreadNs its ± spread, ns, or {@code null}
     * @param externalSource   description of the external measurement (printed), or {@code null}
     */
    public record Options(Integer warmupIterations, Long externalNs, Long externalSpreadNs, String externalSource) {
        /** @return default warm-up, no external measurement */
        public static Options defaults() {
            return new Options(null, null, null, null);
        }
    }

    /** Copies the lists. */
    public TimerReport {
        nodes = List.copyOf(nodes);
        iterations = List.copyOf(iterations);
        notes = List.copyOf(notes);
    }

    /**
     * Builds the report.
     *
     * @param samples timer readings in log order (iterations ascending)
     * @param options warm-up and external measurement
     * @return the report
     * @throws IllegalArgumentException without samples, or when the warm-up leaves no steady iteration
     */
    public static TimerReport of(List<TimerSample> samples, Options options) {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(options, "options");
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no timer lines");
        }
        TreeMap<Integer, List<TimerSample>> byIteration = new TreeMap<>();
        for (TimerSample s : samples) {
            byIteration.computeIfAbsent(s.iteration(), k -> new ArrayList<>()).add(s);
        }
        int n = byIteration.size();
        int warmup = options.warmupIterations() != null ? options.warmupIterations() : n >= 2 ? 1 : 0;
        if (warmup < 0 || warmup >= n) {
            throw new IllegalArgumentException("warm-up of " + warmup + " iteration(s) leaves no steady iteration (the log "
                    + "has " + n + ")");
        }
        List<String> notes = new ArrayList<>();
        // node path -> first-seen index; node path -> (iteration -> value)
        Map<List<String>, Integer> order = new LinkedHashMap<>();
        Map<List<String>, Map<Integer, Long>> values = new HashMap<>();
        List<IterationTotal> totals = new ArrayList<>();
        int k = 0;
        for (Map.Entry<Integer, List<TimerSample>> e : byIteration.entrySet()) {
            boolean isWarmup = k++ < warmup;
            int it = e.getKey();
            List<Map.Entry<List<String>, Long>> emitted = new ArrayList<>();
            long sum = build(e.getValue(), emitted, notes, it);
            for (Map.Entry<List<String>, Long> v : emitted) {
                order.putIfAbsent(v.getKey(), order.size());
                values.computeIfAbsent(v.getKey(), x -> new TreeMap<>()).merge(it, v.getValue(), Long::sum);
            }
            Long reported = null;
            for (TimerSample s : e.getValue()) {
                if (s.kind() == TimerSample.Kind.PHASE && s.reportedTotalNs() != null) {
                    reported = s.reportedTotalNs();
                }
            }
            if (reported != null && Math.abs(reported - sum) > Math.max(1_000L, reported / 1000)) {
                notes.add(String.format(Locale.ROOT, "iteration %d: reported total %s ms, sum of the phases %s ms", it,
                        ms(reported), ms(sum)));
            }
            totals.add(new IterationTotal(it, isWarmup, reported != null ? reported : sum, reported, sum));
        }
        long steadySum = 0;
        for (IterationTotal t : totals) {
            if (!t.warmup()) {
                steadySum += t.internalNs();
            }
        }
        long internal = divide(steadySum, n - warmup);
        List<TimerNode> nodes = new ArrayList<>();
        for (List<String> path : displayOrder(order)) {
            long st = 0;
            int stN = 0;
            long wu = 0;
            int wuN = 0;
            for (IterationTotal t : totals) {
                Long v = values.get(path).get(t.iteration());
                if (v == null) {
                    continue;
                }
                if (t.warmup()) {
                    wu += v;
                    wuN++;
                } else {
                    st += v;
                    stN++;
                }
            }
            long steadyMean = stN == 0 ? 0 : divide(st, stN);
            Long warmMean = wuN == 0 ? null : divide(wu, wuN);
            double share = internal == 0 ? 0.0 : round(100.0 * steadyMean / internal, 1);
            Double ratio = warmMean == null || steadyMean == 0 ? null : round((double) warmMean / steadyMean, 2);
            nodes.add(new TimerNode(path, path.size() - 1, steadyMean, stN, warmMean, share, ratio));
        }
        Long gap = null;
        Double gapPct = null;
        if (options.externalNs() != null) {
            gap = options.externalNs() - internal;
            gapPct = options.externalNs() == 0 ? null : round(100.0 * gap / options.externalNs(), 1);
        }
        return new TimerReport(nodes, totals, warmup, internal, options.externalNs(), options.externalSpreadNs(),
                options.externalSource(), gap, gapPct, notes);
    }

    /** Emits (path, value) for one iteration's samples; returns the sum counted in the total. */
    private static long build(List<TimerSample> samples, List<Map.Entry<List<String>, Long>> out, List<String> notes, int it) {
        List<TimerSample> pending = new ArrayList<>();
        boolean anyPhase = false;
        long sum = 0;
        for (TimerSample s : samples) {
            switch (s.kind()) {
                case GROUP:
                    pending.add(s);
                    break;
                case GENERIC:
                    out.add(Map.entry(List.of(s.name()), s.valueNs()));
                    sum += s.valueNs();
                    break;
                default:
                    anyPhase = true;
                    List<String> phase = List.of(s.name());
                    out.add(Map.entry(phase, s.valueNs()));
                    sum += s.valueNs();
                    long children = 0;
                    boolean any = false;
                    for (java.util.Iterator<TimerSample> i = pending.iterator(); i.hasNext();) {
                        TimerSample g = i.next();
                        if (matches(g.label(), s.name())) {
                            out.add(Map.entry(List.of(s.name(), "[" + g.label() + "] " + g.name()), g.valueNs()));
                            children += g.valueNs();
                            any = true;
                            i.remove();
                        }
                    }
                    if (any) {
                        out.add(Map.entry(List.of(s.name(), UNATTRIBUTED), s.valueNs() - children));
                        if (children > s.valueNs()) {
                            notes.add(String.format(Locale.ROOT, "iteration %d: the detail timers of %s add up to %s ms, "
                                    + "more than the phase's %s ms (overlapping or nested timers)", it, s.name(),
                                    ms(children), ms(s.valueNs())));
                        }
                    }
                    break;
            }
        }
        Map<String, List<TimerSample>> groups = new LinkedHashMap<>();
        for (TimerSample g : pending) {
            groups.computeIfAbsent(g.label() == null ? "" : g.label(), x -> new ArrayList<>()).add(g);
        }
        for (Map.Entry<String, List<TimerSample>> g : groups.entrySet()) {
            String name = "[" + g.getKey() + "]";
            long total = 0;
            for (TimerSample s : g.getValue()) {
                total += s.valueNs();
            }
            out.add(Map.entry(List.of(name), total));
            for (TimerSample s : g.getValue()) {
                out.add(Map.entry(List.of(name, s.name()), s.valueNs()));
            }
            if (anyPhase) {
                if (it == 1) {
                    notes.add(name + " timers match no phase name: shown on their own, not added to the total");
                }
            } else {
                sum += total;
            }
        }
        return sum;
    }

    /** Whether a group label belongs to a phase name (see the class comment). */
    static boolean matches(String group, String phase) {
        if (group == null) {
            return false;
        }
        String g = group.toLowerCase(Locale.ROOT).strip();
        for (String token : phase.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals(g) || (g.length() >= 3 && token.length() >= 3 && (token.startsWith(g) || g.startsWith(token)))) {
                return true;
            }
        }
        return false;
    }

    /** Top-level nodes by first appearance, each followed by its descendants by first appearance. */
    private static List<List<String>> displayOrder(Map<List<String>, Integer> order) {
        List<List<String>> out = new ArrayList<>();
        addChildren(List.of(), order, out);
        return out;
    }

    private static void addChildren(List<String> parent, Map<List<String>, Integer> order, List<List<String>> out) {
        List<List<String>> kids = new ArrayList<>();
        for (List<String> p : order.keySet()) {
            if (p.size() == parent.size() + 1 && p.subList(0, parent.size()).equals(parent)) {
                kids.add(p);
            }
        }
        kids.sort((a, b) -> Integer.compare(order.get(a), order.get(b)));
        for (List<String> kid : kids) {
            out.add(kid);
            addChildren(kid, order, out);
        }
    }

    private static long divide(long sum, int n) {
        return BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(n), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private static double round(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    private static String ms(long ns) {
        return BigDecimal.valueOf(ns).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    /** @return the node with this path (names from the root), or {@code null} */
    public TimerNode node(String... path) {
        for (TimerNode t : nodes) {
            if (t.path().equals(List.of(path))) {
                return t;
            }
        }
        return null;
    }

    /**
     * @return tables {@code timers_hierarchy} (Timer indented by depth, Steady mean, Share (%), Warm-up, Warm-up /
     *         steady, Steady count), {@code timers_iterations} (Iteration, Role, Internal total, Reported total, Sum of
     *         timers) and {@code timers_gap} (Quantity, Time, Share of external (%), Detail: internal total, external,
     *         gap, notes); times in ns (the renderer converts with {@code --timeunit})
     */
    public List<ResultTable> toTables() {
        List<Column> hc = List.of(new Column("Timer", Kind.TEXT), new Column("Steady", Kind.DURATION),
                new Column("Share", Kind.PERCENT), new Column("Warm-up", Kind.DURATION),
                new Column("Warm-up / steady", Kind.NUMBER), new Column("Steady count", Kind.INTEGER));
        List<Object[]> hr = new ArrayList<>();
        for (TimerNode t : nodes) {
            hr.add(new Object[] {"  ".repeat(t.depth()) + t.name(), t.steadyMeanNs(), t.sharePct(), t.warmupMeanNs(),
                    t.warmupRatio(), (long) t.steadyCount()});
        }
        List<Column> ic = List.of(new Column("Iteration", Kind.INTEGER), new Column("Role", Kind.TEXT),
                new Column("Internal total", Kind.DURATION), new Column("Reported total", Kind.DURATION),
                new Column("Sum of timers", Kind.DURATION));
        List<Object[]> ir = new ArrayList<>();
        for (IterationTotal t : iterations) {
            ir.add(new Object[] {(long) t.iteration(), t.warmup() ? "warm-up" : "steady", t.internalNs(),
                    t.reportedTotalNs(), t.sumNs()});
        }
        List<Column> gc = List.of(new Column("Quantity", Kind.TEXT), new Column("Time", Kind.DURATION),
                new Column("Share of external", Kind.PERCENT), new Column("Detail", Kind.TEXT));
        List<Object[]> gr = new ArrayList<>();
        int steady = iterations.size() - warmupIterations;
        gr.add(new Object[] {"internal total", internalTotalNs,
                externalNs == null || externalNs == 0 ? null : round(100.0 * internalTotalNs / externalNs, 1),
                steady == 1 ? "in-code timers, 1 iteration" : "in-code timers, mean of " + steady + " steady iterations"
                        + (warmupIterations > 0 ? " (" + warmupIterations + " warm-up excluded)" : "")});
        if (externalNs != null) {
            gr.add(new Object[] {"external", externalNs, 100.0, (externalSource == null ? "external measurement"
                    : externalSource) + (externalSpreadNs == null ? "" : " (±" + ms(externalSpreadNs) + " ms)")});
            String judgement = externalSpreadNs == null ? ""
                    : Math.abs(gapNs) <= externalSpreadNs ? "; within the external spread"
                    : String.format(Locale.ROOT, "; %.1f× the external spread", Math.abs((double) gapNs) / externalSpreadNs);
            gr.add(new Object[] {"gap (external − internal)", gapNs, gapPct,
                    ms(externalNs) + " − " + ms(internalTotalNs) + " = " + ms(gapNs) + " ms not covered by the in-code timers"
                            + judgement});
        }
        for (String note : notes) {
            gr.add(new Object[] {"note", null, null, note});
        }
        return List.of(new ResultTable("timers_hierarchy", "In-code timers", hc, hr),
                new ResultTable("timers_iterations", "In-code timers per iteration", ic, ir),
                new ResultTable("timers_gap", "In-code timers vs external measurement", gc, gr));
    }
}
