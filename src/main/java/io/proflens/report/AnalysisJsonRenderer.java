package io.proflens.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.proflens.analysis.CaptureInfo;
import io.proflens.analysis.ResultTable;
import io.proflens.model.GpuDevice;
import io.proflens.model.ImportIssue;
import io.proflens.model.ProcessInfo;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * {@code proflens analyze -f json}: one JSON document with the same content as the text report —
 * <pre>
 * { "capture":  {file, format, producer, producerVersion, schemaVersion, synthetic, spanStartNs, spanEndNs,
 *                processes[], gpus[], rows{}, importIssues[]},
 *   "findings": [{ruleId, title, severity, score, summary, evidence[{label, value}], examples[], recommendation,
 *                 recoverableNs}],
 *   "analyses": {reportName: [row objects]},
 *   "stats":    {reportName: [row objects] | {"skipped": reason}} }
 * </pre>
 * Row objects are those of {@link JsonRenderer} (keys = printed headers, numbers in the chosen time unit).
 */
public final class AnalysisJsonRenderer {
    private final JsonRenderer tables;
    private final JsonFactory factory = new JsonFactory();

    /** @param fmt cell formatting (time unit) for table rows */
    public AnalysisJsonRenderer(CellFormatter fmt) {
        this.tables = new JsonRenderer(fmt);
    }

    /**
     * @param info     capture summary
     * @param findings findings in engine order
     * @param analyses analysis tables
     * @param stats    stats report name → table, or → skip reason (String); iteration order is kept
     * @param out      destination (not closed)
     * @throws IOException on write failure
     */
    public void render(CaptureInfo info, List<Finding> findings, List<ResultTable> analyses, Map<String, Object> stats,
            Writer out) throws IOException {
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeFieldName("capture");
            capture(g, info);
            findings(g, findings);
            g.writeObjectFieldStart("analyses");
            for (ResultTable t : analyses) {
                g.writeFieldName(t.reportName());
                tables.writeRows(g, t);
            }
            g.writeEndObject();
            stats(g, stats);
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    /**
     * Several ranks: {@code {"ranks": [{"rank", "capture"}], "notAnalysed": [messages], "findings": [...],
     * "stats": {...}}}, findings and stats as in {@link #render}.
     *
     * @param rankIds  rank id of each capture
     * @param infos    captures, same order
     * @param failed   one line per input that could not be read
     * @param findings merged findings
     * @param stats    report name → table, or → skip reason
     * @param out      destination (not closed)
     * @throws IOException on write failure
     */
    public void renderRanks(List<Integer> rankIds, List<CaptureInfo> infos, List<String> failed, List<Finding> findings,
            Map<String, Object> stats, Writer out) throws IOException {
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("ranks");
            for (int i = 0; i < infos.size(); i++) {
                g.writeStartObject();
                g.writeNumberField("rank", rankIds.get(i));
                g.writeFieldName("capture");
                capture(g, infos.get(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("notAnalysed");
            for (String f : failed) {
                g.writeString(f);
            }
            g.writeEndArray();
            findings(g, findings);
            stats(g, stats);
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    void findings(JsonGenerator g, List<Finding> findings) throws IOException {
        g.writeArrayFieldStart("findings");
        for (Finding f : findings) {
            g.writeStartObject();
            g.writeStringField("ruleId", f.ruleId());
            g.writeStringField("title", f.title());
            g.writeStringField("severity", f.severity().label());
            g.writeNumberField("score", Math.round(f.score() * 10) / 10.0);
            g.writeStringField("summary", f.summary());
            g.writeArrayFieldStart("evidence");
            for (Evidence e : f.evidence()) {
                g.writeStartObject();
                g.writeStringField("label", e.label());
                g.writeStringField("value", e.value());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("examples");
            for (String x : f.examples()) {
                g.writeString(x);
            }
            g.writeEndArray();
            g.writeStringField("recommendation", f.recommendation());
            g.writeNumberField("recoverableNs", f.recoverableNs());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void stats(JsonGenerator g, Map<String, Object> stats) throws IOException {
        g.writeObjectFieldStart("stats");
        for (Map.Entry<String, Object> e : stats.entrySet()) {
            g.writeFieldName(e.getKey());
            if (e.getValue() instanceof ResultTable t) {
                tables.writeRows(g, t);
            } else {
                g.writeStartObject();
                g.writeStringField("skipped", String.valueOf(e.getValue()));
                g.writeEndObject();
            }
        }
        g.writeEndObject();
    }

    static void capture(JsonGenerator g, CaptureInfo info) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", info.metadata().sourcePath());
        g.writeStringField("format", info.metadata().format());
        g.writeStringField("producer", info.metadata().producer());
        g.writeStringField("producerVersion", info.metadata().producerVersion());
        g.writeStringField("schemaVersion", info.metadata().schemaVersion());
        g.writeBooleanField("synthetic", info.metadata().synthetic());
        if (info.spanStartNs() != null) {
            g.writeNumberField("spanStartNs", info.spanStartNs());
            g.writeNumberField("spanEndNs", info.spanEndNs());
        }
        g.writeArrayFieldStart("processes");
        for (ProcessInfo p : info.activeProcesses()) {
            g.writeStartObject();
            g.writeNumberField("pid", p.pid());
            g.writeStringField("name", p.name());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("gpus");
        for (GpuDevice d : info.devices()) {
            g.writeStartObject();
            g.writeNumberField("id", d.id());
            g.writeStringField("name", d.name());
            g.writeBooleanField("active", info.activeDeviceIds().contains(d.id()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("rows");
        for (Map.Entry<String, Integer> e : info.rowCounts().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("importIssues");
        for (ImportIssue i : info.issues()) {
            g.writeStartObject();
            g.writeStringField("code", i.code());
            g.writeStringField("severity", i.severity().name().toLowerCase(java.util.Locale.ROOT));
            g.writeNumberField("count", i.count());
            g.writeStringField("message", i.message());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
