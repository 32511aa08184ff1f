package io.proflens.cli;

import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.ChromeTraceExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens export PROFILE --format chrome-trace|perfetto -o OUT}: the trace as Chrome trace-event JSON in the
 * Kineto dialect (see {@link ChromeTraceExporter}), which ui.perfetto.dev and chrome://tracing open; gzip when OUT
 * ends in {@code .gz}. {@code perfetto} writes the same JSON (Perfetto's UI reads the Chrome JSON format).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the trace as Chrome trace-event JSON (Kineto dialect) that ui.perfetto.dev and "
                + "chrome://tracing open; OUT ending in .gz is gzip-compressed.")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "nsys SQLite export, .nsys-rep or Kineto JSON(.gz).")
    Path input;

    @Option(names = {"-f", "--format"}, description = "chrome-trace (default) or perfetto (the same JSON).")
    String format = "chrome-trace";

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file (.json or .json.gz).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("chrome-trace") && !f.equals("perfetto")) {
            throw new CliException(ExitCodes.USAGE, "unknown export format '" + format + "' (chrome-trace or perfetto)");
        }
        Trace trace = InputOptions.read(input, ImportOptions.all(), quiet);
        ChromeTraceExporter.Summary s;
        try {
            s = new ChromeTraceExporter().export(trace, output);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, output + ": cannot write: " + e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        if (!quiet) {
            err.println(String.format(Locale.ROOT, "wrote %s: %,d events, %,d launch flows", output, s.events(), s.flows()));
            err.flush();
        }
        return ExitCodes.OK;
    }
}
