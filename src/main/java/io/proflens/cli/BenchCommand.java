package io.proflens.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the bench harness lands (replaced in the same session). */
@Command(name = "bench", mixinStandardHelpOptions = true, hidden = true, description = "Benchmark harness.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CliException(ExitCodes.USAGE, "bench is not wired yet");
    }
}
