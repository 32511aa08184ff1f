package io.proflens.report;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import java.io.IOException;
import java.util.List;

/**
 * nsys's {@code column} console format (and {@code table}, its boxed variant): one leading space, two spaces
 * between columns, a dashed rule under the header, numbers right-aligned, text left-aligned with centred
 * headers, text clipped to 100 characters (99 + {@code …}) unless {@code nolimit}. Grouping is on full
 * names: clipping happens only here.
 */
public final class ColumnRenderer implements TableRenderer {
    /** Maximum printed width of a text cell, including the ellipsis. */
    public static final int CLIP = 100;

    private final CellFormatter fmt;
    private final boolean boxed;
    private final boolean clip;

    /**
     * @param fmt   cell formatter
     * @param boxed {@code table} format (box borders) instead of {@code column}
     * @param clip  clip long text to {@link #CLIP} characters
     */
    public ColumnRenderer(CellFormatter fmt, boolean boxed, boolean clip) {
        this.fmt = fmt;
        this.boxed = boxed;
        this.clip = clip;
    }

    @Override
    public String extension() {
        return "txt";
    }

    @Override
    public boolean titled() {
        return true;
    }

    static String clipText(String s) {
        if (s.codePointCount(0, s.length()) <= CLIP) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, CLIP - 1)) + "…";
    }

    @Override
    public void render(ResultTable t, Appendable out) throws IOException {
        List<Column> cols = t.columns();
        int nc = cols.size();
        String[] head = new String[nc];
        int[] width = new int[nc];
        for (int c = 0; c < nc; c++) {
            head[c] = fmt.header(cols.get(c));
            width[c] = len(head[c]);
        }
        String[][] cells = new String[t.size()][nc];
        for (int r = 0; r < t.size(); r++) {
            Object[] row = t.rows().get(r);
            for (int c = 0; c < nc; c++) {
                String s = fmt.format(cols.get(c), row[c]);
                if (!cols.get(c).numeric() && clip) {
                    s = clipText(s);
                }
                s = s.replace('\n', ' ').replace('\r', ' ');
                cells[r][c] = s;
                width[c] = Math.max(width[c], len(s));
            }
        }
        String sep = boxed ? " | " : "  ";
        StringBuilder sb = new StringBuilder();
        if (boxed) {
            rule(sb, width, '-', "+");
        }
        sb.append(boxed ? "| " : " ");
        for (int c = 0; c < nc; c++) {
            if (c > 0) {
                sb.append(sep);
            }
            sb.append(cols.get(c).numeric() ? padLeft(head[c], width[c]) : center(head[c], width[c]));
        }
        sb.append(boxed ? " |" : "").append('\n');
        if (boxed) {
            rule(sb, width, '-', "+");
        } else {
            sb.append(' ');
            for (int c = 0; c < nc; c++) {
                if (c > 0) {
                    sb.append(sep);
                }
                sb.append("-".repeat(width[c]));
            }
            sb.append('\n');
        }
        out.append(sb);
        for (String[] row : cells) {
            sb.setLength(0);
            sb.append(boxed ? "| " : " ");
            for (int c = 0; c < nc; c++) {
                if (c > 0) {
                    sb.append(sep);
                }
                sb.append(cols.get(c).numeric() ? padLeft(row[c], width[c]) : padRight(row[c], width[c]));
            }
            sb.append(boxed ? " |" : "").append('\n');
            out.append(sb);
        }
        if (boxed) {
            sb.setLength(0);
            rule(sb, width, '-', "+");
            out.append(sb);
        }
    }

    private static void rule(StringBuilder sb, int[] width, char ch, String corner) {
        sb.append(corner);
        for (int w : width) {
            sb.append(String.valueOf(ch).repeat(w + 2)).append(corner);
        }
        sb.append('\n');
    }

    private static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String padLeft(String s, int w) {
        int n = w - len(s);
        return n <= 0 ? s : " ".repeat(n) + s;
    }

    private static String padRight(String s, int w) {
        int n = w - len(s);
        return n <= 0 ? s : s + " ".repeat(n);
    }

    private static String center(String s, int w) {
        int n = w - len(s);
        if (n <= 0) {
            return s;
        }
        int left = n / 2;
        return " ".repeat(left) + s + " ".repeat(n - left);
    }
}
