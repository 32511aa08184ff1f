package io.proflens.bench;

import io.proflens.bench.ChildMeter.Measurement;
import io.proflens.ingest.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The proflens benchmark: for each size point, tile a real nsys export up to N kernels
 * ({@link TiledExportBuilder}) and time, on the same file and each as a separate child process,
 * <ol type="a">
 *   <li>proflens computing the six default reports:
 *       {@code java -Xmx<heap> -cp <proflensJar> io.proflens.cli.ProflensCli stats -q -f csv -o <workDir>/out/bench <file>}
 *       (writes {@code bench_<report>.csv});</li>
 *   <li>the {@code sqlite3} shell running the equivalent SQL of {@link SqliteBaseline}:
 *       {@code sqlite3 -readonly 'file:<file>?immutable=1' < script.sql > /dev/null} (temp files of its sorter in
 *       {@code <workDir>/sqlite-tmp} via {@code SQLITE_TMPDIR}).</li>
 * </ol>
 * then print a table
 * {@code size | rows (kernel/runtime/nvtx) | file MB | proflens s | proflens peak RSS MB | sqlite3 s | sqlite3 peak RSS MB | speed-up (b/a)}
 * and the scaling of proflens between the smallest and the largest point (time ratio vs kernel-row ratio;
 * linear ≈ the row ratio, i.e. ~10 from 1M to 10M), with the issue's targets (speed-up ≥ 3×, peak RSS ≤ 2 GiB,
 * linear cost) marked met or missed.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li><b>Time</b>: wall-clock seconds from process start to exit ({@link System#nanoTime()} around start and
 *       {@code waitFor}), including JVM start-up, reading the SQLite file, computing and writing the outputs.
 *       With {@code repeats > 1} the table shows the median.</li>
 *   <li><b>Peak RSS</b>: the child's maximum resident set size, from {@code /usr/bin/time -f %M} (the kernel's
 *       {@code ru_maxrss}, exact) or, without GNU time, {@code VmHWM} of {@code /proc/<pid>/status} polled every
 *       20 ms. For the JVM it includes heap, metaspace, JIT and code cache. With repeats, the largest value.
 *       "MB" in the table is MiB (2^20 bytes); file sizes are MiB too.</li>
 *   <li><b>CPU time</b> (user + system over all threads, from GNU time) is printed per run, not in the table:
 *       {@code sqlite3} is single-threaded, the JVM also uses GC and JIT threads.</li>
 *   <li>Before the timed runs of a size point the tiled file is read once sequentially, so both tools start
 *       from the same warm page cache (the builder has already flushed it to disk).</li>
 * </ul>
 * The child JVM's heap limit is {@code -Xmx} from system property {@value #XMX_PROPERTY} (default
 * {@value #DEFAULT_XMX}); {@link #main} sets it from {@code --xmx}.
 *
 * <h2>Files</h2>
 * Tiled files are named {@code tiled-<source stem>-x<tiles>.sqlite} in the work dir and are reused when their
 * metadata says they were tiled from the same source (path and SHA-256) with the same tile count. Unless
 * {@link BenchOptions#keepFiles()}, every file the benchmark created or reused in the work dir is deleted at
 * the end (and the work dir itself when the benchmark created it).
 *
 * <h2>Exit codes of {@link #run}</h2>
 * 0 all runs completed (targets met or not; see the table); 1 a tool failed (e.g. proflens out of memory) or
 * an unexpected error; 2 bad options (no proflens jar); 3 the source export is unusable; 4 the work dir cannot
 * be used (I/O error, not enough disk space). Failures also print one line {@code proflens bench: <problem>}
 * on {@code err}.
 */
public final class Benchmark {
    /** System property with the child JVM's {@code -Xmx} value (e.g. {@code 2g}, {@code 12g}). */
    public static final String XMX_PROPERTY = "proflens.bench.xmx";
    /** Default {@code -Xmx} of the proflens child: the issue's 2 GB memory target. */
    public static final String DEFAULT_XMX = "1536m";
    /** Speed-up target of the issue (sqlite3 time / proflens time). */
    public static final double SPEEDUP_TARGET = 3.0;
    /** Issue target for {@code analyze} time / {@code stats} time on the same file. */
    public static final double ANALYZE_RATIO_TARGET = 2.0;
    /** Peak RSS target of the issue, MiB. */
    public static final long RSS_TARGET_MIB = 2048;
    /**
     * "Linear cost" target: proflens time ratio / kernel-row ratio between the smallest and largest size point
     * must not exceed this (1.0 = exactly linear; fixed start-up costs make small points relatively slower).
     */
    public static final double LINEARITY_LIMIT = 1.2;
    /** Main class of the proflens CLI child. */
    public static final String CLI_MAIN = "io.proflens.cli.ProflensCli";

    /** Exit code: all runs completed. */
    public static final int EXIT_OK = 0;
    /** Exit code: a measured tool failed, or an unexpected error. */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad options. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: unusable source export. */
    public static final int EXIT_BAD_SOURCE = 3;
    /** Exit code: work dir / disk problem. */
    public static final int EXIT_IO = 4;

    private Benchmark() {
    }

    /**
     * One tool's runs at one size point.
     *
     * @param runs      completed runs
     * @param failure   one-line failure, or null
     * @param failedRun the measurement of the failed run, or null
     * @param note      why the tool did not run (sqlite3 not installed), or null
     */
    private record ToolRuns(List<Measurement> runs, String failure, Measurement failedRun, String note) {
        static ToolRuns note(String note) {
            return new ToolRuns(List.of(), null, null, note);
        }

        static ToolRuns ok(List<Measurement> runs) {
            return new ToolRuns(runs, null, null, null);
        }

        boolean ok() {
            return failure == null && !runs.isEmpty();
        }

        double medianSeconds() {
            double[] s = runs.stream().mapToDouble(Measurement::seconds).sorted().toArray();
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        double maxRssMiB() {
            return runs.stream().mapToDouble(Measurement::rssMiB).max().orElse(Double.NaN);
        }
    }

    /** One row of the table. */
    private record Point(long target, TiledExportBuilder.Result file, ToolRuns proflens, ToolRuns sqlite,
                         ToolRuns analyze) {
    }

    /** Failure with an exit code and a one-line message. */
    private static final class BenchFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        BenchFailure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param o   options
     * @param out the table, progress and per-run lines
     * @param err the one-line failure message
     * @return an exit code ({@link #EXIT_OK} when every run completed)
     */
    public static int run(BenchOptions o, PrintStream out, PrintStream err) {
        Path work = o.workDir();
        boolean createdWork = false;
        List<Path> generated = new ArrayList<>();
        try {
            if (!classpathExists(o.proflensJar())) {
                throw new BenchFailure(EXIT_USAGE, "proflens jar not found: " + o.proflensJar()
                        + " (build it with ./mvnw package, or pass --jar)");
            }
            if (!Files.isRegularFile(o.source()) || !Files.isReadable(o.source())) {
                throw new BenchFailure(EXIT_BAD_SOURCE, "source export not found or not readable: " + o.source());
            }
            try {
                if (work == null) {
                    work = Files.createTempDirectory("proflens-bench-");
                    createdWork = true;
                } else {
                    Files.createDirectories(work);
                }
            } catch (IOException e) {
                throw new BenchFailure(EXIT_IO, "cannot create work dir " + work + ": " + SqliteFiles.oneLine(e));
            }
            Path outDir = work.resolve("out");
            Path scratch = work.resolve("scratch");
            Path sqliteTmp = work.resolve("sqlite-tmp");
            generated.addAll(List.of(outDir, scratch, sqliteTmp));
            try {
                Files.createDirectories(outDir);
                Files.createDirectories(scratch);
                Files.createDirectories(sqliteTmp);
            } catch (IOException e) {
                throw new BenchFailure(EXIT_IO, "cannot write to work dir " + work + ": " + SqliteFiles.oneLine(e));
            }
            TiledExportBuilder.SourceInfo src;
            try {
                src = TiledExportBuilder.inspect(o.source());
                src.tilesFor(1);
            } catch (IOException | IllegalStateException e) {
                throw new BenchFailure(EXIT_BAD_SOURCE, SqliteFiles.oneLine(e));
            }
            Optional<Path> sqlite3 = SqliteBaseline.findSqlite3();
            String xmx = System.getProperty(XMX_PROPERTY, DEFAULT_XMX);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            header(out, o, src, work, sqlite3, xmx, java);

            List<Point> points = new ArrayList<>();
            for (long target : o.kernelCounts()) {
                TiledExportBuilder.Result file = prepare(src, target, work, generated, out);
                warm(file.file());
                String size = sizeLabel(target);
                ToolRuns proflens = runProflens(o, size, java, xmx, file, outDir, scratch, out);
                ToolRuns sqlite = o.skipSqlite() ? ToolRuns.note("skipped")
                        : runSqlite(o, size, sqlite3, file, scratch, sqliteTmp, out);
                ToolRuns analyze = o.analyzeXmx() == null ? null
                        : runAnalyze(o, size, java, o.analyzeXmx(), file, outDir, scratch, out);
                points.add(new Point(target, file, proflens, sqlite, analyze));
                cleanOutputs(outDir);
            }
            table(out, points);
            for (Point p : points) {
                for (ToolRuns t : p.analyze() == null ? List.of(p.proflens(), p.sqlite())
                        : List.of(p.proflens(), p.sqlite(), p.analyze())) {
                    if (t.failure() != null) {
                        throw new BenchFailure(EXIT_FAILED, t.failure());
                    }
                }
            }
            return EXIT_OK;
        } catch (BenchFailure e) {
            err.println("proflens bench: " + e.getMessage());
            return e.code;
        } catch (RuntimeException e) {
            err.println("proflens bench: internal error: " + e.getClass().getSimpleName() + ": " + SqliteFiles.oneLine(e));
            return EXIT_FAILED;
        } finally {
            if (!o.keepFiles() && work != null) {
                for (Path p : generated) {
                    deleteTree(p);
                }
                if (createdWork) {
                    deleteTree(work);
                }
            }
        }
    }

    /** Whether every entry of the jar / classpath string exists. */
    private static boolean classpathExists(Path cp) {
        if (cp == null) {
            return false;
        }
        for (String e : cp.toString().split(java.io.File.pathSeparator)) {
            if (e.isEmpty() || !Files.exists(Path.of(e))) {
                return false;
            }
        }
        return true;
    }

    private static void header(PrintStream out, BenchOptions o, TiledExportBuilder.SourceInfo src, Path work,
                               Optional<Path> sqlite3, String xmx, Path java) {
        out.printf(Locale.ROOT, "proflens benchmark: source %s (%s), work dir %s%n", src.file(), rowsText(src.eventRows()),
                work);
        out.printf(Locale.ROOT, "  (a) %s -Xmx%s -cp %s %s stats -q -f csv -o <work>/out/bench <file>%n", java, xmx,
                o.proflensJar(), CLI_MAIN);
        out.printf(Locale.ROOT, "  (b) %s%n", sqlite3.map(p -> p + " -readonly 'file:<file>?immutable=1' < baseline.sql > /dev/null ("
                + sqliteVersion(p) + ")").orElse("sqlite3 not installed"));
        out.printf(Locale.ROOT, "  machine: %d CPUs, %s; peak RSS = %s; %d repeat(s) per tool%n",
                Runtime.getRuntime().availableProcessors(), memTotal(), ChildMeter.rssMethod(), o.repeats());
    }

    private static TiledExportBuilder.Result prepare(TiledExportBuilder.SourceInfo src, long target, Path work,
                                                     List<Path> generated, PrintStream out) throws BenchFailure {
        long tiles = src.tilesFor(target);
        String stem = src.file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path file = work.resolve("tiled-" + stem + "-x" + tiles + ".sqlite");
        generated.add(file);
        Optional<TiledExportBuilder.Result> existing = TiledExportBuilder.describe(file);
        if (existing.isPresent() && existing.get().tiles() == tiles && src.file().toString().equals(existing.get().source())
                && src.sha256().equals(existing.get().sourceSha256())) {
            out.printf(Locale.ROOT, "%s kernels: reusing %s (%d tiles, %.0f MB)%n", sizeLabel(target), file.getFileName(), tiles,
                    mib(existing.get().fileBytes()));
            return existing.get();
        }
        out.printf(Locale.ROOT, "%s kernels: building %s (%d tiles of %d kernels, ~%.0f MB) ...%n", sizeLabel(target),
                file.getFileName(), tiles, src.kernels(), mib(src.estimatedBytes(tiles)));
        try {
            TiledExportBuilder.Result r = TiledExportBuilder.buildTiles(src, file, tiles, new PercentProgress(out));
            out.printf(Locale.ROOT, "  built in %.1f s: %.0f MB, %s%n", r.buildNanos() / 1e9, mib(r.fileBytes()),
                    rowsText(r.rows()));
            return r;
        } catch (IOException e) {
            throw new BenchFailure(EXIT_IO, SqliteFiles.oneLine(e));
        }
    }

    private static ToolRuns runProflens(BenchOptions o, String size, Path java, String xmx, TiledExportBuilder.Result file, Path outDir,
                                        Path scratch, PrintStream out) throws BenchFailure {
        List<String> cmd = List.of(java.toString(), "-Xmx" + xmx, "-cp", o.proflensJar().toString(),
                CLI_MAIN, "stats", "-q", "-f", "csv", "-o", outDir.resolve("bench").toString(), file.file().toString());
        List<Measurement> runs = new ArrayList<>();
        for (int i = 1; i <= o.repeats(); i++) {
            cleanOutputs(outDir);
            Measurement m = measure(cmd, null, scratch, Map.of());
            out.printf(Locale.ROOT, "  proflens run %d: %.2f s wall, %.2f s CPU, peak RSS %.0f MB, exit %d%n", i, m.seconds(),
                    m.cpuSeconds(), m.rssMiB(), m.exitCode());
            if (m.exitCode() != 0) {
                String why = firstProblemLine(m.stderrTail());
                return new ToolRuns(runs, "proflens failed at " + size + " kernels with -Xmx" + xmx + " (exit "
                        + m.exitCode() + (why.isEmpty() ? "" : ": " + why) + ")", m, null);
            }
            if (countOutputs(outDir) == 0) {
                return new ToolRuns(runs, "proflens exited 0 but wrote no bench_*.csv into " + outDir, m, null);
            }
            runs.add(m);
        }
        return ToolRuns.ok(runs);
    }

    /** {@code proflens analyze -q -f json FILE > out/analyze.json}: the whole diagnosis plus the default stats. */
    private static ToolRuns runAnalyze(BenchOptions o, String size, Path java, String xmx, TiledExportBuilder.Result file,
            Path outDir, Path scratch, PrintStream out) throws BenchFailure {
        Path json = outDir.resolve("analyze.json");
        List<String> cmd = List.of(java.toString(), "-Xmx" + xmx, "-cp", o.proflensJar().toString(),
                CLI_MAIN, "analyze", "-q", "-f", "json", file.file().toString());
        List<Measurement> runs = new ArrayList<>();
        for (int i = 1; i <= o.repeats(); i++) {
            Measurement m;
            try {
                Files.deleteIfExists(json);
                m = ChildMeter.run(cmd, null, json, scratch, Map.of());
            } catch (IOException e) {
                throw new BenchFailure(EXIT_FAILED, "cannot run " + cmd.get(0) + ": " + SqliteFiles.oneLine(e));
            }
            out.printf(Locale.ROOT, "  proflens analyze run %d: %.2f s wall, %.2f s CPU, peak RSS %.0f MB, exit %d%n", i,
                    m.seconds(), m.cpuSeconds(), m.rssMiB(), m.exitCode());
            if (m.exitCode() != 0) {
                String why = firstProblemLine(m.stderrTail());
                return new ToolRuns(runs, "proflens analyze failed at " + size + " kernels with -Xmx" + xmx + " (exit "
                        + m.exitCode() + (why.isEmpty() ? "" : ": " + why) + ")", m, null);
            }
            try {
                if (!Files.isRegularFile(json) || Files.size(json) == 0) {
                    return new ToolRuns(runs, "proflens analyze exited 0 but wrote no JSON", m, null);
                }
            } catch (IOException e) {
                throw new BenchFailure(EXIT_IO, SqliteFiles.oneLine(e));
            }
            runs.add(m);
        }
        return ToolRuns.ok(runs);
    }

    private static ToolRuns runSqlite(BenchOptions o, String size, Optional<Path> sqlite3, TiledExportBuilder.Result file, Path scratch,
                                      Path sqliteTmp, PrintStream out) throws BenchFailure {
        if (sqlite3.isEmpty()) {
            return ToolRuns.note("sqlite3 not installed");
        }
        Path script = scratch.resolve("baseline-x" + file.tiles() + ".sql");
        try {
            Files.writeString(script, SqliteBaseline.forFile(file.file()).script(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchFailure(EXIT_IO, "cannot write the baseline script: " + SqliteFiles.oneLine(e));
        }
        List<String> cmd = SqliteBaseline.command(sqlite3.get(), file.file());
        List<Measurement> runs = new ArrayList<>();
        for (int i = 1; i <= o.repeats(); i++) {
            Measurement m = measure(cmd, script, scratch, Map.of("SQLITE_TMPDIR", sqliteTmp.toString()));
            out.printf(Locale.ROOT, "  sqlite3  run %d: %.2f s wall, %.2f s CPU, peak RSS %.0f MB, exit %d%n", i, m.seconds(),
                    m.cpuSeconds(), m.rssMiB(), m.exitCode());
            if (m.exitCode() != 0) {
                String why = firstProblemLine(m.stderrTail());
                return new ToolRuns(runs, "sqlite3 baseline failed at " + size + " kernels (exit " + m.exitCode()
                        + (why.isEmpty() ? "" : ": " + why) + ")", m, null);
            }
            runs.add(m);
        }
        return ToolRuns.ok(runs);
    }

    private static Measurement measure(List<String> cmd, Path stdin, Path scratch, Map<String, String> env)
            throws BenchFailure {
        try {
            return ChildMeter.run(cmd, stdin, null, scratch, env);
        } catch (IOException e) {
            throw new BenchFailure(EXIT_FAILED, "cannot run " + cmd.get(0) + ": " + SqliteFiles.oneLine(e));
        }
    }

    // ------------------------------------------------------------------------------------------------ table

    private static void table(PrintStream out, List<Point> points) {
        String[] head = {"size", "rows (kernel/runtime/nvtx)", "file MB", "proflens s", "proflens peak RSS MB", "sqlite3 s",
                "sqlite3 peak RSS MB", "speed-up (b/a)"};
        List<String[]> rows = new ArrayList<>();
        for (Point p : points) {
            TiledExportBuilder.Result f = p.file();
            String rowsText = String.format(Locale.ROOT, "%,d / %,d / %,d", f.rows(TiledExportBuilder.KERNEL),
                    f.rows(TiledExportBuilder.RUNTIME), f.rows(TiledExportBuilder.NVTX));
            String[] r = new String[head.length];
            r[0] = sizeLabel(p.target());
            r[1] = rowsText;
            r[2] = String.format(Locale.ROOT, "%.0f", mib(f.fileBytes()));
            fill(r, 3, p.proflens());
            fill(r, 5, p.sqlite());
            r[7] = p.proflens().ok() && p.sqlite().ok()
                    ? String.format(Locale.ROOT, "%.2f×", p.sqlite().medianSeconds() / p.proflens().medianSeconds()) : "-";
            rows.add(r);
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        out.println();
        out.println(line(head, w));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        }
        out.println(rule);
        for (String[] r : rows) {
            out.println(line(r, w));
        }
        out.println("(time = wall s of the child process, median of repeats; RSS = peak resident set, MiB; "
                + "file MB = MiB; speed-up = sqlite3 s / proflens s)");
        scaling(out, points);
        targets(out, points);
        analyzeLines(out, points);
    }

    /** One line per size: analyze time and RSS, and its ratio to the stats time (target ≤ 2×). */
    private static void analyzeLines(PrintStream out, List<Point> points) {
        for (Point p : points) {
            if (p.analyze() == null) {
                continue;
            }
            String size = sizeLabel(p.target());
            if (!p.analyze().ok() || !p.proflens().ok()) {
                out.println("analyze " + size + ": " + (p.analyze().failure() != null ? p.analyze().failure() : "no run"));
                continue;
            }
            double r = p.analyze().medianSeconds() / p.proflens().medianSeconds();
            out.printf(Locale.ROOT, "analyze %s: %.2f s wall, peak RSS %.0f MB; analyze/stats %.2f× %s (target <= %.1f×)%n",
                    size, p.analyze().medianSeconds(), p.analyze().maxRssMiB(), r,
                    r <= ANALYZE_RATIO_TARGET ? "met" : "MISSED", ANALYZE_RATIO_TARGET);
        }
    }

    private static void fill(String[] r, int i, ToolRuns t) {
        if (t.ok()) {
            r[i] = String.format(Locale.ROOT, "%.2f", t.medianSeconds());
            r[i + 1] = String.format(Locale.ROOT, "%.0f", t.maxRssMiB());
        } else if (t.note() != null) {
            r[i] = t.note();
            r[i + 1] = "-";
        } else {
            String f = t.failure() == null ? "" : t.failure().toLowerCase(Locale.ROOT);
            String what = f.contains("outofmemoryerror") || f.contains("out of memory") ? "OOM" : "FAILED";
            Measurement m = t.failedRun();
            r[i] = m == null ? what : String.format(Locale.ROOT, "%s after %.2f", what, m.seconds());
            r[i + 1] = m == null || m.peakRssKiB() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", m.rssMiB());
        }
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            String c = cells[i];
            sb.append(i <= 1 ? pad(c, w[i], false) : pad(c, w[i], true));
        }
        return sb.toString().stripTrailing();
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static void scaling(PrintStream out, List<Point> points) {
        List<Point> ok = points.stream().filter(p -> p.proflens().ok()).sorted(Comparator.comparingLong(
                p -> p.file().rows(TiledExportBuilder.KERNEL))).toList();
        if (ok.size() < 2) {
            out.println("scaling: needs two completed size points");
            return;
        }
        Point a = ok.get(0);
        Point b = ok.get(ok.size() - 1);
        double rowRatio = (double) b.file().rows(TiledExportBuilder.KERNEL) / a.file().rows(TiledExportBuilder.KERNEL);
        double pr = b.proflens().medianSeconds() / a.proflens().medianSeconds();
        String sq = a.sqlite().ok() && b.sqlite().ok()
                ? String.format(Locale.ROOT, "; sqlite3 %.2f", b.sqlite().medianSeconds() / a.sqlite().medianSeconds()) : "";
        out.printf(Locale.ROOT, "scaling %s -> %s: proflens time ratio %.2f vs rows ratio %.2f (time/rows = %.2f; 1.00 = linear)%s%n",
                sizeLabel(a.target()), sizeLabel(b.target()), pr, rowRatio, pr / rowRatio, sq);
    }

    /** @return proflens (time ratio / kernel-row ratio) between the smallest and largest completed point, or NaN. */
    private static double linearity(List<Point> points) {
        List<Point> ok = points.stream().filter(p -> p.proflens().ok()).sorted(Comparator.comparingLong(
                p -> p.file().rows(TiledExportBuilder.KERNEL))).toList();
        if (ok.size() < 2) {
            return Double.NaN;
        }
        Point a = ok.get(0);
        Point b = ok.get(ok.size() - 1);
        double rowRatio = (double) b.file().rows(TiledExportBuilder.KERNEL) / a.file().rows(TiledExportBuilder.KERNEL);
        return b.proflens().medianSeconds() / a.proflens().medianSeconds() / rowRatio;
    }

    private static void targets(PrintStream out, List<Point> points) {
        StringBuilder sb = new StringBuilder("targets:");
        for (Point p : points) {
            String size = sizeLabel(p.target());
            if (p.proflens().ok() && p.sqlite().ok()) {
                double s = p.sqlite().medianSeconds() / p.proflens().medianSeconds();
                sb.append(String.format(Locale.ROOT, " %s speed-up %.2f× %s;", size, s, s >= SPEEDUP_TARGET ? "met" : "MISSED"));
            }
            if (p.proflens().ok()) {
                double r = p.proflens().maxRssMiB();
                sb.append(String.format(Locale.ROOT, " %s RSS %.0f MB %s;", size, r,
                        Double.isNaN(r) ? "unknown" : r <= RSS_TARGET_MIB ? "met" : "MISSED"));
            } else if (p.proflens().failure() != null) {
                sb.append(" ").append(size).append(" proflens FAILED;");
            }
        }
        double lin = linearity(points);
        if (!Double.isNaN(lin)) {
            sb.append(String.format(Locale.ROOT, " scaling time/rows %.2f %s;", lin, lin <= LINEARITY_LIMIT ? "met" : "MISSED"));
        }
        out.println(sb.append(String.format(Locale.ROOT, " (targets: speed-up >= %.0fx, peak RSS <= %d MB, time/rows <= %.2f)",
                SPEEDUP_TARGET, RSS_TARGET_MIB, LINEARITY_LIMIT)));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Prints "  tiling 10% 20% ..." on one line. */
    private static final class PercentProgress implements ProgressListener {
        private final PrintStream out;
        private long total;
        private int shown;

        PercentProgress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void begin(String task, long total) {
            this.total = total;
            this.shown = 0;
            out.print("  " + task + ":");
            out.flush();
        }

        @Override
        public void advance(long done) {
            if (total <= 0) {
                return;
            }
            int pct = (int) (100 * done / total);
            while (shown + 10 <= pct) {
                shown += 10;
                out.print(" " + shown + "%");
                out.flush();
            }
        }

        @Override
        public void end() {
            out.println();
        }
    }

    /** Reads the file once so that both tools start from the same (warm) page cache. */
    private static void warm(Path file) throws BenchFailure {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
            while (ch.read(buf) > 0) {
                buf.clear();
            }
        } catch (IOException e) {
            throw new BenchFailure(EXIT_IO, "cannot read " + file + ": " + SqliteFiles.oneLine(e));
        }
    }

    private static void cleanOutputs(Path outDir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outDir, "bench_*")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static int countOutputs(Path outDir) {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outDir, "bench_*.csv")) {
            for (Path ignored : ds) {
                n++;
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    private static String firstProblemLine(String stderr) {
        for (String l : stderr.split("\\R")) {
            String s = l.trim();
            if (s.contains("OutOfMemoryError") || s.startsWith("proflens:") || s.startsWith("Error") || s.startsWith("Parse error")
                    || s.startsWith("Runtime error")) {
                return s.length() > 200 ? s.substring(0, 200) + "…" : s;
            }
        }
        String s = stderr.strip().replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static String sqliteVersion(Path sqlite3) {
        try {
            Process p = new ProcessBuilder(sqlite3.toString(), "-version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            String[] parts = v.split("\\s+");
            return "SQLite " + (parts.length > 0 ? parts[0] : "?");
        } catch (IOException e) {
            return "version unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    private static String memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(l.substring(9).replace("kB", "").trim());
                    return String.format(Locale.ROOT, "%.1f GiB RAM", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "RAM unknown";
    }

    private static String rowsText(Map<String, Long> rows) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : rows.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey().replace("CUPTI_ACTIVITY_KIND_", "").toLowerCase(Locale.ROOT)).append(' ')
                    .append(String.format(Locale.ROOT, "%,d", e.getValue()));
        }
        return sb.toString();
    }

    /** @return "1M", "10M", "250k" or the plain number. */
    static String sizeLabel(long n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return n / 1_000 + "k";
        }
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        }
        return Long.toString(n);
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    /**
     * What to give the proflens child as {@code -cp} when proflens itself is running: this JVM's
     * {@code java.class.path} (under {@code java -jar proflens.jar} that is the jar, whose manifest brings the
     * dependencies; under {@code -cp} or a test runner the full class path), else the jar or class directory
     * this class was loaded from.
     *
     * @return the class path, or empty when neither is known
     */
    public static Optional<Path> ownCodeSource() {
        String cp = System.getProperty("java.class.path");
        if (cp != null && !cp.isBlank()) {
            return Optional.of(Path.of(cp));
        }
        try {
            CodeSource cs = Benchmark.class.getProtectionDomain().getCodeSource();
            return cs == null ? Optional.empty() : Optional.of(Path.of(cs.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses a kernel count: {@code 1000000}, {@code 1_000_000}, {@code 1,000,000}, {@code 1M}, {@code 1.5M},
     * {@code 250k} (k = 10^3, M = 10^6, case-insensitive).
     *
     * @throws NumberFormatException when {@code s} is not such a number
     */
    public static long parseSize(String s) {
        String t = s.trim().replace("_", "").replace(",", "").toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("m")) {
            mult = 1_000_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("k")) {
            mult = 1_000;
            t = t.substring(0, t.length() - 1);
        }
        double v = Double.parseDouble(t);
        return Math.round(v * mult);
    }
}
