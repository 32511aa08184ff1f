package io.proflens.cli;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.timers.TimerReport;
import io.proflens.analysis.timers.TimerSample;
import io.proflens.ingest.ImportException;
import io.proflens.ingest.timers.BenchmarkLatency;
import io.proflens.ingest.timers.TimerLine;
import io.proflens.ingest.timers.TimerLog;
import io.proflens.ingest.timers.TimerLogReader;
import io.proflens.report.OutputFormat;
import io.proflens.report.TableRenderer;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens timers LOG}: in-code timer lines of a log as a hierarchy with shares of the internal total, warm-up
 * vs steady iterations, and the gap to an external measurement ({@code --external-ms}, {@code --external-log} with a
 * benchmark's {@code Average latency: … ms (±…)} line, or such a line in LOG itself).
 * See {@link TimerLogReader} for the line formats and {@link TimerReport} for the semantics.
 */
@Command(name = "timers", mixinStandardHelpOptions = true,
        description = "In-code timer lines ('[GROUP] name: 1.2 ms', '[... TIMER] phase: X ms (total: Y ms)', 'name: value "
                + "unit') as a hierarchy with shares, warm-up vs steady, and the gap to an external measurement.")
public final class TimersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "Text log with timer lines (UTF-8).")
    Path log;

    @Option(names = "--external-ms", paramLabel = "MS",
            description = "External measurement of one iteration, ms (e.g. wall time measured outside the code).")
    Double externalMs;

    @Option(names = "--external-log", paramLabel = "FILE",
            description = "Benchmark log whose last 'Average latency: X ms (±Y)' line is the external measurement.")
    Path externalLog;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up iterations excluded from the steady means (default: 1 when the log has several "
                    + "iterations, else 0).")
    Integer warmup;

    @Option(names = {"-f", "--format"}, description = "column (default), table, csv, tsv, json or markdown.")
    String format = "column";

    @Option(names = "--timeunit", description = "msec (default), usec, nsec, seconds.")
    String timeunit = "msec";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat fmt = format(format);
        TimeUnitChoice unit = unit(timeunit);
        if (externalMs != null && externalLog != null) {
            throw new CliException(ExitCodes.USAGE, "give --external-ms or --external-log, not both");
        }
        if (externalMs != null && !(externalMs > 0 && Double.isFinite(externalMs))) {
            throw new CliException(ExitCodes.USAGE, "--external-ms must be a positive number of ms");
        }
        if (warmup != null && warmup < 0) {
            throw new CliException(ExitCodes.USAGE, "--warmup must be >= 0");
        }
        TimerLog timers = read(log);
        if (timers.lines().isEmpty()) {
            throw new CliException(ExitCodes.INPUT, log + ": no timer lines, only a benchmark latency");
        }
        Long extNs = null;
        Long spreadNs = null;
        String extSource = null;
        if (externalMs != null) {
            extNs = BigDecimal.valueOf(externalMs).movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
            extSource = "--external-ms " + BigDecimal.valueOf(externalMs).stripTrailingZeros().toPlainString();
        } else {
            TimerLog bench = externalLog == null ? timers : read(externalLog);
            if (!bench.latencies().isEmpty()) {
                BenchmarkLatency b = bench.latencies().get(bench.latencies().size() - 1);
                extNs = b.meanNs();
                spreadNs = b.spreadNs();
                extSource = "'Average latency' at " + bench.source() + ":" + b.lineNumber();
            } else if (externalLog != null) {
                throw new CliException(ExitCodes.INPUT, externalLog + ": no 'Average latency: X ms' line");
            }
        }
        TimerReport report;
        try {
            report = TimerReport.of(samples(timers), new TimerReport.Options(warmup, extNs, spreadNs, extSource));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, log + ": " + e.getMessage());
        }
        render(report.toTables(), fmt, unit, out);
        return ExitCodes.OK;
    }

    private static TimerLog read(Path file) {
        try {
            return TimerLogReader.read(file);
        } catch (ImportException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage(), e);
        }
    }

    /** Maps the reader's lines to the analysis' samples (analyses do not depend on readers). */
    static List<TimerSample> samples(TimerLog log) {
        List<TimerSample> out = new ArrayList<>();
        for (TimerLine l : log.lines()) {
            out.add(new TimerSample(l.iteration(), TimerSample.Kind.valueOf(l.kind().name()), l.label(), l.name(),
                    l.valueNs(), l.reportedTotalNs(), l.lineNumber()));
        }
        return out;
    }

    static OutputFormat format(String text) {
        try {
            OutputFormat f = OutputFormat.parse(text);
            // arithmetic and timer names are the content: never clip them in column output
            if ((f.name().equals("column") || f.name().equals("table")) && !f.args().contains("nolimit")) {
                f = OutputFormat.parse(f.name() + ":nolimit");
            }
            return f;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static TimeUnitChoice unit(String text) {
        try {
            return TimeUnitChoice.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /**
     * Writes several tables: column/table/markdown with a title line per table; csv/tsv tables separated by a blank
     * line; json one object keyed by report name, each value the rows array.
     */
    static void render(List<ResultTable> tables, OutputFormat fmt, TimeUnitChoice unit, PrintWriter out) {
        TableRenderer r = fmt.renderer(unit);
        boolean md = fmt.name().equals("markdown");
        boolean json = fmt.name().equals("json");
        boolean delimited = fmt.name().equals("csv") || fmt.name().equals("tsv");
        try {
            if (json) {
                out.print("{");
            }
            for (int i = 0; i < tables.size(); i++) {
                ResultTable t = tables.get(i);
                if (json) {
                    out.print((i == 0 ? "\n" : ",\n") + "\"" + t.reportName() + "\": ");
                    StringBuilder sb = new StringBuilder();
                    r.render(t, sb);
                    out.print(sb.toString().stripTrailing());
                    continue;
                }
                if (i > 0) {
                    out.println();
                }
                if (!delimited) {
                    out.println(md ? "## " + t.title() + " (" + t.reportName() + ")\n" : " ** " + t.title() + " ("
                            + t.reportName() + "):\n");
                }
                r.render(t, out);
            }
            if (json) {
                out.println("\n}");
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write output: " + e.getMessage(), e);
        }
        out.flush();
        if (out.checkError()) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write output");
        }
    }
}
