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

    @Option(names = "--analyze", description = "Also time 'proflens analyze -f json' (all rules, analyses and default stats) "
            + "and print its ratio to the stats time (target <= 2x).")
    boolean analyze;

    @Option(names = "--analyze-xmx", description = "Heap of the analyze child JVM (default ${DEFAULT-VALUE}).")
    String analyzeXmx = "16g";

    @Option(names = "--no-sqlite", description = "Skip the sqlite3 baseline (e.g. when only the analyze ratio is wanted).")
    boolean noSqlite;

    @Option(names = "--keep", description = "Keep tiled files (reused by a later run with the same --work-dir).")
    boolean keep;

    @Option(names = "--kineto", description = "Benchmark the Kineto JSON reader instead: tile the largest Kineto trace to "
            + "--kineto-size of JSON (and gz), time 'stats -r cuda_gpu_kern_sum' on it.")
    boolean kineto;

    @Option(names = "--kineto-size", description = "Uncompressed JSON size of the big Kineto file (default ${DEFAULT-VALUE}).")
    String kinetoSize = "2048M";

    @Option(names = "--kineto-source", paramLabel = "FILE", description = "Kineto trace to tile (default: the xDiT SD3.5 MI300X trace in ../shared/data).")
    Path kinetoSource = io.proflens.bench.KinetoBenchmark.DEFAULT_SOURCE;

    @Override
    public Integer call() {
        if (kineto) {
            long bytes;
            try {
                bytes = Benchmark.parseSize(kinetoSize.replace("G", "000M").replace("g", "000m"));
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "bad --kineto-size '" + kinetoSize + "' (use e.g. 2048M)");
            }
            Path dir = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"), "proflens-kineto-bench");
            String cp = Benchmark.ownCodeSource().map(Path::toString).orElseThrow(
                    () -> new CliException(ExitCodes.INTERNAL, "cannot locate the proflens jar to run as the child process"));
            int code = io.proflens.bench.KinetoBenchmark.run(kinetoSource, dir, bytes, cp, xmx, System.out, System.err);
            if (!keep) {
                for (String f : new String[] {"kineto-1tile.json", "kineto-big.json", "kineto-big.json.gz"}) {
                    try {
                        java.nio.file.Files.deleteIfExists(dir.resolve(f));
                    } catch (java.io.IOException ignored) {
                        // leftovers in a temp dir are harmless
                    }
                }
            }
            return code == 0 ? ExitCodes.OK : ExitCodes.INTERNAL;
        }
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
            o = new BenchOptions(source, workDir, counts, repeats, jar, keep, analyze ? analyzeXmx : null, noSqlite);
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
