package io.proflens.analysis.simdiff;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A simulator's per-operator table: predicted time per layer for each operator, parsed from CSV text. Parsing is a
 * pure function of the text; the caller reads the file.
 *
 * <h2>Formats (recognised by the header)</h2>
 * <ol>
 *   <li><b>proflens</b> ({@value #FORMAT_PROFLENS}): a header with {@code op} and {@code time_us} (or {@code time_ms})
 *       and optionally {@code layers}, any column order, other columns ignored; one row per operator; time per layer
 *       (one occurrence); {@code layers} = layers per step (empty = unknown). Lines starting with {@code #} and blank
 *       lines are skipped; fields may be quoted (RFC 4180). An operator may appear only once.
 *       <pre>
 * op,time_us,layers
 * mla,300.0,61
 * low_latency_combine,42.0,58</pre></li>
 *   <li><b>Vidur operation metrics</b> ({@value #FORMAT_VIDUR_OPERATIONS}): {@code operation_metrics.csv} (and
 *       {@code cpu_operation_metrics.csv}) written by Vidur's {@code MetricsStore._store_operation_metrics}: first
 *       column {@code Batch Id}, then one column per operation ({@code mlp_up_proj, attn_decode, …}) holding, per batch,
 *       the mean over the layers of the batch stage (Vidur's {@code DataSeries.consolidate}) in ms. The table's value
 *       per operator is the mean over the batches with a value (empty cells: operation absent in that batch, e.g.
 *       {@code attn_prefill} in decode batches). Layers are not stated (the measured count is used). Source:
 *       microsoft/vidur {@code vidur/metrics/metrics_store.py}, {@code vidur/metrics/constants.py}.</li>
 *   <li><b>Vidur profiling</b> ({@value #FORMAT_VIDUR_PROFILING}): the simulator's input tables
 *       ({@code data/profiling/compute/<gpu>/<model>/mlp.csv}, {@code attention.csv}) with columns
 *       {@code time_stats.<op>.mean} in ms, one row per configuration. One row is used: the only row, or the one
 *       selected by {@code rowSelector} ({@code column=value[,column=value]}, e.g. {@code num_tokens=512}).</li>
 * </ol>
 * Times are converted to µs exactly (decimal arithmetic, ms × 1000).
 *
 * @param source    where the table came from (file name), for messages
 * @param format    one of {@link #FORMAT_PROFLENS}, {@link #FORMAT_VIDUR_OPERATIONS}, {@link #FORMAT_VIDUR_PROFILING}
 * @param operators operators in file (column) order, names unique
 * @param notes     how the values were derived (e.g. "mean of 12 batches"), for the report; may be empty
 */
public record SimTable(String source, String format, List<SimOperator> operators, List<String> notes) {
    /** The documented proflens CSV format. */
    public static final String FORMAT_PROFLENS = "proflens";
    /** Vidur {@code operation_metrics.csv}. */
    public static final String FORMAT_VIDUR_OPERATIONS = "vidur-operation-metrics";
    /** Vidur profiling tables ({@code time_stats.<op>.mean}). */
    public static final String FORMAT_VIDUR_PROFILING = "vidur-profiling";

    /** Copies the lists; names must be unique. */
    public SimTable {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        operators = List.copyOf(operators);
        notes = List.copyOf(notes);
        Set<String> seen = new LinkedHashSet<>();
        for (SimOperator o : operators) {
            if (!seen.add(o.name())) {
                throw new IllegalArgumentException(source + ": duplicate operator '" + o.name() + "'");
            }
        }
    }

    /**
     * Parses a simulator table, recognising the format by its header.
     *
     * @param csvText    the CSV text
     * @param sourceName file name for messages
     * @return the table
     * @throws IllegalArgumentException with a one-line message starting with {@code sourceName} (and the line number
     *                                  where there is one): no header, missing columns, a value that is not a
     *                                  number, a duplicate operator, no operator at all
     */
    public static SimTable parse(String csvText, String sourceName) {
        return parse(csvText, sourceName, null);
    }

    /**
     * As {@link #parse(String, String)}, choosing the row of a Vidur profiling table.
     *
     * @param rowSelector {@code column=value[,column=value]} for {@link #FORMAT_VIDUR_PROFILING}; {@code null} to
     *                    require a single-row table; ignored by the other formats
     */
    public static SimTable parse(String csvText, String sourceName, String rowSelector) {
        Objects.requireNonNull(csvText, "csvText");
        List<Row> rows = csv(csvText, sourceName);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(sourceName + ": empty simulator table (no header)");
        }
        List<String> header = new ArrayList<>();
        for (String h : rows.get(0).fields()) {
            header.add(h.strip());
        }
        List<Row> data = rows.subList(1, rows.size());
        if (!header.isEmpty() && header.get(0).equalsIgnoreCase("Batch Id")) {
            return vidurOperations(header, data, sourceName);
        }
        for (String h : header) {
            if (h.startsWith("time_stats.") && h.endsWith(".mean")) {
                return vidurProfiling(header, data, sourceName, rowSelector);
            }
        }
        return proflens(header, data, sourceName);
    }

    private static SimTable proflens(List<String> header, List<Row> data, String src) {
        int op = index(header, "op");
        int us = index(header, "time_us");
        int ms = index(header, "time_ms");
        int layers = index(header, "layers");
        if (op < 0 || (us < 0 && ms < 0)) {
            throw new IllegalArgumentException(src + ": line 1: not a simulator table: expected a header with 'op' and "
                    + "'time_us' (or 'time_ms', optional 'layers'), a Vidur operation_metrics.csv ('Batch Id', ...) or a "
                    + "Vidur profiling table (time_stats.<op>.mean); got '" + String.join(",", header) + "'");
        }
        int time = us >= 0 ? us : ms;
        List<SimOperator> ops = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Row r : data) {
            String name = field(r, op).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(src + ": line " + r.line() + ": empty op name");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(src + ": line " + r.line() + ": duplicate op '" + name + "'");
            }
            BigDecimal t = number(field(r, time), src, r.line(), header.get(time));
            if (t == null) {
                throw new IllegalArgumentException(src + ": line " + r.line() + ": op '" + name + "' has no "
                        + header.get(time));
            }
            Integer l = null;
            if (layers >= 0) {
                BigDecimal lv = number(field(r, layers), src, r.line(), "layers");
                if (lv != null) {
                    if (lv.signum() <= 0 || lv.stripTrailingZeros().scale() > 0) {
                        throw new IllegalArgumentException(src + ": line " + r.line() + ": layers must be a whole number "
                                + ">= 1, got " + field(r, layers).strip());
                    }
                    l = lv.intValueExact();
                }
            }
            ops.add(sim(name, us >= 0 ? t : t.movePointRight(3), l, src, r.line()));
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException(src + ": no operator rows after the header");
        }
        return new SimTable(src, FORMAT_PROFLENS, ops, List.of());
    }

    private static SimTable vidurOperations(List<String> header, List<Row> data, String src) {
        List<SimOperator> ops = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int c = 1; c < header.size(); c++) {
            BigDecimal sum = BigDecimal.ZERO;
            int n = 0;
            for (Row r : data) {
                BigDecimal v = number(field(r, c), src, r.line(), header.get(c));
                if (v != null) {
                    sum = sum.add(v);
                    n++;
                }
            }
            if (n == 0) {
                skipped.add(header.get(c));
                continue;
            }
            BigDecimal meanUs = sum.movePointRight(3).divide(BigDecimal.valueOf(n), java.math.MathContext.DECIMAL64);
            ops.add(sim(header.get(c), meanUs, null, src, 1));
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException(src + ": Vidur operation metrics without any value");
        }
        List<String> notes = new ArrayList<>();
        notes.add("Vidur operation metrics: per operation the mean over the " + data.size()
                + " batch rows with a value, ms → µs; values are per layer (Vidur averages the layers of a batch stage)");
        if (!skipped.isEmpty()) {
            notes.add("no value in any batch: " + String.join(", ", skipped));
        }
        return new SimTable(src, FORMAT_VIDUR_OPERATIONS, ops, notes);
    }

    private static SimTable vidurProfiling(List<String> header, List<Row> data, String src, String selector) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException(src + ": Vidur profiling table without rows");
        }
        List<Row> chosen = new ArrayList<>(data);
        String described = "its only row";
        if (selector != null && !selector.isBlank()) {
            for (String cond : selector.split(",")) {
                int eq = cond.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(src + ": row selector '" + selector + "' must be column=value[,...]");
                }
                String col = cond.substring(0, eq).strip();
                String val = cond.substring(eq + 1).strip();
                int c = index(header, col);
                if (c < 0) {
                    throw new IllegalArgumentException(src + ": row selector: no column '" + col + "'");
                }
                chosen.removeIf(r -> !sameValue(field(r, c).strip(), val));
            }
            described = "the row " + selector.strip();
        }
        if (chosen.size() != 1) {
            throw new IllegalArgumentException(src + ": " + (chosen.isEmpty() ? "no row matches '" + selector + "'"
                    : chosen.size() + " rows" + (selector == null ? "" : " match '" + selector + "'")
                    + "; choose one with a row selector column=value (e.g. num_tokens=512)"));
        }
        Row r = chosen.get(0);
        List<SimOperator> ops = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String h = header.get(c);
            if (h.startsWith("time_stats.") && h.endsWith(".mean")) {
                BigDecimal v = number(field(r, c), src, r.line(), h);
                if (v != null) {
                    ops.add(sim(h.substring("time_stats.".length(), h.length() - ".mean".length()), v.movePointRight(3),
                            null, src, r.line()));
                }
            }
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException(src + ": line " + r.line() + ": no time_stats.<op>.mean value in the row");
        }
        return new SimTable(src, FORMAT_VIDUR_PROFILING, ops,
                List.of("Vidur profiling table: time_stats.<op>.mean of " + described + " (line " + r.line() + "), ms → µs"));
    }

    private static boolean sameValue(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b)) == 0;
        } catch (NumberFormatException e) {
            return a.equalsIgnoreCase(b);
        }
    }

    private static SimOperator sim(String name, BigDecimal us, Integer layers, String src, int line) {
        if (us.signum() < 0) {
            throw new IllegalArgumentException(src + ": line " + line + ": negative time for '" + name + "'");
        }
        return new SimOperator(name, us.doubleValue(), layers);
    }

    private static int index(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String field(Row r, int c) {
        return c < r.fields().size() ? r.fields().get(c) : "";
    }

    private static BigDecimal number(String text, String src, int line, String column) {
        String s = text.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(src + ": line " + line + ": " + column + " is not a number: '" + s + "'");
        }
    }

    /** A CSV record with the 1-based line it starts on. */
    private record Row(int line, List<String> fields) {
    }

    /** RFC 4180 records; blank lines and lines starting with {@code #} (outside quotes) are skipped. */
    private static List<Row> csv(String text, String src) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int line = 1;
        int start = 1;
        boolean quoted = false;
        boolean atRecordStart = true;
        boolean any = false;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (atRecordStart && !quoted && c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                line++;
                start = line;
                continue;
            }
            atRecordStart = false;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || !f.toString().isBlank()) {
                    fields.add(f.toString());
                    rows.add(new Row(start, List.copyOf(fields)));
                }
                fields.clear();
                f.setLength(0);
                any = false;
                line++;
                start = line;
                atRecordStart = true;
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(src + ": line " + start + ": unterminated quoted field");
        }
        if (any || !f.toString().isBlank()) {
            fields.add(f.toString());
            rows.add(new Row(start, List.copyOf(fields)));
        }
        return rows;
    }

    /** @return operators by name, in table order */
    public Map<String, SimOperator> byName() {
        Map<String, SimOperator> m = new LinkedHashMap<>();
        for (SimOperator o : operators) {
            m.put(o.name(), o);
        }
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SimTable[%s, %s, %d operators]", source, format, operators.size());
    }
}
