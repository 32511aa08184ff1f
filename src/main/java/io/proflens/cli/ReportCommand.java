package io.proflens.cli;

import io.proflens.analysis.CaptureInfo;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.AtomicFiles;
import io.proflens.report.HtmlReportRenderer;
import io.proflens.rules.Diagnosis;
import io.proflens.rules.RuleConfig;
import io.proflens.rules.RuleContext;
import io.proflens.rules.RuleEngine;
import io.proflens.rules.RuleRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens report PROFILE -o report.html}: the analysis of {@code analyze} (capture, findings, analysis
 * tables, default stats) as one self-contained HTML file with charts ({@link HtmlReportRenderer}); {@code -f markdown}
 * writes {@code analyze}'s Markdown to the file instead.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the analysis as one self-contained HTML file (charts, sortable tables, findings; works "
                + "offline) or as Markdown.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE",
            description = "nsys SQLite export, .nsys-rep or Kineto JSON(.gz); several files or a directory = one rank "
                    + "each (per-rank comparison).")
    List<Path> inputs = new java.util.ArrayList<>();

    /** The single profile (first input). */
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file (report.html).")
    Path output;

    @Option(names = {"-f", "--format"}, description = "html (default) or markdown.")
    String format = "html";

    @Option(names = "--set", paramLabel = "ID.KEY=VALUE", description = "Override a rule threshold (repeatable).")
    List<String> sets = new java.util.ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--ncu", paramLabel = "CSV",
            description = "Nsight Compute CSV files (or a directory of them): kernel-efficiency findings and tables.")
    List<Path> ncu = new java.util.ArrayList<>();

    @Option(names = "--baseline", paramLabel = "FILE", description = "Also compare with a baseline run (diff tables).")
    Path baseline;

    @Override
    public Integer call() {
        String f = format.toLowerCase(Locale.ROOT);
        if (f.equals("markdown") || f.equals("md")) {
            return markdown();
        }
        if (!f.equals("html")) {
            throw new CliException(ExitCodes.USAGE, "unknown report format '" + format + "' (html or markdown)");
        }
        List<Path> files = RankInputs.expand(inputs);
        input = files.get(0);
        RuleRegistry registry = RuleRegistry.builtIn();
        RuleConfig config;
        try {
            config = RuleConfig.parse(registry, null, sets);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        io.proflens.model.ncu.NcuReport ncuReport = ncu.isEmpty() ? null : AnalyzeCommand.readNcu(ncu);
        if (files.size() > 1) {
            return ranks(files, new RuleEngine(registry, config), ncuReport);
        }
        Trace trace = InputOptions.read(input, ImportOptions.all(), quiet);
        CaptureInfo info = CaptureInfo.of(trace);
        RuleEngine engine = new RuleEngine(registry, config);
        Diagnosis diagnosis = Diagnosis.run(new RuleContext(trace, List.of(trace), KernelClassifier.builtIn(),
                RuleContext.Options.none()).withNcu(ncuReport), engine);
        if (baseline != null) {
            List<io.proflens.analysis.ResultTable> withDiff = new java.util.ArrayList<>(diagnosis.analyses());
            withDiff.addAll(BaselineComparison.tables(baseline, trace, diagnosis.findings(), engine,
                    KernelClassifier.builtIn(), quiet));
            diagnosis = new Diagnosis(diagnosis.findings(), withDiff, diagnosis.charts());
        }
        Diagnosis d = diagnosis;
        NamingPolicy naming = NamingPolicy.forMetadata(trace.metadata())
                .withStripOpIds(AnalyzeCommand.nvtxHasOpIds(trace));
        Map<String, Object> stats = AnalyzeCommand.defaultStats(trace, input, naming, false);
        try {
            AtomicFiles.write(output, w -> new HtmlReportRenderer().render(info, d.findings(), d.analyses(), d.charts(),
                    stats, w));
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, output + ": cannot write: " + e.getMessage(), e);
        }
        if (!quiet) {
            spec.commandLine().getErr().println("wrote " + output);
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }

    /**
     * Several ranks: findings merged over ranks, a {@code rank_comparison} table (one row per rank: span, kernels,
     * kernel time, GPU busy, problem findings), per-rank kernel categories, GPU utilization over time of every rank's
     * GPUs in one chart, and the default stats per rank and combined.
     */
    private int ranks(List<Path> files, RuleEngine engine, io.proflens.model.ncu.NcuReport ncuReport) {
        RankInputs.Loaded loaded = RankInputs.load(files, ImportOptions.all(), quiet, spec.commandLine().getErr());
        if (loaded.traces().isEmpty()) {
            throw new CliException(ExitCodes.INPUT, "none of the " + files.size() + " inputs could be read");
        }
        KernelClassifier classifier = KernelClassifier.builtIn();
        RuleContext first = new RuleContext(loaded.traces().get(0), loaded.traces(), classifier, RuleContext.Options.none());
        java.util.concurrent.ExecutorService pool = Diagnosis.newPool(Runtime.getRuntime().availableProcessors());
        List<io.proflens.analysis.ResultTable> analyses = new java.util.ArrayList<>();
        List<io.proflens.analysis.ResultTable> charts = new java.util.ArrayList<>();
        List<List<io.proflens.rules.Finding>> perRank = new java.util.ArrayList<>();
        List<Object[]> cmp = new java.util.ArrayList<>();
        try {
            for (int r = 0; r < loaded.traces().size(); r++) {
                Trace t = loaded.traces().get(r);
                int rank = loaded.ranks().get(r);
                RuleContext ctx = first.forRank(t).withNcu(ncuReport);
                Diagnosis d = Diagnosis.run(ctx, engine, pool);
                perRank.add(d.findings());
                CaptureInfo info = CaptureInfo.of(t);
                long busy = 0;
                long span = 0;
                if (ctx.hasGpuWork()) {
                    for (var dev : ctx.gpuUtilization().devices()) {
                        busy += dev.busyNs();
                        span += dev.spanNs();
                    }
                }
                var cats = t.kernels().size() > 0 ? ctx.categoryBreakdown() : null;
                cmp.add(new Object[] {(long) rank, t.metadata().sourcePath(),
                        info.spanStartNs() == null ? null : info.spanEndNs() - info.spanStartNs(),
                        (long) t.kernels().size(), cats == null ? 0L : cats.totalKernelNs(), busy,
                        span == 0 ? null : 100.0 * busy / span,
                        cats == null || cats.topKernels().isEmpty() ? "" : cats.topKernels().get(0).name(),
                        d.findings().stream().filter(f -> f.severity().isProblem()).count()});
                for (io.proflens.analysis.ResultTable tab : d.analyses()) {
                    if (tab.reportName().equals("kernel_categories") || tab.reportName().equals("gpu_time_breakdown")) {
                        analyses.add(new io.proflens.analysis.ResultTable(tab.reportName() + "_rank" + rank,
                                "Rank " + rank + ": " + tab.title(), tab.columns(), tab.rows()));
                    }
                }
                for (io.proflens.analysis.ResultTable c : d.charts()) {
                    // one chart table per name for all ranks: series labelled "rank N pid P GPU D"
                    List<Object[]> rows = new java.util.ArrayList<>();
                    int at = -1;
                    for (int i = 0; i < charts.size(); i++) {
                        if (charts.get(i).reportName().equals(c.reportName())) {
                            at = i;
                            rows.addAll(charts.get(i).rows());
                        }
                    }
                    for (Object[] row : c.rows()) {
                        Object[] copy = row.clone();
                        copy[0] = "rank " + rank + " " + copy[0];
                        rows.add(copy);
                    }
                    io.proflens.analysis.ResultTable merged = new io.proflens.analysis.ResultTable(c.reportName(),
                            c.title(), c.columns(), rows);
                    if (at >= 0) {
                        charts.set(at, merged);
                    } else {
                        charts.add(merged);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        analyses.add(0, new io.proflens.analysis.ResultTable("rank_comparison", "Ranks Side by Side", List.of(
                new io.proflens.analysis.ResultTable.Column("Rank", io.proflens.analysis.ResultTable.Kind.INTEGER),
                new io.proflens.analysis.ResultTable.Column("File", io.proflens.analysis.ResultTable.Kind.TEXT),
                new io.proflens.analysis.ResultTable.Column("Span", io.proflens.analysis.ResultTable.Kind.DURATION),
                new io.proflens.analysis.ResultTable.Column("Kernels", io.proflens.analysis.ResultTable.Kind.INTEGER),
                new io.proflens.analysis.ResultTable.Column("Kernel Time", io.proflens.analysis.ResultTable.Kind.DURATION),
                new io.proflens.analysis.ResultTable.Column("GPU Busy", io.proflens.analysis.ResultTable.Kind.DURATION),
                new io.proflens.analysis.ResultTable.Column("GPU Busy", io.proflens.analysis.ResultTable.Kind.PERCENT),
                new io.proflens.analysis.ResultTable.Column("Top Kernel", io.proflens.analysis.ResultTable.Kind.TEXT),
                new io.proflens.analysis.ResultTable.Column("Problem Findings", io.proflens.analysis.ResultTable.Kind.INTEGER)),
                cmp));
        List<io.proflens.rules.Finding> merged = io.proflens.rules.RankFindings.merge(perRank, loaded.ranks());
        Map<String, Object> stats = new java.util.LinkedHashMap<>();
        io.proflens.analysis.stats.StatsReportRegistry reg = new io.proflens.analysis.stats.StatsReportRegistry();
        for (String name : io.proflens.analysis.stats.StatsReportRegistry.DEFAULT_SET) {
            var rep = reg.get(name);
            List<Trace> usable = new java.util.ArrayList<>();
            List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < loaded.traces().size(); i++) {
                if (rep.missingData(loaded.traces().get(i)) == null) {
                    usable.add(loaded.traces().get(i));
                    ids.add(loaded.ranks().get(i));
                }
            }
            if (usable.isEmpty()) {
                stats.put(name, "none of the ranks has this data");
                continue;
            }
            var sctx = new io.proflens.analysis.stats.StatsContext(List.of(),
                    io.proflens.analysis.stats.TraceFilter.NONE, null, true);
            stats.put(name + "_per_rank", io.proflens.analysis.stats.MultiRankStats.perRank(rep, usable, ids, sctx));
            var combined = io.proflens.analysis.stats.MultiRankStats.combined(rep, usable, sctx);
            if (combined != null) {
                stats.put(name, combined);
            }
        }
        CaptureInfo info = CaptureInfo.of(loaded.traces().get(0));
        try {
            AtomicFiles.write(output, w -> new HtmlReportRenderer().render(info, merged, analyses, charts, stats, w));
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, output + ": cannot write: " + e.getMessage(), e);
        }
        if (!quiet) {
            spec.commandLine().getErr().println("wrote " + output + " (" + loaded.traces().size() + " ranks)");
            spec.commandLine().getErr().flush();
        }
        return loaded.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /** {@code analyze -f markdown --all} into the file. */
    private int markdown() {
        java.io.StringWriter buf = new java.io.StringWriter();
        picocli.CommandLine cl = ProflensCli.commandLine();
        cl.setOut(new java.io.PrintWriter(buf, true));
        cl.setErr(spec.commandLine().getErr());
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "-f", "markdown", "--all", "-q"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        for (Path p : inputs) {
            args.add(p.toString());
        }
        int code = cl.execute(args.toArray(String[]::new));
        if (code != ExitCodes.OK) {
            return code;
        }
        try {
            AtomicFiles.write(output, w -> w.write(buf.toString()));
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, output + ": cannot write: " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }
}
