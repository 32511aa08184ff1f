package io.proflens.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A tabular analysis result: ordered typed columns and rows of cells. Renderers (column, csv, json, ...)
 * read only this.
 *
 * <p>Cells are {@link Long} (integers), {@link Double} (already rounded as the report defines, e.g. to 0.1
 * ns), {@link String} or {@code null} (SQL NULL; printed empty). Durations and timestamps are always stored
 * in ns; renderers convert to the requested {@code --timeunit}. Byte columns ({@link Kind#BYTES_MB}) store
 * bytes and print MB (10^6 bytes, 3 decimals) as nsys does.
 */
public final class ResultTable {
    /** What a column holds; drives header units and number formatting. */
    public enum Kind {
        /** Percent, 0-100, one decimal; header "Label (%)". */
        PERCENT,
        /** Duration in ns; header "Label (ns)" or the chosen time unit. */
        DURATION,
        /** Timestamp in ns on the trace clock; header like {@link #DURATION}. */
        TIMESTAMP,
        /** Byte count shown as MB (10^6 B, 3 decimals); header "Label (MB)". */
        BYTES_MB,
        /** Throughput in bytes/s shown as MB/s; header "Label (MB/s)". */
        THROUGHPUT_MBPS,
        /** Plain integer (counts, ids). */
        INTEGER,
        /** Plain number with the decimals stored. */
        NUMBER,
        /** Text (names); may be clipped in column output. */
        TEXT
    }

    /** A column: printed label (without unit) and kind. */
    public record Column(String label, Kind kind) {
        public Column {
            Objects.requireNonNull(label);
            Objects.requireNonNull(kind);
        }

        /** @return whether numbers are right-aligned in column output. */
        public boolean numeric() {
            return kind != Kind.TEXT;
        }
    }

    private final String reportName;
    private final String title;
    private final List<Column> columns;
    private final List<Object[]> rows;

    /**
     * @param reportName nsys report id, e.g. {@code cuda_gpu_kern_sum}
     * @param title      human title, e.g. "CUDA GPU Kernel Summary"
     * @param columns    columns in output order
     * @param rows       rows; each array has one cell per column (arrays are not copied: callers hand over)
     */
    public ResultTable(String reportName, String title, List<Column> columns, List<Object[]> rows) {
        this.reportName = reportName;
        this.title = title;
        this.columns = List.copyOf(columns);
        for (Object[] r : rows) {
            if (r.length != this.columns.size()) {
                throw new IllegalArgumentException("row has " + r.length + " cells, expected " + this.columns.size());
            }
        }
        this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
    }

    public String reportName() { return reportName; }
    public String title() { return title; }
    public List<Column> columns() { return columns; }
    /** @return rows in report order; do not modify the arrays. */
    public List<Object[]> rows() { return rows; }

    /** @return number of rows. */
    public int size() { return rows.size(); }

    /** @return cell at row {@code r}, column {@code c}. */
    public Object cell(int r, int c) {
        return rows.get(r)[c];
    }

    /** @return index of the column labelled {@code label}, or -1. */
    public int columnIndex(String label) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).label().equals(label)) {
                return i;
            }
        }
        return -1;
    }

    /** @return a table with the first {@code n} rows only. */
    public ResultTable head(int n) {
        return n >= rows.size() ? this : new ResultTable(reportName, title, columns, rows.subList(0, n));
    }
}
