package io.proflens.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.diff.DiffSection;
import io.proflens.analysis.diff.KernelNameNormalizer;
import io.proflens.analysis.diff.RegressionGate;
import io.proflens.analysis.diff.TraceDiff;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.CellFormatter;
import io.proflens.report.JUnitXmlWriter;
import io.proflens.report.JsonRenderer;
import io.proflens.report.OutputFormat;
import io.proflens.report.TableRenderer;
import io.proflens.report.TimeUnitChoice;
import io.proflens.rules.Diagnosis;
import io.proflens.rules.FindingsDiff;
import io.proflens.rules.RuleConfig;
import io.proflens.rules.RuleContext;
import io.proflens.rules.RuleEngine;
import io.proflens.rules.RuleRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens diff BASELINE NEW}: what changed between two runs (any supported inputs, also an nsys export
 * against a Kineto trace), per kernel, kernel category, operator, NVTX range and phase, plus the expert findings that
 * appeared or disappeared; with {@code --fail-if} a regression gate for CI (exit code {@value #GATE_FAILED}, one
 * {@code gate failed: ...} line per violated condition on stderr; {@code --junit FILE} for CI systems). The condition
 * language is documented in {@link RegressionGate}.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two runs (nsys .sqlite or Kineto .json[.gz], in any combination): per kernel, category, "
                + "operator, NVTX range and phase: counts, totals, means, delta, ratio, share change; added and removed "
                + "names; findings that appeared or disappeared. Rows sorted by absolute time change.",
                "Gate: --fail-if 'total>+5%' --fail-if 'kernel:*gemm*>+10%' exits " + DiffCommand.GATE_FAILED
                        + " when a condition holds. Metrics: total, kernel:GLOB, category:NAME, op:GLOB, nvtx:GLOB, "
                        + "phase:GLOB (mean per occurrence), count:GLOB; operators > < >= <=; values +5%, +2ms, -1.5us, "
                        + "+10 (counts)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success, every gate condition passed", "2:bad usage (option, format, section, condition)",
                "3:bad input data", "4:output cannot be written",
                DiffCommand.GATE_FAILED + ":gate failed: at least one --fail-if condition holds"})
public final class DiffCommand implements Callable<Integer> {
    /** Exit code of a violated gate (to become {@code ExitCodes.GATE_FAILED}). */
    public static final int GATE_FAILED = ExitCodes.GATE_FAILED;

    /** Value of {@code --section} for the findings diff. */
    static final String FINDINGS = "findings";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "2", paramLabel = "FILE", description = "BASELINE and NEW: nsys SQLite export, .nsys-rep or "
            + "Kineto trace (.json, .json.gz).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "column (default), table, csv, tsv, json (one document) or markdown.")
    String format = "column";

    @Option(names = "--timeunit", paramLabel = "UNIT", description = "nsec (default), usec, msec, seconds.")
    String timeunit = "nsec";

    @Option(names = {"-n", "--top"}, paramLabel = "N", description = "Rows per section (default ${DEFAULT-VALUE}).")
    int top = 20;

    @Option(names = "--all", description = "All changed rows of every section.")
    boolean all;

    @Option(names = "--section", split = ",", paramLabel = "NAME",
            description = "Sections to print, comma-separated: kernel, category, op, nvtx, phase, findings "
                    + "(default all). The summary table is always printed except for csv/tsv with sections given.")
    List<String> sections = new ArrayList<>();

    @Option(names = "--raw-names", description = "Compare names as they are (no normalization of template "
            + "arguments, sizes, addresses, _vN suffixes, PyTorch seq/op_id ids).")
    boolean rawNames;

    @Option(names = "--no-findings", description = "Skip the diagnosis of both runs (faster).")
    boolean noFindings;

    @Option(names = "--fail-if", paramLabel = "CONDITION",
            description = "Gate condition (repeatable), e.g. 'total>+5%', 'kernel:*gemm*>+10%', 'phase:ProfilerStep*>+2ms'.")
    List<String> failIf = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Write the gate conditions as JUnit XML (one "
            + "testcase per condition), atomically.")
    Path junit;

    @Option(names = "--kernel-rules", paramLabel = "FILE",
            description = "Your kernel classification rules (category<TAB>regex<TAB>why), tried before the built-in ones.")
    Path kernelRules;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no 'gate passed' lines on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputFormat fmt = format(format);
        TimeUnitChoice unit = unit(timeunit);
        if (top < 1) {
            throw new CliException(ExitCodes.USAGE, "--top must be at least 1");
        }
        Set<DiffSection> which = EnumSet.noneOf(DiffSection.class);
        boolean findings = sections.isEmpty() && !noFindings;
        for (String s : sections) {
            if (s.trim().equalsIgnoreCase(FINDINGS)) {
                findings = !noFindings;
                continue;
            }
            try {
                which.add(DiffSection.parse(s));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage().replace(", phase)", ", phase, findings)"));
            }
        }
        if (sections.isEmpty()) {
            which = EnumSet.allOf(DiffSection.class);
        }
        List<RegressionGate.Condition> conditions = new ArrayList<>();
        for (String c : failIf) {
            try {
                conditions.add(RegressionGate.parse(c));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (junit != null && conditions.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--junit needs at least one --fail-if condition");
        }
        KernelClassifier classifier = classifier(kernelRules);

        Trace a = InputOptions.read(inputs.get(0), ImportOptions.all(), quiet);
        Trace b = InputOptions.read(inputs.get(1), ImportOptions.all(), quiet);
        TraceDiff diff = TraceDiff.of(a, inputs.get(0).toString(), b, inputs.get(1).toString(), classifier,
                rawNames ? KernelNameNormalizer.IDENTITY : KernelNameNormalizer.DEFAULT);
        FindingsDiff fd = findings ? FindingsDiff.of(diagnose(a, classifier), diagnose(b, classifier)) : null;
        List<RegressionGate.Result> gate = new RegressionGate(conditions).evaluate(diff);

        List<ResultTable> tables = new ArrayList<>();
        boolean delimited = fmt.name().equals("csv") || fmt.name().equals("tsv");
        if (sections.isEmpty() || !delimited) {
            tables.add(diff.summaryTable());
        }
        for (DiffSection s : which) {
            tables.add(diff.table(s));
        }
        if (fd != null) {
            tables.add(fd.toTable());
        }
        try {
            if (fmt.name().equals("json")) {
                writeJson(out, unit, diff, tables, gate);
            } else {
                render(out, fmt.renderer(unit), tables, all ? Integer.MAX_VALUE : top, "diff_summary");
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write to stdout: " + e.getMessage(), e);
        }
        out.flush();
        if (junit != null) {
            List<JUnitXmlWriter.TestCase> cases = new ArrayList<>();
            for (RegressionGate.Result r : gate) {
                cases.add(new JUnitXmlWriter.TestCase(r.condition().text(), "proflens.diff.gate",
                        r.violated() ? r.reason() : null, r.reason()));
            }
            try {
                JUnitXmlWriter.write(junit, "proflens diff " + inputs.get(0) + " " + inputs.get(1), "gate", cases);
            } catch (IOException | UncheckedIOException e) {
                throw new CliException(ExitCodes.OUTPUT, junit + ": cannot write JUnit XML: " + e.getMessage(), e);
            }
        }
        boolean failed = RegressionGate.failed(gate);
        for (RegressionGate.Result r : gate) {
            if (r.violated() || !quiet) {
                err.println(r.reason());
            }
        }
        err.flush();
        return failed ? GATE_FAILED : ExitCodes.OK;
    }

    private static Diagnosis diagnose(Trace t, KernelClassifier classifier) {
        return Diagnosis.run(new RuleContext(t, List.of(t), classifier, RuleContext.Options.none()),
                new RuleEngine(RuleRegistry.builtIn(), RuleConfig.defaults()));
    }

    private void writeJson(PrintWriter out, TimeUnitChoice unit, TraceDiff diff, List<ResultTable> tables,
                           List<RegressionGate.Result> gate) throws IOException {
        JsonRenderer json = new JsonRenderer(new CellFormatter(unit));
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("baseline", diff.baseline().label());
            g.writeStringField("new", diff.candidate().label());
            g.writeBooleanField("rawNames", diff.rawNames());
            g.writeBooleanField("empty", diff.isEmpty());
            g.writeObjectFieldStart("tables");
            for (ResultTable t : tables) {
                g.writeFieldName(t.reportName());
                json.writeRows(g, all || t.reportName().equals("diff_summary") ? t : t.head(top));
            }
            g.writeEndObject();
            g.writeArrayFieldStart("gate");
            for (RegressionGate.Result r : gate) {
                g.writeStartObject();
                g.writeStringField("condition", r.condition().text());
                g.writeBooleanField("failed", r.violated());
                g.writeNumberField("valueA", r.valueA());
                g.writeNumberField("valueB", r.valueB());
                g.writeStringField("reason", r.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println(w);
    }

    /**
     * Prints tables one after another: a title line per table for titled formats (column, markdown), a blank line
     * between tables for csv/tsv; at most {@code top} rows per table except {@code keepWhole}, with a note on
     * titled formats when rows were left out.
     */
    static void render(PrintWriter out, TableRenderer renderer, List<ResultTable> tables, int top, String keepWhole)
            throws IOException {
        boolean first = true;
        for (ResultTable t : tables) {
            ResultTable shown = t.reportName().equals(keepWhole) ? t : t.head(top);
            if (renderer.titled()) {
                out.print(first ? "" : "\n");
                out.println(" ** " + t.title() + " (" + t.reportName() + "):");
                out.println();
                if (t.size() == 0) {
                    out.println(" (no changes)");
                    first = false;
                    continue;
                }
            } else if (!first) {
                out.println();
            }
            renderer.render(shown, out);
            if (renderer.titled() && shown.size() < t.size()) {
                out.println(" (" + shown.size() + " of " + t.size() + " rows; --all for all)");
            }
            first = false;
        }
    }

    static OutputFormat format(String f) {
        try {
            return OutputFormat.parse(f);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static TimeUnitChoice unit(String u) {
        try {
            return TimeUnitChoice.parse(u);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static KernelClassifier classifier(Path kernelRules) {
        KernelClassifier c = KernelClassifier.builtIn();
        if (kernelRules == null) {
            return c;
        }
        if (!Files.isRegularFile(kernelRules)) {
            throw new CliException(ExitCodes.USAGE, kernelRules + ": no such kernel rules file");
        }
        try {
            return KernelClassifier.fromFile(kernelRules, c);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage());
        }
    }
}
