package io.proflens.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Options of {@link Benchmark#run}.
 *
 * @param source       the real nsys SQLite export to tile (opened read-only only); default
 *                     {@link #DEFAULT_SOURCE}
 * @param workDir      where tiled files, report outputs and scripts go; {@code null} → a new directory under
 *                     {@code java.io.tmpdir} (deleted at the end unless {@code keepFiles})
 * @param kernelCounts target kernel rows per size point (each rounded up to whole tiles); {@code null} or
 *                     empty → {@link #DEFAULT_KERNEL_COUNTS} (1M and 10M)
 * @param repeats      timed runs per tool and size (≥ 1; the table shows the median time and the largest RSS)
 * @param proflensJar  what the proflens child gets as {@code -cp}: a jar holding {@code io.proflens.cli.ProflensCli}
 *                     and its dependencies (the shaded jar, or a thin jar whose manifest {@code Class-Path} lists
 *                     them), or a classpath string of several entries joined with ':'; every entry must exist
 * @param keepFiles    keep the tiled files and outputs (a later run with the same work dir reuses tiled files
 *                     whose tile spec matches)
 * @param analyzeXmx   when non-null, also time {@code proflens analyze -f json} (capture summary, every rule and
 *                     analysis, the default stats) in a child JVM with this {@code -Xmx}, and print its ratio to the
 *                     {@code stats} time (issue target: ≤ {@value Benchmark#ANALYZE_RATIO_TARGET}×)
 * @param skipSqlite   do not run the sqlite3 baseline (its figures are then "skipped")
 */
public record BenchOptions(Path source, Path workDir, List<Long> kernelCounts, int repeats, Path proflensJar,
                           boolean keepFiles, String analyzeXmx, boolean skipSqlite) {
    /** The FastVideo Wan2.1 H100 inference export (3442 kernels per tile), relative to the repository root. */
    public static final Path DEFAULT_SOURCE =
            Path.of("..", "shared", "data", "nsys", "nsysai-fastvideo-wan-infer-h100x2", "h100_2gpu_1s.sqlite");
    /** Default size points: 1M (scaling point) and 10M kernels. */
    public static final List<Long> DEFAULT_KERNEL_COUNTS = List.of(1_000_000L, 10_000_000L);

    public BenchOptions {
        source = source == null ? DEFAULT_SOURCE : source;
        kernelCounts = kernelCounts == null || kernelCounts.isEmpty() ? DEFAULT_KERNEL_COUNTS : List.copyOf(kernelCounts);
        for (Long k : kernelCounts) {
            if (Objects.requireNonNull(k) < 1) {
                throw new IllegalArgumentException("kernel counts must be >= 1, got " + k);
            }
        }
        repeats = Math.max(1, repeats);
    }

    /** Options without the analyze measurement. */
    public BenchOptions(Path source, Path workDir, List<Long> kernelCounts, int repeats, Path proflensJar,
            boolean keepFiles) {
        this(source, workDir, kernelCounts, repeats, proflensJar, keepFiles, null, false);
    }

    /** Options with the sqlite3 baseline. */
    public BenchOptions(Path source, Path workDir, List<Long> kernelCounts, int repeats, Path proflensJar,
            boolean keepFiles, String analyzeXmx) {
        this(source, workDir, kernelCounts, repeats, proflensJar, keepFiles, analyzeXmx, false);
    }

    /** @return the defaults (Wan export, temp work dir, 1M and 10M, one repeat, files deleted) for a jar. */
    public static BenchOptions defaults(Path proflensJar) {
        return new BenchOptions(DEFAULT_SOURCE, null, DEFAULT_KERNEL_COUNTS, 1, proflensJar, false);
    }
}
