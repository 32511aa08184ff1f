package io.proflens.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.proflens.analysis.CaptureInfo;
import io.proflens.analysis.ResultTable;
import io.proflens.rules.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code proflens report -o report.html}: one self-contained HTML file — the inline template
 * ({@code report.html}, {@code report.css}, {@code report.js} in this package's resources), Apache ECharts'
 * {@code echarts.min.js} from its webjar, and the data as one inline JSON block. Works offline from {@code file://};
 * nothing is fetched at view time. The same input gives the same bytes (no timestamps, tables in given order, charts
 * without animation).
 *
 * <p>Safety: the data block is JSON with {@code <}, {@code >}, {@code &}, U+2028 and U+2029 written as {@code \\uXXXX}
 * escapes, so no profile text (C++ kernel names contain {@code <} and {@code >}) can close the script element; the
 * page script inserts every name with {@code textContent}, never as markup.
 *
 * <p>Data block: {@code {"capture": ..., "findings": [...], "tables": [{"name", "title", "group"
 * ("analysis"|"stats"|"chart"), "columns": [{"label", "kind"}], "rows": [[...]], "total", "skipped"?}]}} with times in
 * ns; the page formats them.
 */
public final class HtmlReportRenderer {
    /** Rows kept per table (the rest is counted in {@code total}); charts keep every row. */
    public static final int MAX_ROWS = 500;

    private final JsonFactory factory = new JsonFactory();
    private final CellFormatter ns = new CellFormatter(TimeUnitChoice.parse("nsec"));

    /**
     * @param info     capture summary
     * @param findings findings in engine order
     * @param analyses analysis tables
     * @param charts   chart-only series
     * @param stats    stats report name → table, or → skip reason (String)
     * @param out      destination (not closed)
     * @throws IOException on write failure
     */
    public void render(CaptureInfo info, List<Finding> findings, List<ResultTable> analyses, List<ResultTable> charts,
            Map<String, Object> stats, Writer out) throws IOException {
        String template = resource("report.html");
        String json = data(info, findings, analyses, charts, stats);
        String html = replaceOnce(template, "/*PROFLENS_CSS*/", resource("report.css"));
        html = replaceOnce(html, "/*PROFLENS_DATA*/", json);
        html = replaceOnce(html, "/*PROFLENS_ECHARTS*/", echarts());
        html = replaceOnce(html, "/*PROFLENS_APP*/", resource("report.js"));
        out.write(html);
        out.flush();
    }

    private String data(CaptureInfo info, List<Finding> findings, List<ResultTable> analyses, List<ResultTable> charts,
            Map<String, Object> stats) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(w)) {
            g.setCharacterEscapes(new HtmlSafeJsonEscapes());
            g.writeStartObject();
            g.writeFieldName("capture");
            AnalysisJsonRenderer.capture(g, info);
            new AnalysisJsonRenderer(ns).findings(g, findings);
            g.writeArrayFieldStart("tables");
            for (ResultTable t : analyses) {
                table(g, t, t.reportName(), "analysis", MAX_ROWS);
            }
            for (ResultTable t : charts) {
                table(g, t, t.reportName(), "chart", Integer.MAX_VALUE);
            }
            for (Map.Entry<String, Object> e : stats.entrySet()) {
                if (e.getValue() instanceof ResultTable t) {
                    table(g, t, e.getKey(), "stats", MAX_ROWS);
                } else {
                    g.writeStartObject();
                    g.writeStringField("name", e.getKey());
                    g.writeStringField("title", e.getKey());
                    g.writeStringField("group", "stats");
                    g.writeStringField("skipped", String.valueOf(e.getValue()));
                    g.writeArrayFieldStart("columns");
                    g.writeEndArray();
                    g.writeArrayFieldStart("rows");
                    g.writeEndArray();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return w.toString();
    }

    private void table(JsonGenerator g, ResultTable t, String name, String group, int maxRows) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("title", t.title());
        g.writeStringField("group", group);
        g.writeArrayFieldStart("columns");
        for (ResultTable.Column c : t.columns()) {
            g.writeStartObject();
            g.writeStringField("label", c.label());
            g.writeStringField("kind", c.kind().name());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("total", t.size());
        g.writeArrayFieldStart("rows");
        int n = Math.min(maxRows, t.size());
        for (int r = 0; r < n; r++) {
            Object[] row = t.rows().get(r);
            g.writeStartArray();
            for (int c = 0; c < row.length; c++) {
                Object v = ns.jsonValue(t.columns().get(c), row[c]);
                if (v == null) {
                    g.writeNull();
                } else if (v instanceof BigDecimal b) {
                    g.writeNumber(b);
                } else {
                    g.writeString(v.toString());
                }
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** @return the minified ECharts from its webjar on the classpath */
    private static String echarts() {
        String version;
        try (InputStream in = HtmlReportRenderer.class.getResourceAsStream("/io/proflens/version.properties")) {
            Properties p = new Properties();
            p.load(in);
            version = p.getProperty("echartsVersion");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("proflens build is missing version.properties", e);
        }
        String path = "/META-INF/resources/webjars/echarts/" + version + "/dist/echarts.min.js";
        try (InputStream in = HtmlReportRenderer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("ECharts " + version + " is not on the classpath (" + path + ")");
            }
            // a literal "</script" inside the library would end the inline script element
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReportRenderer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("report resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String replaceOnce(String text, String slot, String value) {
        int i = text.indexOf(slot);
        if (i < 0) {
            throw new IllegalStateException("template slot missing: " + slot);
        }
        return text.substring(0, i) + value + text.substring(i + slot.length());
    }
}
