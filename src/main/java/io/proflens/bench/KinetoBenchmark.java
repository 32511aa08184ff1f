package io.proflens.bench;

import io.proflens.bench.ChildMeter.Measurement;
import io.proflens.ingest.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kineto half of {@code proflens bench --kineto}: tiles the largest real PyTorch profiler trace of the corpus
 * to a large JSON (default ≥ 2 GiB uncompressed) and its gzip twin, then times, as child processes,
 * {@code proflens stats -r cuda_gpu_kern_sum} on a one-tile file, the big plain file and the big gz file.
 * Reported: uncompressed JSON MB/s per wall second and per CPU second (the importer parses one file on one
 * core, so MB per CPU second is the per-core throughput), peak RSS, kernels kept, the marginal bytes of RSS
 * per kept kernel between the one-tile and the big file, and the gz/plain time ratio. Targets (issue 3):
 * ≥ 200 MB/s per core, RSS independent of JSON size beyond the kept events, gz within 1.5× of plain.
 */
public final class KinetoBenchmark {
    /** The largest Kineto trace of the corpus (xDiT SD3.5 on an MI300X, 62 MB of JSON). */
    public static final Path DEFAULT_SOURCE = Path.of("..", "shared", "data", "kineto", "tl-mi300x-xdit-sd3.5-infer",
            "profile_trace_rank_0.json.gz");
    /** Default uncompressed size of the big file: 2 GiB. */
    public static final long DEFAULT_BYTES = 2L << 30;

    private KinetoBenchmark() {
    }

    /** One measured file. */
    private record Row(String label, KinetoTiledTraceBuilder.Result file, Measurement m, long kernels) {
    }

    /**
     * @param source   Kineto trace to tile (read only)
     * @param workDir  where the tiled files go (rebuilt on every run)
     * @param bytes    uncompressed JSON bytes of the big file (at least)
     * @param classpath proflens classpath for the child JVM
     * @param xmx      child heap
     * @return 0 when every run succeeded, 1 otherwise
     */
    public static int run(Path source, Path workDir, long bytes, String classpath, String xmx, PrintStream out,
                          PrintStream err) {
        try {
            Files.createDirectories(workDir);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            out.printf(Locale.ROOT, "proflens Kineto benchmark: source %s, work dir %s, child -Xmx%s, peak RSS = %s%n",
                    source, workDir, xmx, ChildMeter.rssMethod());
            KinetoTiledTraceBuilder.Result one = build(source, workDir.resolve("kineto-1tile.json"), 1, out);
            KinetoTiledTraceBuilder.Result big = build(source, workDir.resolve("kineto-big.json"), bytes, out);
            KinetoTiledTraceBuilder.Result bigGz = build(source, workDir.resolve("kineto-big.json.gz"), bytes, out);
            List<Row> rows = new ArrayList<>();
            for (Object[] f : new Object[][] {{"1 tile", one}, {"big", big}, {"big gz", bigGz}}) {
                KinetoTiledTraceBuilder.Result r = (KinetoTiledTraceBuilder.Result) f[1];
                Path outDir = Files.createDirectories(workDir.resolve("out"));
                Path csv = outDir.resolve("k_cuda_gpu_kern_sum.csv");
                Files.deleteIfExists(csv);
                List<String> cmd = List.of(java.toString(), "-Xmx" + xmx, "-cp", classpath, Benchmark.CLI_MAIN, "stats", "-q",
                        "-r", "cuda_gpu_kern_sum", "-f", "csv", "-o", outDir.resolve("k").toString(), path(workDir, f[0]).toString());
                Measurement m = ChildMeter.run(cmd, null, null, workDir.resolve("scratch"), Map.of());
                if (m.exitCode() != 0 || !Files.exists(csv)) {
                    err.println("proflens bench: proflens failed on " + f[0] + " (exit " + m.exitCode() + "): "
                            + SqliteFiles.oneLine(new IOException(m.stderrTail())));
                    return 1;
                }
                long kernels = 0;
                for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
                    kernels += Long.parseLong(line.split(",")[2]);
                }
                rows.add(new Row((String) f[0], r, m, kernels));
                out.printf(Locale.ROOT, "  %s: %.2f s wall, %.2f s CPU, peak RSS %.0f MiB, %,d kernels%n", f[0], m.seconds(),
                        m.cpuSeconds(), m.rssMiB(), kernels);
            }
            out.println();
            out.println("file   | JSON MiB | on disk MiB | events      | kernels kept | wall s | CPU s | MB/s wall | MB/s per core | peak RSS MiB");
            out.println("-------+----------+-------------+-------------+--------------+--------+-------+-----------+---------------+-------------");
            for (Row r : rows) {
                double mb = r.file().uncompressedBytes() / 1e6;
                out.printf(Locale.ROOT, "%-6s | %8.0f | %11.0f | %,11d | %,12d | %6.2f | %5.2f | %9.0f | %13.0f | %12.0f%n",
                        r.label(), r.file().uncompressedBytes() / 1048576.0, r.file().fileBytes() / 1048576.0,
                        r.file().events(), r.kernels(), r.m().seconds(), r.m().cpuSeconds(), mb / r.m().seconds(),
                        mb / r.m().cpuSeconds(), r.m().rssMiB());
            }
            Row a = rows.get(0);
            Row b = rows.get(1);
            Row c = rows.get(2);
            double perCore = b.file().uncompressedBytes() / 1e6 / b.m().cpuSeconds();
            double marginal = b.kernels() == a.kernels() ? Double.NaN
                    : (b.m().peakRssKiB() - a.m().peakRssKiB()) * 1024.0 / (b.kernels() - a.kernels());
            double gzRatio = c.m().seconds() / b.m().seconds();
            out.printf(Locale.ROOT, "per-core throughput %.0f MB/s of JSON (target >= 200): %s%n", perCore, perCore >= 200 ? "met" : "MISSED");
            out.printf(Locale.ROOT, "RSS growth 1 tile -> big: %.0f bytes of peak RSS per kept kernel over %,d more kernels "
                    + "(%.1fx the JSON; includes heap the JVM grows but does not need: see the -Xmx probe below)%n",
                    marginal, b.kernels() - a.kernels(), (double) b.file().uncompressedBytes() / a.file().uncompressedBytes());
            // Smallest heap (of a few) the big file runs in: live memory, not what the collector left committed.
            for (String heap : new String[] {"64m", "96m", "128m", "192m", "256m"}) {
                List<String> cmd = List.of(java.toString(), "-Xmx" + heap, "-cp", classpath, Benchmark.CLI_MAIN, "stats", "-q",
                        "-r", "cuda_gpu_kern_sum", "-f", "csv", "-o", workDir.resolve("out").resolve("probe").toString(),
                        workDir.resolve("kineto-big.json").toString());
                Measurement m = ChildMeter.run(cmd, null, null, workDir.resolve("scratch"), Map.of());
                if (m.exitCode() == 0) {
                    out.printf(Locale.ROOT, "smallest heap that reads the big file: -Xmx%s (peak RSS %.0f MiB, %.2f s) for %.0f MiB of JSON, "
                            + "%,d events, %,d kernels kept%n", heap, m.rssMiB(), m.seconds(),
                            b.file().uncompressedBytes() / 1048576.0, b.file().events(), b.kernels());
                    break;
                }
            }
            out.printf(Locale.ROOT, "gz / plain time %.2f (target <= 1.5): %s%n", gzRatio, gzRatio <= 1.5 ? "met" : "MISSED");
            return 0;
        } catch (IOException e) {
            err.println("proflens bench: " + SqliteFiles.oneLine(e));
            return 1;
        }
    }

    private static Path path(Path workDir, Object label) {
        switch ((String) label) {
            case "1 tile": return workDir.resolve("kineto-1tile.json");
            case "big": return workDir.resolve("kineto-big.json");
            default: return workDir.resolve("kineto-big.json.gz");
        }
    }

    private static KinetoTiledTraceBuilder.Result build(Path source, Path out, long bytes, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        KinetoTiledTraceBuilder.Result r = KinetoTiledTraceBuilder.build(source, out, bytes, ProgressListener.NONE);
        log.printf(Locale.ROOT, "  built %s: %d tile(s), %,d events, %.0f MiB JSON, %.0f MiB on disk, %.1f s%n",
                out.getFileName(), r.tiles(), r.events(), r.uncompressedBytes() / 1048576.0, r.fileBytes() / 1048576.0,
                (System.nanoTime() - t0) / 1e9);
        return r;
    }
}
