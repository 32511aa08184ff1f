package io.proflens.report;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import java.io.IOException;
import java.util.List;

/**
 * GitHub-flavoured Markdown table: numbers right-aligned ({@code ---:}), {@code |} and line breaks in cells
 * escaped, full names (no clipping), so the table pastes into an issue or a PR.
 */
public final class MarkdownRenderer implements TableRenderer {
    private final CellFormatter fmt;

    public MarkdownRenderer(CellFormatter fmt) {
        this.fmt = fmt;
    }

    @Override
    public String extension() {
        return "md";
    }

    @Override
    public boolean titled() {
        return true;
    }

    @Override
    public void render(ResultTable t, Appendable out) throws IOException {
        List<Column> cols = t.columns();
        StringBuilder sb = new StringBuilder("|");
        for (Column c : cols) {
            sb.append(' ').append(escape(fmt.header(c))).append(" |");
        }
        sb.append("\n|");
        for (Column c : cols) {
            sb.append(c.numeric() ? " ---: |" : " --- |");
        }
        sb.append('\n');
        out.append(sb);
        for (Object[] row : t.rows()) {
            sb.setLength(0);
            sb.append('|');
            for (int c = 0; c < cols.size(); c++) {
                sb.append(' ').append(escape(fmt.format(cols.get(c), row[c]))).append(" |");
            }
            sb.append('\n');
            out.append(sb);
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>");
    }
}
