package io.proflens.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;

/**
 * nsys's {@code json} format: an array with one object per row, keys are the printed headers
 * ({@code "Total Time (ns)"}), numbers are JSON numbers in the chosen unit, text is properly escaped (unlike
 * nsys, whose JSON does not escape quotes), null cells are JSON {@code null}.
 */
public final class JsonRenderer implements TableRenderer {
    private final CellFormatter fmt;
    private final JsonFactory factory = new JsonFactory();

    public JsonRenderer(CellFormatter fmt) {
        this.fmt = fmt;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public void render(ResultTable t, Appendable out) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            writeRows(g, t);
        }
        out.append(w.toString()).append('\n');
    }

    /**
     * Writes the table as a JSON array of row objects into an open generator (for documents that embed tables).
     *
     * @param g the generator, positioned where a value may start
     * @param t the table
     * @throws IOException from the generator
     */
    public void writeRows(JsonGenerator g, ResultTable t) throws IOException {
        List<Column> cols = t.columns();
        String[] keys = new String[cols.size()];
        for (int c = 0; c < keys.length; c++) {
            keys[c] = fmt.header(cols.get(c));
        }
        g.writeStartArray();
        for (Object[] row : t.rows()) {
            g.writeStartObject();
            for (int c = 0; c < keys.length; c++) {
                g.writeFieldName(keys[c]);
                Object v = fmt.jsonValue(cols.get(c), row[c]);
                if (v == null) {
                    g.writeNull();
                } else if (v instanceof BigDecimal) {
                    g.writeNumber((BigDecimal) v);
                } else {
                    g.writeString(v.toString());
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
