package io.proflens.cli;

import io.proflens.bench.BenchOptions;
import io.proflens.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code proflens bench}: tiles a real nsys export to large sizes (default 1M and 10M kernels) and times, in
 * child processes, {@code proflens stats} (the six default reports) against the {@code sqlite3} shell running
 * equivalent SQL on the same file; prints time, peak RSS and the ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark 'proflens stats' (default reports) against the sqlite3 shell on exports tiled from a real one.",
                "Needs the sqlite3 shell and several GB of free disk for the 10M point."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--source", paramLabel = "FILE", description = "Export to tile (default: the FastVideo Wan2.1 H100 export in ../shared/data).")
    Path source = BenchOptions.DEFAULT_SOURCE;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where tiled files go (default: a new temp dir, deleted unless --keep).")
    Path workDir;

    @Option(names = "--sizes", split = ",", paramLabel = "N", description = "Kernel counts, e.g. 1M,10M (default).")
    List<String> sizes = new ArrayList<>();

    @Option(names = "--repeats", description = "Timed runs per tool and size (default ${DEFAULT-VALUE}).")
    int repeats = 1;

    @Option(names = "--xmx", description = "Heap of the proflens child JVM (default ${DEFAULT-VALUE}).")
    String xmx = Benchmark.DEFAULT_XMX;

    @Option(names = "--keep", description = "Keep tiled files (reused by a later run with the same --work-dir).")
    boolean keep;

    @Override
    public Integer call() {
        List<Long> counts = new ArrayList<>();
        for (String s : sizes) {
            try {
                counts.add(Benchmark.parseSize(s));
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "bad --sizes value '" + s + "' (use e.g. 1M,10M or 250k)");
            }
        }
        Path jar = Benchmark.ownCodeSource().orElseThrow(
                () -> new CliException(ExitCodes.INTERNAL, "cannot locate the proflens jar to run as the child process"));
        BenchOptions o;
        try {
            o = new BenchOptions(source, workDir, counts, repeats, jar, keep);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        System.setProperty(Benchmark.XMX_PROPERTY, xmx);
        PrintStream out = System.out;
        int code = Benchmark.run(o, out, System.err);
        out.flush();
        return code;
    }
}
