package io.proflens.cli;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.StreamableReport;
import io.proflens.analysis.stats.StreamingStats;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.TableKind;
import io.proflens.model.ImportIssue;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import io.proflens.report.AtomicFiles;
import io.proflens.report.OutputFormat;
import io.proflens.report.TableRenderer;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens stats}: the {@code nsys stats} reports with nsys's options, headers, numbers and order.
 * With {@code -f csv} and one report, stdout carries exactly one CSV table and nothing else; messages
 * (SKIPPED, warnings, generated files) go to stderr.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Print nsys stats reports of a profile (same names, columns, numbers and order as 'nsys stats').",
                "Default reports: nvtx_sum, osrt_sum, cuda_api_sum, cuda_gpu_kern_sum, cuda_gpu_mem_time_sum, cuda_gpu_mem_size_sum."})
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "nsys SQLite export (.sqlite) or .nsys-rep report; several files or a directory = one rank each "
                    + "(per-rank and combined tables).")
    List<Path> inputs = new ArrayList<>();

    /** The single input of the one-file path. */
    private Path file;

    @Option(names = {"-r", "--report"}, split = ",", paramLabel = "NAME[:ARG...]",
            description = "Report(s) to run, repeatable or comma-separated (e.g. cuda_gpu_kern_sum:base). See --help-reports.")
    List<String> reports = new ArrayList<>();

    @Option(names = {"-f", "--format"}, split = ",", paramLabel = "FORMAT",
            description = "column (default on console), table, csv (default for files), tsv, json, markdown; csv/tsv take :nohdr, column/table :nolimit. One per report (the last repeats).")
    List<String> formats = new ArrayList<>();

    @Option(names = {"-o", "--output"}, split = ",", paramLabel = "BASE",
            description = "'-' for the console (default), else write BASE_<report>.<ext> atomically. One per report (the last repeats).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--timeunit", paramLabel = "UNIT", description = "nsec (default), usec, msec, seconds.")
    String timeunit = "nsec";

    @Option(names = "--filter-time", paramLabel = "[START]/[END]",
            description = "Keep rows overlapping [START, END) (ns; suffixes ns/us/ms/s).")
    String filterTime;

    @Option(names = "--filter-nvtx", paramLabel = "RANGE[@DOMAIN][/INDEX]",
            description = "Keep rows overlapping the INDEX-th (1-based, default first) NVTX range RANGE, on its thread (push/pop) or process (start/end).")
    String filterNvtx;

    @Option(names = "--nvtx-strip-op-ids",
            description = "Not nsys behaviour: strip PyTorch emit_nvtx ', seq = N' and ', op_id = N' from NVTX range names so one operator is one row.")
    boolean stripOpIds;

    @Option(names = {"-q", "--quiet"}, description = "Only errors and warnings on stderr; no progress.")
    boolean quiet;

    @Option(names = "--help-reports", description = "List the available reports and exit.")
    boolean helpReports;


    /** One requested report with its arguments. */
    record Request(StatsReport report, List<String> args, String spec) {
    }

    @Override
    public Integer call() {
        StatsReportRegistry registry = new StatsReportRegistry();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (helpReports) {
            for (StatsReport r : registry.all()) {
                String args = r.acceptedArgs().isEmpty() ? "" : "[:" + String.join("|:", new java.util.TreeSet<>(r.acceptedArgs())) + "]";
                out.printf(Locale.ROOT, "%-24s %s%s%n", r.name() + args, r.title(),
                        StatsReportRegistry.DEFAULT_SET.contains(r.name()) ? "  (default)" : "");
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (inputs.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "missing FILE (an nsys .sqlite export); see 'proflens stats --help'");
        }
        List<Path> files = RankInputs.expand(inputs);
        file = files.get(0);
        List<Request> requests = parseRequests(registry, reports.isEmpty() ? StatsReportRegistry.DEFAULT_SET : reports);
        TimeUnitChoice unit;
        try {
            unit = TimeUnitChoice.parse(timeunit);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        List<String> outs = outputs.isEmpty() ? List.of("-") : outputs;
        List<OutputFormat> fmts = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String o = pick(outs, i);
            String f = formats.isEmpty() ? (o.equals("-") ? "column" : "csv") : pick(formats, i);
            try {
                fmts.add(OutputFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (filterTime != null) {
            TraceFilters.parseTime(filterTime); // usage errors before reading a large file
        }
        if (files.size() > 1) {
            return callRanks(files, requests, unit, outs, fmts, out, err);
        }
        // One scan per table feeding every report, nothing stored, when all reports can stream; an NVTX
        // filter needs the NVTX table first, and trace/projection reports need stored rows.
        boolean streaming = filterNvtx == null && requests.stream().allMatch(r -> r.report() instanceof StreamableReport);
        Trace trace;
        TraceFilter filter;
        List<ResultTable> streamed = null;
        if (streaming) {
            filter = TraceFilters.timeOnly(filterTime);
            List<StreamableReport> reps = new ArrayList<>();
            List<StatsContext> ctxs = new ArrayList<>();
            for (Request r : requests) {
                reps.add((StreamableReport) r.report());
                ctxs.add(new StatsContext(r.args(), filter, null, stripOpIds));
            }
            StreamingStats ss = new StreamingStats(reps, ctxs);
            trace = InputOptions.read(file, new ImportOptions(EnumSet.noneOf(TableKind.class), false, false), quiet,
                    ss.sinks());
            streamed = ss.finish(trace);
        } else {
            trace = InputOptions.read(file, importOptions(requests, filterNvtx != null), quiet, RowSinks.NONE);
            filter = TraceFilters.build(trace, filterTime, filterNvtx);
        }
        reportIssues(trace, err, quiet);
        NamingPolicy naming = NamingPolicy.forMetadata(trace.metadata()).withStripOpIds(stripOpIds);
        boolean first = true;
        for (int i = 0; i < requests.size(); i++) {
            Request rq = requests.get(i);
            String o = pick(outs, i);
            OutputFormat fmt = fmts.get(i);
            TableRenderer renderer = fmt.renderer(unit);
            String missing = rq.report().missingData(trace);
            if (missing != null) {
                err.println("SKIPPED: " + file + " " + missing);
                err.flush();
                continue;
            }
            ResultTable table = streamed != null ? streamed.get(i)
                    : rq.report().compute(trace, new StatsContext(rq.args(), filter, naming));
            if (table.size() == 0 && !quiet) {
                err.println(rq.spec() + ": Report was successfully run, but no data was returned.");
            }
            first = emit(table, rq, renderer, o, fileSuffix(filter), first, out, err);
        }
        err.flush();
        return ExitCodes.OK;
    }

    /**
     * Several inputs, one rank each (rank = position in the sorted input list, as {@code nsys recipe} numbers
     * reports): every report prints its per-rank form and, for summaries, the combined form.
     */
    private int callRanks(List<Path> files, List<Request> requests, TimeUnitChoice unit, List<String> outs,
                          List<OutputFormat> fmts, PrintWriter out, PrintWriter err) {
        RankInputs.Loaded loaded = RankInputs.load(files, importOptions(requests, filterNvtx != null), quiet, err);
        for (Trace t : loaded.traces()) {
            reportIssues(t, err, quiet);
        }
        boolean first = true;
        for (int i = 0; i < requests.size(); i++) {
            Request rq = requests.get(i);
            TableRenderer renderer = fmts.get(i).renderer(unit);
            String o = pick(outs, i);
            List<ResultTable> tables = new ArrayList<>();
            List<Trace> usable = new ArrayList<>();
            List<Integer> usableRanks = new ArrayList<>();
            for (int r = 0; r < loaded.traces().size(); r++) {
                Trace t = loaded.traces().get(r);
                String missing = rq.report().missingData(t);
                if (missing != null) {
                    err.println("SKIPPED: " + t.metadata().sourcePath() + " " + missing);
                } else {
                    usable.add(t);
                    usableRanks.add(loaded.ranks().get(r));
                }
            }
            if (usable.isEmpty()) {
                continue;
            }
            // Filters are per rank: an NVTX range is looked up in each rank's own trace.
            List<ResultTable> perRankParts = new ArrayList<>();
            for (int r = 0; r < usable.size(); r++) {
                Trace t = usable.get(r);
                TraceFilter f = TraceFilters.build(t, filterTime, filterNvtx);
                perRankParts.add(io.proflens.analysis.stats.MultiRankStats.perRank(rq.report(), List.of(t),
                        List.of(usableRanks.get(r)), new StatsContext(rq.args(), f, null, stripOpIds)));
            }
            tables.add(concat(perRankParts));
            if (filterNvtx == null) {
                ResultTable combined = io.proflens.analysis.stats.MultiRankStats.combined(rq.report(), usable,
                        new StatsContext(rq.args(), TraceFilters.timeOnly(filterTime), null, stripOpIds));
                if (combined != null) {
                    tables.add(combined);
                }
            }
            for (int k = 0; k < tables.size(); k++) {
                ResultTable table = tables.get(k);
                first = emit(table, rq, renderer, o, k == 0 ? "_per_rank" : "", first, out, err);
            }
        }
        err.flush();
        return loaded.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /**
     * Writes one table: to the console ({@code -}) with nsys's title line for titled formats, or atomically to
     * {@code BASE_<report><suffix>.<ext>}.
     *
     * @return the new value of "first table on the console"
     */
    private boolean emit(ResultTable table, Request rq, TableRenderer renderer, String o, String suffix, boolean first,
                         PrintWriter out, PrintWriter err) {
        if (o.equals("-")) {
            try {
                if (renderer.titled()) {
                    out.print(first ? "" : "\n");
                    out.println(" ** " + table.title() + " (" + rq.spec() + "):");
                    out.println();
                } else if (!first) {
                    out.println();
                }
                renderer.render(table, out);
            } catch (IOException e) {
                throw new CliException(ExitCodes.OUTPUT, "cannot write to stdout: " + e.getMessage(), e);
            }
            out.flush();
            return false;
        }
        Path target = Path.of(o + "_" + rq.spec().replace(':', '_') + suffix + "." + renderer.extension());
        try {
            AtomicFiles.write(target, w -> renderer.render(table, w));
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, target + ": cannot write (" + e.getMessage() + ")", e);
        }
        if (!quiet) {
            err.println("Generated: " + target);
        }
        return first;
    }

    private static ResultTable concat(List<ResultTable> parts) {
        ResultTable first = parts.get(0);
        List<Object[]> rows = new ArrayList<>();
        for (ResultTable p : parts) {
            rows.addAll(p.rows());
        }
        return new ResultTable(first.reportName(), first.title(), first.columns(), rows);
    }

    private static String fileSuffix(TraceFilter f) {
        return f.isNone() ? "" : "_" + f.label().replaceAll("[^A-Za-z0-9._=-]+", "_");
    }

    private static String pick(List<String> list, int i) {
        return list.get(Math.min(i, list.size() - 1));
    }

    static List<Request> parseRequests(StatsReportRegistry registry, List<String> specs) {
        List<Request> out = new ArrayList<>();
        for (String raw : specs) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            String[] parts = s.split(":");
            StatsReport r = registry.get(parts[0]);
            if (r == null) {
                throw new CliException(ExitCodes.USAGE, "unknown report '" + parts[0] + "' (see 'proflens stats --help-reports')");
            }
            List<String> args = new ArrayList<>();
            for (String a : Arrays.asList(parts).subList(1, parts.length)) {
                String la = a.toLowerCase(Locale.ROOT);
                if (!r.acceptedArgs().contains(la)) {
                    throw new CliException(ExitCodes.USAGE, "report " + r.name() + " does not take argument '" + a + "'"
                            + (r.acceptedArgs().isEmpty() ? "" : " (accepted: " + String.join(", ", new java.util.TreeSet<>(r.acceptedArgs())) + ")"));
                }
                args.add(la);
            }
            out.add(new Request(r, args, s));
        }
        if (out.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no report given");
        }
        return out;
    }

    static ImportOptions importOptions(List<Request> requests, boolean nvtxFilter) {
        EnumSet<TableKind> tables = EnumSet.noneOf(TableKind.class);
        boolean launchConfig = false;
        for (Request r : requests) {
            tables.addAll(r.report().needs(r.args()));
            launchConfig |= r.report().needsLaunchConfig(r.args());
        }
        if (nvtxFilter) {
            tables.add(TableKind.NVTX);
        }
        return new ImportOptions(tables, launchConfig, false);
    }

    static void reportIssues(Trace trace, PrintWriter err, boolean quiet) {
        for (ImportIssue i : trace.issues()) {
            if (i.severity() != ImportIssue.Severity.INFO || !quiet) {
                err.println((i.severity() == ImportIssue.Severity.INFO ? "NOTE: " : "WARNING: ") + trace.metadata().sourcePath()
                        + ": " + i.message() + " [" + i.code() + ": " + i.count() + "]");
            }
        }
        err.flush();
    }
}
