package io.proflens.report;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import java.io.IOException;
import java.util.List;

/**
 * nsys's {@code csv} and {@code tsv} formats: a header line of {@code Label (unit)} names, then one line per
 * row, full (unclipped) names. CSV quotes a field that contains a comma, a double quote or a line break,
 * doubling inner quotes (RFC 4180; nsys quotes names with commas). TSV escapes tab, newline and backslash
 * as {@code \t}, {@code \n}, {@code \\}. {@code nohdr} drops the header line.
 */
public final class DelimitedRenderer implements TableRenderer {
    private final CellFormatter fmt;
    private final boolean tsv;
    private final boolean header;

    public DelimitedRenderer(CellFormatter fmt, boolean tsv, boolean header) {
        this.fmt = fmt;
        this.tsv = tsv;
        this.header = header;
    }

    @Override
    public String extension() {
        return tsv ? "tsv" : "csv";
    }

    @Override
    public void render(ResultTable t, Appendable out) throws IOException {
        List<Column> cols = t.columns();
        StringBuilder sb = new StringBuilder();
        if (header) {
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    sb.append(tsv ? '\t' : ',');
                }
                sb.append(escape(fmt.header(cols.get(c))));
            }
            sb.append('\n');
            out.append(sb);
        }
        for (Object[] row : t.rows()) {
            sb.setLength(0);
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    sb.append(tsv ? '\t' : ',');
                }
                sb.append(escape(fmt.format(cols.get(c), row[c])));
            }
            sb.append('\n');
            out.append(sb);
        }
    }

    private String escape(String s) {
        if (tsv) {
            if (s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\\') < 0 && s.indexOf('\r') < 0) {
                return s;
            }
            return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
