package io.proflens.report;

import io.proflens.analysis.ResultTable;
import java.io.IOException;

/** Writes one {@link ResultTable} in one output format. Implementations are stateless apart from options. */
public interface TableRenderer {
    /** Writes the table (header and rows) to {@code out}. */
    void render(ResultTable table, Appendable out) throws IOException;

    /** @return the file extension of this format, without dot (csv, tsv, json, md, txt). */
    String extension();

    /** @return whether console output of several reports should carry a title line per report. */
    default boolean titled() {
        return false;
    }
}
