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

    @Parameters(index = "0", paramLabel = "PROFILE", description = "nsys SQLite export, .nsys-rep or Kineto JSON(.gz).")
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
        args.add(input.toString());
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
