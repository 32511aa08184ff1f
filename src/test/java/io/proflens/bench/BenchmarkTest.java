package io.proflens.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on tiny sizes (1 and 3 tiles of the Fuser export): child processes, table, reuse,
 * clean-up and failures. Never asserts timings.
 */
class BenchmarkTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /**
     * The test JVM's own class path ({@code java.class.path}, as {@link Benchmark#ownCodeSource()} gives it),
     * which holds the proflens CLI and its dependencies; the test is skipped when the CLI is not on it (e.g. a
     * runner that loads tests through its own class loader).
     */
    private static Path ownClasspath() throws Exception {
        Class<?> cli;
        try {
            cli = Class.forName(Benchmark.CLI_MAIN);
        } catch (ClassNotFoundException e) {
            Assumptions.abort("proflens CLI is not on the test classpath");
            throw e;
        }
        Path cliLocation = Path.of(cli.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        Path cp = Benchmark.ownCodeSource().orElseThrow();
        boolean visible = false;
        for (String e : cp.toString().split(java.io.File.pathSeparator)) {
            visible |= !e.isEmpty() && Path.of(e).toAbsolutePath().equals(cliLocation);
        }
        Assumptions.assumeTrue(visible, "the proflens CLI's location is not in java.class.path");
        return cp;
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void analyzeMeasurementPrintsItsRatioToStats() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work-analyze"));
        BenchOptions o = new BenchOptions(BenchTestData.fuser(), work, List.of(19L), 1, ownClasspath(), false, "512m");

        int code = Benchmark.run(o, out, err);

        assertThat(code).as(out() + err()).isZero();
        assertThat(out()).contains("proflens analyze run 1:")
                .containsPattern("analyze 19: [0-9.]+ s wall, peak RSS [0-9]+ MB; analyze/stats [0-9.]+× (met|MISSED)");
    }

    @Test
    void runsTinySizesPrintsTheTableAndCleansUp() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        BenchOptions o = new BenchOptions(BenchTestData.fuser(), work, List.of(19L, 57L), 1, ownClasspath(), false);

        int code = Benchmark.run(o, out, err);

        assertThat(code).as(out() + err()).isZero();
        assertThat(err()).isEmpty();
        String text = out();
        assertThat(text).contains("size | rows (kernel/runtime/nvtx) | file MB | proflens s | proflens peak RSS MB | sqlite3 s | "
                + "sqlite3 peak RSS MB | speed-up (b/a)");
        assertThat(text).containsPattern("(?m)^19   \\| 19 / 967 / 639 +\\|");
        assertThat(text).containsPattern("(?m)^57   \\| 57 / 2,901 / 1,917 +\\|");
        assertThat(text).contains("scaling 19 -> 57: proflens time ratio");
        assertThat(text).contains("rows ratio 3.00").contains("targets:");
        if (SqliteBaseline.findSqlite3().isPresent()) {
            assertThat(text).containsPattern("speed-up [0-9.]+×");
        } else {
            assertThat(text).contains("sqlite3 not installed");
        }
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s).as("generated files are deleted").isEmpty();
        }
    }

    @Test
    void keepsAndReusesTiledFiles() throws Exception {
        Path work = dir.resolve("work");
        BenchOptions o = new BenchOptions(BenchTestData.fuser(), work, List.of(38L), 1, ownClasspath(), true);
        assertThat(Benchmark.run(o, out, err)).as(out() + err()).isZero();
        assertThat(out()).contains("building tiled-report1-x2.sqlite");
        assertThat(work.resolve("tiled-report1-x2.sqlite")).isRegularFile();
        outBytes.reset();
        assertThat(Benchmark.run(o, out, err)).as(out() + err()).isZero();
        assertThat(out()).contains("reusing tiled-report1-x2.sqlite (2 tiles");
    }

    @Test
    void failsWithOneLineWhenTheJarIsMissing() {
        BenchOptions o = new BenchOptions(BenchTestData.fuser(), dir, List.of(19L), 1, dir.resolve("nope.jar"), false);
        assertThat(Benchmark.run(o, out, err)).isEqualTo(Benchmark.EXIT_USAGE);
        assertThat(err().lines()).singleElement().asString().startsWith("proflens bench: proflens jar not found");
    }

    @Test
    void failsWithOneLineWhenTheSourceIsMissing() {
        BenchOptions o = new BenchOptions(dir.resolve("none.sqlite"), dir, List.of(19L), 1, dir, false);
        assertThat(Benchmark.run(o, out, err)).isEqualTo(Benchmark.EXIT_BAD_SOURCE);
        assertThat(err().lines()).singleElement().asString().startsWith("proflens bench: source export not found");
    }

    @Test
    void reportsAFailingProflensChild() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-classpath"));
        Path work = dir.resolve("work");
        BenchOptions o = new BenchOptions(BenchTestData.fuser(), work, List.of(19L), 1, empty, false);
        assertThat(Benchmark.run(o, out, err)).isEqualTo(Benchmark.EXIT_FAILED);
        assertThat(err().lines()).singleElement().asString()
                .startsWith("proflens bench: proflens failed at 19 kernels with -Xmx")
                .contains("exit 1");
        assertThat(out()).contains("FAILED");
    }

    @Test
    void parsesSizes() {
        assertThat(Benchmark.parseSize("1M")).isEqualTo(1_000_000L);
        assertThat(Benchmark.parseSize("10_000_000")).isEqualTo(10_000_000L);
        assertThat(Benchmark.parseSize("250k")).isEqualTo(250_000L);
        assertThat(Benchmark.parseSize("1.5M")).isEqualTo(1_500_000L);
        assertThat(Benchmark.sizeLabel(10_000_000L)).isEqualTo("10M");
        assertThat(Benchmark.sizeLabel(19)).isEqualTo("19");
    }

    @Test
    void gnuTimeOutputIsParsed() {
        assertThat(ChildMeter.parseGnuTime(List.of("123456 1.50 0.25"))).containsExactly(123456L, 1_750_000_000L);
        assertThat(ChildMeter.parseGnuTime(List.of("Command exited with non-zero status 1", "2048 0.00 0.01")))
                .containsExactly(2048L, 10_000_000L);
        assertThat(ChildMeter.parseGnuTime(List.of("777"))).containsExactly(777L, -1L);
        assertThat(ChildMeter.parseGnuTime(List.of())).containsExactly(-1L, -1L);
    }

    @Test
    void defaultsAreOneAndTenMillionKernels() {
        BenchOptions o = new BenchOptions(null, null, null, 0, null, false);
        assertThat(o.kernelCounts()).containsExactly(1_000_000L, 10_000_000L);
        assertThat(o.repeats()).isEqualTo(1);
        assertThat(o.source()).isEqualTo(BenchOptions.DEFAULT_SOURCE);
    }
}
