package io.proflens.cli;

import io.proflens.demo.DemoProfileWriter;
import io.proflens.demo.DemoSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code proflens demo -o FILE}: writes the built-in SYNTHETIC MoE decode profile as an nsys-schema SQLite. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Write the built-in SYNTHETIC demo profile (nsys SQLite schema, MoE decode steps) to a file.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Output .sqlite file (written atomically).")
    Path output;

    @Option(names = "--steps", description = "Decode steps (default ${DEFAULT-VALUE}).")
    int steps = DemoSpec.defaults().steps();

    @Option(names = "--dense-layers", description = "Dense layers per step (default ${DEFAULT-VALUE}).")
    int dense = DemoSpec.defaults().denseLayers();

    @Option(names = "--moe-layers", description = "MoE layers per step (default ${DEFAULT-VALUE}).")
    int moe = DemoSpec.defaults().moeLayers();

    @Option(names = "--mtp-layers", description = "MTP layers per step (default ${DEFAULT-VALUE}).")
    int mtp = DemoSpec.defaults().mtpLayers();

    @Option(names = "--seed", description = "Jitter seed (default ${DEFAULT-VALUE}).")
    long seed = DemoSpec.defaults().seed();


    @Override
    public Integer call() {
        DemoSpec ds;
        try {
            ds = new DemoSpec(steps, dense, moe, mtp, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        try {
            DemoProfileWriter.write(output, ds);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, output + ": cannot write demo profile (" + e.getMessage() + ")", e);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("Wrote SYNTHETIC demo profile " + output + " (" + ds.describe() + ")");
        err.flush();
        return ExitCodes.OK;
    }
}
