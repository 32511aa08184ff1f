package io.proflens.cli;

import io.proflens.analysis.CaptureInfo;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.StreamableReport;
import io.proflens.analysis.stats.StreamingStats;
import io.proflens.model.TableKind;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.demo.DemoProfileWriter;
import io.proflens.demo.DemoSpec;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.CaptureSummary;
import io.proflens.report.OutputFormat;
import io.proflens.report.TableRenderer;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens analyze [FILE]}: the main job. Capture summary (producer, version, span, processes,
 * threads, GPUs, rows per table, import issues) followed by nsys's default stats reports, top N rows each.
 * Without FILE it runs on the built-in SYNTHETIC demo profile.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Diagnose a profile: capture summary, expert findings with evidence and recommendations, the "
                + "analysis tables and the default stats reports. Without FILE: the built-in SYNTHETIC demo profile.")
public final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "nsys SQLite export or .nsys-rep; none = demo; several files or a directory = one rank each.")
    List<Path> inputs = new java.util.ArrayList<>();

    @Option(names = {"-n", "--top"}, description = "Rows per report (default ${DEFAULT-VALUE}).")
    int top = 10;

    @Option(names = "--all", description = "All rows of every report.")
    boolean all;

    @Option(names = {"-f", "--format"}, description = "column (default), markdown or json.")
    String format = "column";

    @Option(names = "--timeunit", description = "nsec (default), usec, msec, seconds.")
    String timeunit = "nsec";

    @Option(names = "--nvtx-keep-op-ids", description = "Keep PyTorch emit_nvtx op ids in NVTX range names (one row per call, as nsys prints).")
    boolean keepOpIds;

    @Option(names = "--stream", description = "Stream the tables (constant memory per row); automatic for files over 1 GiB. "
            + "Skips the launch-correlation checks, which need stored rows.")
    boolean stream;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--set", paramLabel = "ID.KEY=VALUE",
            description = "Override a rule threshold (repeatable), e.g. --set gpu.low-utilization.minUtilizationPct=70; "
                    + "ID.enabled=false switches a rule off. 'proflens rules' lists them.")
    List<String> sets = new java.util.ArrayList<>();

    @Option(names = "--rules-config", paramLabel = "FILE",
            description = "File of ID.KEY=VALUE lines (# comments), applied before --set.")
    Path rulesConfig;

    @Option(names = "--kernel-rules", paramLabel = "FILE",
            description = "Your kernel classification rules (category<TAB>regex<TAB>why), tried before the built-in ones.")
    Path kernelRules;

    @Option(names = "--tokens-per-step", paramLabel = "N",
            description = "Tokens processed per iteration: adds throughput (tokens/s) to the phase analysis.")
    Long tokensPerStep;

    @Option(names = "--ncu", paramLabel = "CSV",
            description = "Nsight Compute CSV file (repeatable; ncu --csv: details or raw page, or per-section files; a directory "
                    + "= all its *.csv): adds the kernel-efficiency findings and the ncu_kernels table.")
    List<Path> ncu = new java.util.ArrayList<>();

    @Option(names = "--step-range", paramLabel = "NAME",
            description = "NVTX/annotation range that is one step for the step anatomy (default: ProfilerStep#N or the "
                    + "main repeating iteration).")
    String stepRange;

    @Option(names = "--operator-rules", paramLabel = "FILE",
            description = "Your kernel → operator rules (operator<TAB>regex[<TAB>why]), tried before the built-in ones.")
    Path operatorRules;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "Also compare with a baseline run (as 'proflens diff FILE PROFILE'): changed kernels, "
                    + "categories, operators, NVTX ranges, phases and findings.")
    Path baseline;

    @Option(names = "--no-stats", description = "Only the capture summary, findings and analyses; no stats reports.")
    boolean noStats;

    @Option(names = "--no-findings", description = "Skip the diagnosis (findings and analyses): summary and stats only.")
    boolean noFindings;


    /**
     * Several ranks: one summary line per rank, then each default report per rank (top rows of each rank) and
     * combined over all ranks.
     */
    private int analyzeRanks(List<Path> files, OutputFormat fmt, TimeUnitChoice unit, PrintWriter out, PrintWriter err,
            io.proflens.rules.RuleEngine engine, io.proflens.analysis.classify.KernelClassifier classifier,
            io.proflens.rules.RuleContext.Options ctxOptions, io.proflens.model.ncu.NcuReport ncuReport) {
        RankInputs.Loaded loaded = RankInputs.load(files, ImportOptions.all(), quiet, err);
        List<io.proflens.rules.Finding> merged = List.of();
        if (!noFindings && !loaded.traces().isEmpty()) {
            // one context per rank; cross-rank results (load balance) are computed once for the job
            io.proflens.rules.RuleContext first = new io.proflens.rules.RuleContext(loaded.traces().get(0),
                    loaded.traces(), classifier, ctxOptions);
            java.util.concurrent.ExecutorService pool = io.proflens.rules.Diagnosis.newPool(
                    Runtime.getRuntime().availableProcessors());
            try {
                List<List<io.proflens.rules.Finding>> perRank = new java.util.ArrayList<>();
                for (Trace t : loaded.traces()) {
                    perRank.add(engine.run(first.forRank(t).withNcu(ncuReport), pool));
                }
                merged = io.proflens.rules.RankFindings.merge(perRank, loaded.ranks());
            } finally {
                pool.shutdownNow();
            }
        }
        if (fmt.name().equals("json")) {
            return ranksJson(loaded, merged, unit, out);
        }
        boolean md = fmt.name().equals("markdown");
        out.println(md ? "# proflens analysis — " + loaded.traces().size() + " ranks\n"
                : "proflens analysis: " + loaded.traces().size() + " ranks");
        for (int r = 0; r < loaded.traces().size(); r++) {
            CaptureInfo info = CaptureInfo.of(loaded.traces().get(r));
            String span = info.spanStartNs() == null ? "no events"
                    : new java.math.BigDecimal(info.spanEndNs() - info.spanStartNs()).movePointLeft(6).toPlainString() + " ms";
            out.println((md ? "- " : "  ") + "rank " + loaded.ranks().get(r) + ": " + info.metadata().sourcePath() + " ("
                    + info.metadata().producer() + (info.metadata().producerVersion() == null ? "" : " "
                    + info.metadata().producerVersion()) + "; " + span + "; rows " + info.rowCounts() + "; "
                    + info.issues().size() + " import issue(s))");
        }
        for (String f : loaded.failed()) {
            out.println((md ? "- " : "  ") + "not analysed: " + ProflensCli.oneLine(f));
        }
        TableRenderer renderer = fmt.renderer(unit);
        StatsReportRegistry registry = new StatsReportRegistry();
        try {
            if (!noFindings && !loaded.traces().isEmpty()) {
                out.println();
                io.proflens.report.FindingsRenderer.render(merged, out, md);
            }
            for (String name : noStats ? List.<String>of() : StatsReportRegistry.DEFAULT_SET) {
                StatsReport r = registry.get(name);
                List<Trace> usable = new java.util.ArrayList<>();
                List<Integer> ranks = new java.util.ArrayList<>();
                for (int i = 0; i < loaded.traces().size(); i++) {
                    if (r.missingData(loaded.traces().get(i)) == null) {
                        usable.add(loaded.traces().get(i));
                        ranks.add(loaded.ranks().get(i));
                    }
                }
                out.println();
                if (usable.isEmpty()) {
                    out.println((md ? "## " : " ** ") + r.title() + " (" + name + ")" + (md ? "\n" : ":\n")
                            + "\nSKIPPED: none of the " + loaded.traces().size() + " ranks has this data (each "
                            + r.missingData(loaded.traces().get(0)).replace("does not contain", "lacks") + ")");
                    continue;
                }
                StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, null, !keepOpIds);
                ResultTable perRank = io.proflens.analysis.stats.MultiRankStats.perRank(r, usable, ranks, ctx);
                ResultTable combined = io.proflens.analysis.stats.MultiRankStats.combined(r, usable, ctx);
                for (ResultTable t : new ResultTable[] {perRank, combined}) {
                    if (t == null) {
                        continue;
                    }
                    ResultTable shown = all ? t : (t == perRank ? topPerRank(t, top) : t.head(top));
                    out.println((md ? "## " : " ** ") + t.title() + " (" + name + ")" + (md ? "\n" : ":\n"));
                    renderer.render(shown, out);
                    if (shown.size() < t.size()) {
                        out.println((md ? "\n" : "") + " (" + shown.size() + " of " + t.size() + " rows; --all for all)");
                    }
                    out.println();
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write output: " + e.getMessage(), e);
        }
        out.flush();
        return loaded.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /**
     * Several ranks as one JSON document: {@code ranks} (rank id and capture of each), {@code findings} (merged over
     * ranks), {@code stats} (per report: {@code perRank} and {@code combined} rows, or {@code skipped}).
     */
    private int ranksJson(RankInputs.Loaded loaded, List<io.proflens.rules.Finding> merged, TimeUnitChoice unit,
            PrintWriter out) {
        List<CaptureInfo> infos = new java.util.ArrayList<>();
        for (Trace t : loaded.traces()) {
            infos.add(CaptureInfo.of(t));
        }
        java.util.Map<String, Object> stats = new java.util.LinkedHashMap<>();
        StatsReportRegistry registry = new StatsReportRegistry();
        for (String name : noStats ? List.<String>of() : StatsReportRegistry.DEFAULT_SET) {
            StatsReport r = registry.get(name);
            List<Trace> usable = new java.util.ArrayList<>();
            List<Integer> ranks = new java.util.ArrayList<>();
            for (int i = 0; i < loaded.traces().size(); i++) {
                if (r.missingData(loaded.traces().get(i)) == null) {
                    usable.add(loaded.traces().get(i));
                    ranks.add(loaded.ranks().get(i));
                }
            }
            if (usable.isEmpty()) {
                stats.put(name, "none of the " + loaded.traces().size() + " ranks has this data");
                continue;
            }
            StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, null, !keepOpIds);
            stats.put(name + "_per_rank", io.proflens.analysis.stats.MultiRankStats.perRank(r, usable, ranks, ctx));
            ResultTable combined = io.proflens.analysis.stats.MultiRankStats.combined(r, usable, ctx);
            if (combined != null) {
                stats.put(name, combined);
            }
        }
        try {
            new io.proflens.report.AnalysisJsonRenderer(new io.proflens.report.CellFormatter(unit)).renderRanks(
                    loaded.ranks(), infos, loaded.failed(), merged, stats, out);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write output: " + e.getMessage(), e);
        }
        return loaded.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /**
     * nsys's default stats reports computed on a stored trace.
     *
     * @return report name → table, or → the SKIPPED reason (input path + missing data); insertion order = nsys order
     */
    static java.util.Map<String, Object> defaultStats(Trace trace, Path input, NamingPolicy naming, boolean none) {
        StatsReportRegistry registry = new StatsReportRegistry();
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String name : none ? List.<String>of() : StatsReportRegistry.DEFAULT_SET) {
            StatsReport r = registry.get(name);
            String missing = r.missingData(trace);
            m.put(name, missing != null ? input + " " + missing
                    : r.compute(trace, new StatsContext(List.of(), TraceFilter.NONE, naming)));
        }
        return m;
    }

    /** The default reports of a streamed trace, from the tables the stream computed. */
    private java.util.Map<String, Object> streamedStats(Trace trace, Path input, java.util.Map<String, ResultTable> tables) {
        StatsReportRegistry registry = new StatsReportRegistry();
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String name : noStats ? List.<String>of() : StatsReportRegistry.DEFAULT_SET) {
            String missing = registry.get(name).missingData(trace);
            m.put(name, missing != null ? input + " " + missing : tables.get(name));
        }
        return m;
    }

    /** @return whether the stored trace's NVTX names carry PyTorch emit_nvtx call ids */
    static boolean nvtxHasOpIds(Trace trace) {
        return hasOpIds(trace);
    }

    /** The first {@code n} rows of each rank of a per-rank table (rows are grouped by rank, column 0). */
    private static ResultTable topPerRank(ResultTable t, int n) {
        List<Object[]> rows = new java.util.ArrayList<>();
        Object rank = null;
        int k = 0;
        for (Object[] row : t.rows()) {
            if (!row[0].equals(rank)) {
                rank = row[0];
                k = 0;
            }
            if (k++ < n) {
                rows.add(row);
            }
        }
        return new ResultTable(t.reportName(), t.title(), t.columns(), rows);
    }

    /** Inputs larger than this are streamed. */
    static final long STREAM_THRESHOLD_BYTES = 1L << 30;

    /** Streaming: NVTX rows are not stored, so look at every interned string (kernel names never match). */
    private static boolean anyOpIds(Trace trace) {
        for (int id = 0; id < trace.strings().size(); id++) {
            if (NamingPolicy.hasOpIds(trace.string(id))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOpIds(Trace trace) {
        io.proflens.model.NvtxTable t = trace.nvtx();
        java.util.BitSet seen = new java.util.BitSet();
        for (int i = 0; i < t.size(); i++) {
            int id = t.textId(i);
            if (id >= 0 && !seen.get(id)) {
                seen.set(id);
                if (NamingPolicy.hasOpIds(trace.string(id))) {
                    return true;
                }
            }
        }
        return false;
    }

    private io.proflens.rules.RuleConfig ruleConfig(io.proflens.rules.RuleRegistry registry) {
        if (rulesConfig != null && !Files.isRegularFile(rulesConfig)) {
            throw new CliException(ExitCodes.USAGE, rulesConfig + ": no such rules config file");
        }
        try {
            return io.proflens.rules.RuleConfig.parse(registry, rulesConfig, sets);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, rulesConfig + ": cannot read: " + e.getMessage());
        }
    }

    /** @return the merged ncu report of --ncu (files or directories of *.csv), or null without --ncu */
    private io.proflens.model.ncu.NcuReport ncuReport() {
        return ncu.isEmpty() ? null : readNcu(ncu);
    }

    /** @return the merged ncu report of these files or directories of *.csv (exit 3 on a bad file) */
    static io.proflens.model.ncu.NcuReport readNcu(List<Path> ncu) {
        List<Path> files = new java.util.ArrayList<>();
        for (Path p : ncu) {
            if (Files.isDirectory(p)) {
                try (java.util.stream.Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.INPUT, p + ": cannot list: " + e.getMessage());
                }
            } else {
                files.add(p);
            }
        }
        if (files.isEmpty()) {
            throw new CliException(ExitCodes.INPUT, ncu + ": no *.csv file");
        }
        try {
            return io.proflens.ingest.ncu.NcuCsvReader.read(files);
        } catch (io.proflens.ingest.ImportException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage());
        }
    }

    private io.proflens.analysis.anatomy.AnatomyOptions anatomyOptions() {
        io.proflens.analysis.anatomy.AnatomyOptions o = io.proflens.analysis.anatomy.AnatomyOptions.defaults();
        if (stepRange != null) {
            o = o.withStepRange(stepRange);
        }
        if (operatorRules != null) {
            if (!Files.isRegularFile(operatorRules)) {
                throw new CliException(ExitCodes.USAGE, operatorRules + ": no such operator rules file");
            }
            try {
                o = o.withMapping(io.proflens.analysis.anatomy.OperatorMapping.fromFile(operatorRules,
                        io.proflens.analysis.anatomy.OperatorMapping.builtIn()));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            } catch (java.io.UncheckedIOException e) {
                throw new CliException(ExitCodes.INPUT, operatorRules + ": cannot read: " + e.getMessage());
            }
        }
        return o;
    }

    private io.proflens.analysis.classify.KernelClassifier classifier() {
        io.proflens.analysis.classify.KernelClassifier c = io.proflens.analysis.classify.KernelClassifier.builtIn();
        if (kernelRules == null) {
            return c;
        }
        if (!Files.isRegularFile(kernelRules)) {
            throw new CliException(ExitCodes.USAGE, kernelRules + ": no such kernel rules file");
        }
        try {
            return io.proflens.analysis.classify.KernelClassifier.fromFile(kernelRules, c);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage());
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (top < 1) {
            throw new CliException(ExitCodes.USAGE, "--top must be at least 1");
        }
        OutputFormat fmt;
        TimeUnitChoice unit;
        try {
            fmt = OutputFormat.parse(format);
            unit = TimeUnitChoice.parse(timeunit);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        if (!fmt.name().equals("column") && !fmt.name().equals("markdown") && !fmt.name().equals("json")) {
            throw new CliException(ExitCodes.USAGE, "analyze prints column, markdown or json; use 'proflens stats -f "
                    + fmt.name() + "' for single tables");
        }
        if (tokensPerStep != null && tokensPerStep <= 0) {
            throw new CliException(ExitCodes.USAGE, "--tokens-per-step must be positive");
        }
        io.proflens.rules.RuleRegistry ruleRegistry = io.proflens.rules.RuleRegistry.builtIn();
        io.proflens.rules.RuleConfig ruleConfig = ruleConfig(ruleRegistry);
        io.proflens.analysis.classify.KernelClassifier classifier = classifier();
        io.proflens.model.ncu.NcuReport ncuReport = ncuReport();
        io.proflens.rules.RuleContext.Options ctxOptions = new io.proflens.rules.RuleContext.Options(tokensPerStep,
                anatomyOptions());
        List<Path> files = inputs.isEmpty() ? List.of() : RankInputs.expand(inputs);
        if (files.size() > 1) {
            return analyzeRanks(files, fmt, unit, out, err, new io.proflens.rules.RuleEngine(ruleRegistry, ruleConfig), classifier,
                    ctxOptions, ncuReport);
        }
        Path input = files.isEmpty() ? null : files.get(0);
        Path demoDir = null;
        try {
            if (input == null) {
                demoDir = Files.createTempDirectory("proflens-demo");
                input = demoDir.resolve("proflens-demo-SYNTHETIC.sqlite");
                DemoProfileWriter.write(input, DemoSpec.defaults());
                err.println("No FILE given: analysing the built-in SYNTHETIC demo profile (MoE decode, "
                        + DemoSpec.defaults().describe() + "). Run 'proflens analyze FILE' on your own nsys export.");
                err.flush();
            }
            boolean md = fmt.name().equals("markdown");
            boolean json = fmt.name().equals("json");
            StatsReportRegistry registry = new StatsReportRegistry();
            // stored rows take about 0.8× the export's size (measured: 5.5 GB export with 10M kernels and 49M NVTX
            // ranges); stream when they would not fit in the heap
            // (a missing or unreadable input counts as small: the reader below reports it as an input error)
            long inputBytes = Files.isRegularFile(input) ? Files.size(input) : 0;
            boolean streaming = stream || (inputBytes > STREAM_THRESHOLD_BYTES
                    && inputBytes > Runtime.getRuntime().maxMemory() / 10 * 9);
            Trace trace;
            CaptureInfo info;
            boolean strip;
            java.util.Map<String, ResultTable> tables = new java.util.HashMap<>();
            if (streaming) {
                // Large input: one scan per table feeds the capture summary and every report; nothing stored.
                CaptureInfo.Collector collector = new CaptureInfo.Collector();
                List<StreamableReport> reps = new java.util.ArrayList<>();
                List<StatsContext> ctxs = new java.util.ArrayList<>();
                for (String name : StatsReportRegistry.DEFAULT_SET) {
                    reps.add((StreamableReport) registry.get(name));
                    ctxs.add(new StatsContext(List.of(), TraceFilter.NONE, null, !keepOpIds));
                }
                StreamingStats ss = new StreamingStats(reps, ctxs);
                trace = InputOptions.read(input, new ImportOptions(java.util.EnumSet.of(TableKind.SYNC), false, false),
                        quiet, StreamingStats.tee(List.of(collector.sinks(), ss.sinks())));
                for (int i = 0; i < trace.syncs().size(); i++) {
                    collector.sync(trace.syncs().startNs(i), trace.syncs().endNs(i), trace.syncs().globalPid(i),
                            trace.syncs().deviceId(i));
                }
                info = collector.finish(trace);
                List<ResultTable> results = ss.finish(trace);
                for (int i = 0; i < reps.size(); i++) {
                    tables.put(reps.get(i).name(), results.get(i));
                }
                strip = !keepOpIds && anyOpIds(trace);
            } else {
                trace = InputOptions.read(input, ImportOptions.all(), quiet);
                info = CaptureInfo.of(trace);
                // One row per operator rather than per call: emit_nvtx names carry per-call ids (nsys keeps them).
                strip = !keepOpIds && hasOpIds(trace);
            }
            NamingPolicy naming = NamingPolicy.forMetadata(trace.metadata()).withStripOpIds(strip);
            // the stats reports are computed on their own thread while the analyses and rules run on the pool
            Trace tr = trace;
            java.util.Map<String, ResultTable> streamed = tables;
            boolean isStreaming = streaming;
            Path in = input;
            java.util.concurrent.FutureTask<java.util.Map<String, Object>> statsTask = new java.util.concurrent.FutureTask<>(
                    () -> isStreaming ? streamedStats(tr, in, streamed) : defaultStats(tr, in, naming, noStats));
            Thread statsThread = new Thread(statsTask, "proflens-stats");
            statsThread.setDaemon(true);
            statsThread.start();
            io.proflens.rules.Diagnosis diagnosis = null;
            if (!streaming && !noFindings) {
                io.proflens.rules.RuleContext ctx = new io.proflens.rules.RuleContext(trace, List.of(trace), classifier,
                        ctxOptions).withNcu(ncuReport);
                io.proflens.rules.RuleEngine engine = new io.proflens.rules.RuleEngine(ruleRegistry, ruleConfig);
                diagnosis = io.proflens.rules.Diagnosis.run(ctx, engine);
                if (baseline != null) {
                    List<ResultTable> withDiff = new java.util.ArrayList<>(diagnosis.analyses());
                    withDiff.addAll(BaselineComparison.tables(baseline, trace, diagnosis.findings(), engine, classifier,
                            quiet));
                    diagnosis = new io.proflens.rules.Diagnosis(diagnosis.findings(), withDiff, diagnosis.charts());
                }
            }
            java.util.Map<String, Object> stats;
            try {
                stats = statsTask.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.INTERNAL, "interrupted");
            }
            if (json) {
                new io.proflens.report.AnalysisJsonRenderer(new io.proflens.report.CellFormatter(unit)).render(info,
                        diagnosis == null ? List.of() : diagnosis.findings(),
                        diagnosis == null ? List.of() : diagnosis.analyses(), stats, out);
                return ExitCodes.OK;
            }
            new CaptureSummary(info).render(out, md);
            if (streaming) {
                out.println((md ? "\n" : "  ") + "Streamed (--stream, or the input is too large for the heap): "
                        + "findings, analyses and launch-correlation checks skipped. Give the JVM more heap "
                        + "(JAVA_OPTS=-Xmx...) for the full diagnosis.");
            }
            TableRenderer renderer = fmt.renderer(unit);
            if (diagnosis != null) {
                out.println();
                io.proflens.report.FindingsRenderer.render(diagnosis.findings(), out, md);
                for (ResultTable t : diagnosis.analyses()) {
                    out.println();
                    out.println(md ? "## " + t.title() + " (" + t.reportName() + ")\n" : " ** " + t.title() + " ("
                            + t.reportName() + "):\n");
                    if (t.size() == 0) {
                        out.println("No data.");
                        continue;
                    }
                    ResultTable shown = all ? t : t.head(top);
                    renderer.render(shown, out);
                    if (shown.size() < t.size()) {
                        out.println((md ? "\n" : "") + " (" + shown.size() + " of " + t.size() + " rows; --all for all)");
                    }
                }
            }
            for (java.util.Map.Entry<String, Object> e : stats.entrySet()) {
                StatsReport r = registry.get(e.getKey());
                out.println();
                String heading = r.title() + " (" + e.getKey() + ")";
                if (!(e.getValue() instanceof ResultTable t)) {
                    out.println(md ? "## " + heading + "\n\nSKIPPED: " + e.getValue()
                            : " ** " + heading + ":\n\nSKIPPED: " + e.getValue());
                    continue;
                }
                ResultTable shown = all ? t : t.head(top);
                out.println(md ? "## " + heading + "\n" : " ** " + heading + ":\n");
                if (strip && r.needs(List.of()).contains(io.proflens.model.TableKind.NVTX)) {
                    out.println((md ? "" : " ") + "(PyTorch ', seq = N' / ', op_id = N' call ids stripped from range names; "
                            + "--nvtx-keep-op-ids or 'proflens stats' for nsys's per-call rows)\n");
                }
                if (t.size() == 0) {
                    out.println("Report was successfully run, but no data was returned.");
                    continue;
                }
                renderer.render(shown, out);
                if (shown.size() < t.size()) {
                    out.println((md ? "\n" : "") + " (" + shown.size() + " of " + t.size() + " rows; --all for all)");
                }
            }
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write output: " + e.getMessage(), e);
        } finally {
            if (demoDir != null) {
                try {
                    Files.deleteIfExists(input);
                    Files.deleteIfExists(demoDir);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
