package io.proflens.cli;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.diff.DiffSection;
import io.proflens.analysis.diff.KernelNameNormalizer;
import io.proflens.analysis.diff.RunSummary;
import io.proflens.analysis.diff.ScalingSeries;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.OutputFormat;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens scaling A B C... --param seq=4096,6144,8192}: how kernel, category and operator times scale over a
 * series of runs with a numeric parameter: time per run, ratio between consecutive runs next to the parameter ratio,
 * the fitted exponent of {@code time ∝ param^k}, and a flag where a kernel scales worse than its expected complexity
 * (see {@link ScalingSeries}).
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = {"How kernel, category and operator times scale over runs that differ in one numeric parameter: "
                + "time per run, time ratio between consecutive runs next to the parameter ratio, fitted exponent k of "
                + "time ~ param^k, and a flag where k exceeds the expected complexity of the kernel's category "
                + "(prefill: attention 2, GEMM and the rest 1, optimizer 0; decode: attention 1, the rest 0)."})
public final class ScalingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "FILE", description = "Runs in parameter order (nsys .sqlite or Kineto "
            + ".json[.gz]).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--param", required = true, paramLabel = "NAME=V1,V2,...",
            description = "Parameter name and one positive value per FILE, e.g. seq=4096,6144,8192.")
    String param;

    @Option(names = "--mode", paramLabel = "MODE", description = "prefill (default: the parameter is tokens processed "
            + "at once) or decode (the parameter is the context length of one-token steps).")
    String mode = "prefill";

    @Option(names = "--expect", split = ",", paramLabel = "CATEGORY=K",
            description = "Expected exponent of a kernel category, overriding the mode's default (repeatable), e.g. "
                    + "attention=1.")
    List<String> expect = new ArrayList<>();

    @Option(names = "--tolerance", paramLabel = "X",
            description = "Flag a key when its exponent exceeds the expected one by more than X (default ${DEFAULT-VALUE}).")
    double tolerance = ScalingSeries.DEFAULT_TOLERANCE;

    @Option(names = "--section", split = ",", paramLabel = "NAME",
            description = "kernel, category, op (default all three).")
    List<String> sections = new ArrayList<>();

    @Option(names = "--raw-names", description = "Match names as they are (no normalization).")
    boolean rawNames;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "column (default), table, csv, tsv, json or markdown.")
    String format = "column";

    @Option(names = "--timeunit", paramLabel = "UNIT", description = "nsec (default), usec, msec, seconds.")
    String timeunit = "nsec";

    @Option(names = {"-n", "--top"}, paramLabel = "N", description = "Rows per section (default ${DEFAULT-VALUE}).")
    int top = 20;

    @Option(names = "--all", description = "All rows.")
    boolean all;

    @Option(names = "--kernel-rules", paramLabel = "FILE",
            description = "Your kernel classification rules (category<TAB>regex<TAB>why), tried before the built-in ones.")
    Path kernelRules;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat fmt = DiffCommand.format(format);
        TimeUnitChoice unit = DiffCommand.unit(timeunit);
        if (top < 1) {
            throw new CliException(ExitCodes.USAGE, "--top must be at least 1");
        }
        int eq = param.indexOf('=');
        if (eq <= 0) {
            throw new CliException(ExitCodes.USAGE, "--param must be NAME=V1,V2,... (e.g. seq=4096,6144,8192): " + param);
        }
        String name = param.substring(0, eq).trim();
        List<Double> values = new ArrayList<>();
        for (String v : param.substring(eq + 1).split(",", -1)) {
            try {
                values.add(Double.parseDouble(v.trim()));
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "--param " + name + ": '" + v.trim() + "' is not a number");
            }
        }
        if (values.size() != inputs.size()) {
            throw new CliException(ExitCodes.USAGE, "--param " + name + " has " + values.size() + " values for "
                    + inputs.size() + " files");
        }
        ScalingSeries.Options options;
        try {
            Map<KernelCategory, Double> exp = new EnumMap<>(KernelCategory.class);
            for (String e : expect) {
                int i = e.indexOf('=');
                KernelCategory c = i <= 0 ? null : category(e.substring(0, i).trim());
                if (c == null) {
                    throw new IllegalArgumentException("--expect needs CATEGORY=K with a kernel category: " + e);
                }
                try {
                    exp.put(c, Double.parseDouble(e.substring(i + 1).trim()));
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("--expect " + e + ": '" + e.substring(i + 1).trim()
                            + "' is not a number");
                }
            }
            options = new ScalingSeries.Options(ScalingSeries.Mode.parse(mode), exp, tolerance);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        Set<DiffSection> which = EnumSet.noneOf(DiffSection.class);
        for (String s : sections) {
            DiffSection d;
            try {
                d = DiffSection.parse(s);
            } catch (IllegalArgumentException e) {
                d = null;
            }
            if (d == null || !(d == DiffSection.KERNEL || d == DiffSection.CATEGORY || d == DiffSection.OPERATOR)) {
                throw new CliException(ExitCodes.USAGE, "unknown section '" + s + "' (use kernel, category, op)");
            }
            which.add(d);
        }
        if (which.isEmpty()) {
            which = EnumSet.of(DiffSection.KERNEL, DiffSection.CATEGORY, DiffSection.OPERATOR);
        }
        KernelClassifier classifier = DiffCommand.classifier(kernelRules);
        KernelNameNormalizer normalizer = rawNames ? KernelNameNormalizer.IDENTITY : KernelNameNormalizer.DEFAULT;
        // validate the series (positive, not all equal) before reading large files
        try {
            List<RunSummary> probe = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                probe.add(new RunSummary("run" + i, 0, 0, 0, List.of()));
            }
            ScalingSeries.of(probe, name, values, options);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--param " + name + ": " + e.getMessage());
        }
        List<RunSummary> runs = new ArrayList<>();
        for (Path p : inputs) {
            Trace t = InputOptions.read(p, ImportOptions.all(), quiet);
            runs.add(RunSummary.of(t, p.toString(), classifier, normalizer));
        }
        ScalingSeries series = ScalingSeries.of(runs, name, values, options);
        List<ResultTable> tables = new ArrayList<>();
        for (DiffSection s : which) {
            tables.add(series.table(s));
        }
        try {
            if (fmt.name().equals("json")) {
                java.io.StringWriter sb = new java.io.StringWriter();
                com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory()
                        .createGenerator(sb);
                io.proflens.report.JsonRenderer json = new io.proflens.report.JsonRenderer(
                        new io.proflens.report.CellFormatter(unit));
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeStringField("parameter", name);
                g.writeArrayFieldStart("values");
                for (double v : values) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("runs");
                for (Path p : inputs) {
                    g.writeString(p.toString());
                }
                g.writeEndArray();
                g.writeObjectFieldStart("tables");
                for (ResultTable t : tables) {
                    g.writeFieldName(t.reportName());
                    json.writeRows(g, all ? t : t.head(top));
                }
                g.writeEndObject();
                g.writeEndObject();
                g.close();
                out.println(sb);
            } else {
                DiffCommand.render(out, fmt.renderer(unit), tables, all ? Integer.MAX_VALUE : top, null);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot write to stdout: " + e.getMessage(), e);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static KernelCategory category(String text) {
        for (KernelCategory c : KernelCategory.values()) {
            if (c.label().equalsIgnoreCase(text) || c.name().equalsIgnoreCase(text)) {
                return c;
            }
        }
        return null;
    }
}
