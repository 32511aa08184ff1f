package io.proflens.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An output format spec as {@code nsys stats -f} takes it: {@code column|table|csv|tsv|json|markdown} with
 * optional {@code :nohdr} (csv/tsv) and {@code :nolimit} (column/table: no clipping) arguments.
 *
 * @param name format name
 * @param args its arguments
 */
public record OutputFormat(String name, List<String> args) {
    /** Accepted format names. */
    public static final List<String> NAMES = List.of("column", "table", "csv", "tsv", "json", "markdown");

    /**
     * @throws IllegalArgumentException for an unknown format or argument
     */
    public static OutputFormat parse(String spec) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
        String n = parts[0].equals("md") ? "markdown" : parts[0];
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException("unknown format '" + spec + "' (use " + String.join(", ", NAMES) + ")");
        }
        List<String> a = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            boolean ok = (p.equals("nohdr") && (n.equals("csv") || n.equals("tsv")))
                    || (p.equals("nolimit") && (n.equals("column") || n.equals("table")));
            if (!ok) {
                throw new IllegalArgumentException("unknown argument '" + p + "' for format " + n);
            }
            a.add(p);
        }
        return new OutputFormat(n, List.copyOf(a));
    }

    /** @return a renderer for this format. */
    public TableRenderer renderer(TimeUnitChoice unit) {
        CellFormatter f = new CellFormatter(unit);
        switch (name) {
            case "column": return new ColumnRenderer(f, false, !args.contains("nolimit"));
            case "table": return new ColumnRenderer(f, true, !args.contains("nolimit"));
            case "csv": return new DelimitedRenderer(f, false, !args.contains("nohdr"));
            case "tsv": return new DelimitedRenderer(f, true, !args.contains("nohdr"));
            case "json": return new JsonRenderer(f);
            default: return new MarkdownRenderer(f);
        }
    }
}
