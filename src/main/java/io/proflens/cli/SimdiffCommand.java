package io.proflens.cli;

import io.proflens.analysis.anatomy.AnatomyOptions;
import io.proflens.analysis.anatomy.StepAnatomy;
import io.proflens.analysis.simdiff.MeasuredOperator;
import io.proflens.analysis.simdiff.SimDiff;
import io.proflens.analysis.simdiff.SimTable;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens simdiff PROFILE SIM.csv}: measured per-operator time per layer (the step anatomy of the profile:
 * operators of every layer kind, averaged over the layers that have them, weighted by layer count) against a
 * simulator's per-op table ({@link SimTable}: proflens CSV or Vidur); per-op diff (simulated − measured) × layers,
 * the total, and the operators that explain most of it. Layer kinds named {@code mtp...} (multi-token prediction)
 * are left out unless {@code --include-mtp}: simulators model the model's layers, and the MTP layer is its own step
 * part ("MTP 2 ms").
 */
@Command(name = "simdiff", mixinStandardHelpOptions = true,
        description = "Compare measured per-operator times per layer (step anatomy) with a simulator's per-op table.")
public final class SimdiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "nsys export or Kineto trace with a step of layers.")
    Path profile;

    @Parameters(index = "1", paramLabel = "SIM.csv", description = "Simulator table: op,time_us[,layers] or Vidur CSV.")
    Path sim;

    @Option(names = "--sim-row", paramLabel = "COL=VALUE", description = "Row of a Vidur profiling table (e.g. num_tokens=512).")
    String simRow;

    @Option(names = "--alias", paramLabel = "FROM=TO", description = "Treat measured operator FROM as simulator op TO (repeatable).")
    List<String> aliases = new ArrayList<>();

    @Option(names = "--step-range", paramLabel = "NAME", description = "NVTX range that is one step.")
    String stepRange;

    @Option(names = "--include-mtp", description = "Also count layer kinds named mtp* (multi-token prediction).")
    boolean includeMtp;

    @Option(names = {"-f", "--format"}, description = "column (default), table, csv, tsv, json or markdown.")
    String format = "column";

    @Option(names = "--timeunit", description = "usec (default), nsec, msec, seconds.")
    String timeunit = "usec";

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        Map<String, String> alias = new TreeMap<>();
        for (String a : aliases) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new CliException(ExitCodes.USAGE, "--alias expects FROM=TO, got '" + a + "'");
            }
            alias.put(a.substring(0, eq).strip(), a.substring(eq + 1).strip());
        }
        var fmt = TimersCommand.format(format);
        var unit = TimersCommand.unit(timeunit);
        if (!Files.isRegularFile(sim)) {
            throw new CliException(ExitCodes.INPUT, sim + ": no such file");
        }
        String text;
        try {
            text = Files.readString(sim, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.INPUT, sim + ": cannot read: " + e.getMessage());
        }
        SimTable table;
        try {
            table = SimTable.parse(text, sim.toString(), simRow);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage());
        }
        Trace trace = InputOptions.read(profile, ImportOptions.all(), quiet);
        AnatomyOptions opts = stepRange == null ? AnatomyOptions.defaults() : AnatomyOptions.defaults().withStepRange(stepRange);
        StepAnatomy anatomy = StepAnatomy.of(trace, opts);
        if (!anatomy.hasLayers()) {
            throw new CliException(ExitCodes.INPUT, profile + ": no repeating layers found in the step ("
                    + anatomy.stepLabel() + "); give --step-range or NVTX layer ranges");
        }
        List<MeasuredOperator> measured = measured(anatomy, includeMtp);
        SimDiff d = SimDiff.of(measured, table, SimDiff.Options.defaults().withAliases(alias));
        PrintWriter out = spec.commandLine().getOut();
        TimersCommand.render(d.toTables(), fmt, unit, out);
        out.println();
        out.println(d.explanation());
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Per operator name over all layer kinds: mean time per layer weighted by the layers that have it, and the number
     * of layers per step that have it (e.g. attention in 3 dense + 58 MoE layers → 61).
     */
    static List<MeasuredOperator> measured(StepAnatomy anatomy, boolean includeMtp) {
        Map<String, double[]> acc = new TreeMap<>(); // name -> {Σ mean × layers, Σ layers}
        for (StepAnatomy.LayerKind k : anatomy.layerKinds()) {
            if (!includeMtp && k.name().toLowerCase(java.util.Locale.ROOT).startsWith("mtp")) {
                continue;
            }
            double layers = k.layersPerStep();
            for (StepAnatomy.LayerOperator op : k.operators()) {
                double[] a = acc.computeIfAbsent(op.name(), x -> new double[2]);
                a[0] += op.meanNs() * layers;
                a[1] += layers;
            }
        }
        List<MeasuredOperator> out = new ArrayList<>();
        acc.forEach((name, a) -> out.add(new MeasuredOperator(name, a[1] == 0 ? 0 : a[0] / a[1],
                (int) Math.round(a[1]))));
        return out;
    }
}
