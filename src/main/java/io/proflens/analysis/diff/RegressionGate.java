package io.proflens.analysis.diff;

import io.proflens.analysis.classify.KernelCategory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regression gate for CI: conditions over the metrics of a {@link TraceDiff} that fail a build when they hold
 * ({@code proflens diff BASELINE NEW --fail-if "total>+5%" --fail-if "kernel:*gemm*>+10%"}).
 *
 * <h2>Condition language</h2>
 * <pre>
 * condition := metric op value
 * metric    := "total"                GPU kernel time: sum of all kernel durations
 *            | "kernel:" glob         kernel time of the kernels whose name matches
 *            | "category:" name       kernel time of a kernel category (GEMM, attention, communication, ...)
 *            | "op:" glob             GPU kernel time launched inside matching operators (cpu_op / NVTX)
 *            | "nvtx:" glob           summed wall time of matching NVTX / user-annotation ranges
 *            | "phase:" glob          mean wall time per occurrence of matching phases (step time)
 *            | "count:" glob          number of kernel launches whose name matches ("count:*" = all kernels)
 * op        := "&gt;" | "&lt;" | "&gt;=" | "&lt;="
 * value     := [+|-] number "%"              relative change (B - A) / A × 100
 *            | [+|-] number ("ns"|"us"|"ms"|"s")   absolute change B - A of a time metric
 *            | [+|-] number                  absolute change of a count metric
 * </pre>
 * A condition <em>fails</em> (the gate is violated) when {@code change op value} is true, e.g. {@code total>+5%}
 * fails when the GPU kernel time grew by more than 5%, {@code phase:ProfilerStep*>+2ms} when the mean step grew by
 * more than 2 ms. A value without sign counts as positive. Spaces around the operator are allowed. The operator is
 * the last {@code <}, {@code >}, {@code <=} or {@code >=} followed by a valid value, so globs may contain template
 * brackets.
 *
 * <p>Globs: {@code *} any run of characters, {@code ?} one character, everything else literal, case-insensitive;
 * matched against the key of an entry (its normalised name, see {@link KernelNameNormalizer}) and against each of its
 * raw names. Category names are {@link KernelCategory} labels or constants, case-insensitive.
 *
 * <p>Edge cases: when A is 0 the relative change is 0% if B is 0 too, else +∞ (any positive limit fails). A glob
 * that matches nothing in either run makes the condition fail ("matches nothing"), so a typo cannot pass a gate
 * silently.
 *
 * <p>Immutable; no state.
 */
public final class RegressionGate {
    private final List<Condition> conditions;

    /** @param conditions the conditions, evaluated in this order */
    public RegressionGate(List<Condition> conditions) {
        this.conditions = List.copyOf(conditions);
    }

    /** @return the conditions in order */
    public List<Condition> conditions() {
        return conditions;
    }

    /** What a metric measures. */
    public enum MetricKind {
        TOTAL("total", true), KERNEL("kernel", true), CATEGORY("category", true), OP("op", true),
        NVTX("nvtx", true), PHASE("phase", true), COUNT("count", false);

        private final String prefix;
        private final boolean time;

        MetricKind(String prefix, boolean time) {
            this.prefix = prefix;
            this.time = time;
        }

        /** @return the metric prefix as written in conditions */
        public String prefix() {
            return prefix;
        }

        /** @return whether values are times in ns (else counts) */
        public boolean time() {
            return time;
        }
    }

    /** Comparison operator. */
    public enum Op {
        GT(">"), LT("<"), GE(">="), LE("<=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** @return the operator as written */
        public String symbol() {
            return symbol;
        }

        boolean holds(double left, double right) {
            switch (this) {
                case GT: return left > right;
                case LT: return left < right;
                case GE: return left >= right;
                default: return left <= right;
            }
        }
    }

    /**
     * One parsed condition.
     *
     * @param text      the condition as written (trimmed)
     * @param kind      the metric
     * @param argument  glob or category name; {@code null} for {@code total}
     * @param op        the operator
     * @param threshold the value: percent when {@code relative}, else ns (time metrics) or a count
     * @param relative  whether the value is a percentage
     */
    public record Condition(String text, MetricKind kind, String argument, Op op, double threshold, boolean relative) {
        public Condition {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(op, "op");
        }
    }

    /**
     * The outcome of one condition.
     *
     * @param condition  the condition
     * @param valueA     metric in the baseline (ns or count)
     * @param valueB     metric in the new run
     * @param matched    whether the metric matched anything in either run ({@code total} always does)
     * @param violated   whether the gate fails on this condition
     * @param reason     one line: the condition, both values and the change; starts with {@code gate failed: }
     *                   when violated, {@code gate passed: } otherwise
     */
    public record Result(Condition condition, double valueA, double valueB, boolean matched, boolean violated,
                         String reason) {
        /** @return {@code valueB - valueA} */
        public double change() {
            return valueB - valueA;
        }

        /** @return relative change in percent; 0 when both are 0, +∞ when only A is 0 */
        public double changePct() {
            return relativePct(valueA, valueB);
        }
    }

    private static final Pattern OP_VALUE = Pattern.compile(
            "(?s)^(>=|<=|>|<)\\s*([+-]?)\\s*(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(%|ns|us|µs|ms|s)?\\s*$");

    /**
     * Parses one condition of the language in the class comment.
     *
     * @param text the condition
     * @return the condition
     * @throws IllegalArgumentException with a one-line message naming the condition and the problem
     */
    public static Condition parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        // the operator is the last '<' or '>' followed by a valid value, so metrics may contain brackets
        for (int i = t.length() - 1; i > 0; i--) {
            char c = t.charAt(i);
            if (c != '<' && c != '>') {
                continue;
            }
            Matcher op = OP_VALUE.matcher(t.substring(i));
            if (op.matches()) {
                return build(t, t.substring(0, i), op.group(1), op.group(2), op.group(3), op.group(4));
            }
        }
        throw new IllegalArgumentException("bad gate condition '" + t + "': expected METRIC OP VALUE, e.g. total>+5% "
                + "or kernel:*gemm*>+2ms");
    }

    private static Condition build(String text, String metric, String opText, String sign, String number,
                                   String unit) {
        MetricKind kind = null;
        String arg = null;
        String mt = metric.trim();
        if (mt.equalsIgnoreCase("total")) {
            kind = MetricKind.TOTAL;
        } else {
            int colon = mt.indexOf(':');
            if (colon > 0) {
                String prefix = mt.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                for (MetricKind k : MetricKind.values()) {
                    if (k != MetricKind.TOTAL && k.prefix().equals(prefix)) {
                        kind = k;
                    }
                }
                arg = mt.substring(colon + 1).trim();
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("bad gate condition '" + text + "': unknown metric '" + mt
                    + "' (use total, kernel:GLOB, category:NAME, op:GLOB, nvtx:GLOB, phase:GLOB, count:GLOB)");
        }
        if (kind != MetricKind.TOTAL && arg.isEmpty()) {
            throw new IllegalArgumentException("bad gate condition '" + text + "': " + kind.prefix()
                    + ": needs a " + (kind == MetricKind.CATEGORY ? "category name" : "name pattern"));
        }
        if (kind == MetricKind.CATEGORY && category(arg) == null) {
            StringBuilder sb = new StringBuilder();
            for (KernelCategory c : KernelCategory.values()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(c.label());
            }
            throw new IllegalArgumentException("bad gate condition '" + text + "': unknown category '" + arg
                    + "' (use " + sb + ")");
        }
        Op op = null;
        for (Op o : Op.values()) {
            if (o.symbol().equals(opText)) {
                op = o;
            }
        }
        double v = Double.parseDouble(number) * (sign.equals("-") ? -1 : 1);
        boolean relative = "%".equals(unit);
        if (!relative) {
            if (kind.time() && unit == null) {
                throw new IllegalArgumentException("bad gate condition '" + text
                        + "': a time metric needs % or a unit (ns, us, ms, s)");
            }
            if (!kind.time() && unit != null) {
                throw new IllegalArgumentException("bad gate condition '" + text + "': count: takes a number or %, not "
                        + unit);
            }
            if (unit != null) {
                v *= switch (unit) {
                    case "ns" -> 1;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    default -> 1e9;
                };
            }
        }
        return new Condition(text, kind, arg, op, v, relative);
    }

    static KernelCategory category(String name) {
        for (KernelCategory c : KernelCategory.values()) {
            if (c.label().equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Evaluates every condition on a diff.
     *
     * @param diff the diff (its {@link TraceDiff#baseline()} and {@link TraceDiff#candidate()} give the values)
     * @return one result per condition, in condition order
     */
    public List<Result> evaluate(TraceDiff diff) {
        List<Result> out = new ArrayList<>();
        for (Condition c : conditions) {
            double[] a = value(c, diff.baseline());
            double[] b = value(c, diff.candidate());
            boolean matched = a[1] > 0 || b[1] > 0;
            double change = c.relative() ? relativePct(a[0], b[0]) : b[0] - a[0];
            boolean violated = !matched || c.op().holds(change, c.threshold());
            String detail = matched ? describe(c, a[0], b[0]) : "matches nothing in either run";
            out.add(new Result(c, a[0], b[0], matched, violated,
                    (violated ? "gate failed: " : "gate passed: ") + c.text() + ": " + detail));
        }
        return List.copyOf(out);
    }

    /** @return whether any result is violated */
    public static boolean failed(List<Result> results) {
        return results.stream().anyMatch(Result::violated);
    }

    /** @return {value, matched entries (or 1 for total)} of a metric in one run */
    private static double[] value(Condition c, RunSummary run) {
        switch (c.kind()) {
            case TOTAL:
                return new double[] {run.kernelTotalNs(), 1};
            case CATEGORY: {
                RunSummary.Entry e = run.bySection(DiffSection.CATEGORY).get(category(c.argument()).label());
                // a category is a fixed name: it "matches" even with no kernels, as 0
                return new double[] {e == null ? 0 : e.totalNs(), 1};
            }
            default:
                break;
        }
        DiffSection s = switch (c.kind()) {
            case KERNEL, COUNT -> DiffSection.KERNEL;
            case OP -> DiffSection.OPERATOR;
            case NVTX -> DiffSection.NVTX;
            default -> DiffSection.PHASE;
        };
        Pattern glob = glob(c.argument());
        long total = 0;
        long count = 0;
        int matched = 0;
        for (RunSummary.Entry e : run.entries()) {
            if (e.section() != s || !matches(glob, e)) {
                continue;
            }
            matched++;
            total += e.totalNs();
            count += e.count();
        }
        double v = switch (c.kind()) {
            case COUNT -> count;
            case PHASE -> count == 0 ? 0 : (double) total / count;
            default -> total;
        };
        return new double[] {v, matched};
    }

    private static boolean matches(Pattern glob, RunSummary.Entry e) {
        if (glob.matcher(e.name()).matches()) {
            return true;
        }
        for (String r : e.rawNames()) {
            if (glob.matcher(r).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param glob {@code *} and {@code ?} wildcards, everything else literal
     * @return a case-insensitive pattern matching whole names
     */
    public static Pattern glob(String glob) {
        StringBuilder sb = new StringBuilder("(?s)");
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*' || ch == '?') {
                if (lit.length() > 0) {
                    sb.append(Pattern.quote(lit.toString()));
                    lit.setLength(0);
                }
                sb.append(ch == '*' ? ".*" : ".");
            } else {
                lit.append(ch);
            }
        }
        if (lit.length() > 0) {
            sb.append(Pattern.quote(lit.toString()));
        }
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static double relativePct(double a, double b) {
        if (a == 0) {
            return b == 0 ? 0 : b > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return (b - a) / Math.abs(a) * 100.0;
    }

    private static String describe(Condition c, double a, double b) {
        String pct = Double.isInfinite(relativePct(a, b)) ? (relativePct(a, b) > 0 ? "+inf%" : "-inf%")
                : signed(relativePct(a, b), 1) + "%";
        if (!c.kind().time()) {
            return fmt(a, 0) + " -> " + fmt(b, 0) + " (" + signed(b - a, 0) + ", " + pct + ")";
        }
        return ms(a) + " -> " + ms(b) + " (" + signed((b - a) / 1e6, 3) + " ms, " + pct + ")";
    }

    private static String ms(double ns) {
        return fmt(ns / 1e6, 3) + " ms";
    }

    private static String fmt(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    private static String signed(double v, int decimals) {
        String s = fmt(v, decimals);
        return s.startsWith("-") ? s : "+" + s;
    }
}
