package io.proflens.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sqlite3 baseline computes the same numbers as proflens, so the benchmark compares equal work. Runs
 * the real {@code sqlite3} shell (skipped when it is not on PATH).
 */
class SqliteBaselineTest {
    private static final long TIMEOUT_S = 120;

    @TempDir
    Path dir;

    private static Path sqlite3() {
        Path p = SqliteBaseline.findSqlite3().orElse(null);
        Assumptions.assumeTrue(p != null, "sqlite3 is not on PATH");
        return p;
    }

    private static Trace load(Path file) throws Exception {
        return new TraceImporter().read(file, ImportOptions.all(), ProgressListener.NONE);
    }

    private static ResultTable proflens(Trace t, String report) {
        StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata()));
        return new StatsReportRegistry().get(report).compute(t, ctx);
    }

    private static List<List<String>> baseline(Path sqlite3, Path db, String report) throws Exception {
        String csv = SqliteBaseline.run(sqlite3, db, SqliteBaseline.forFile(db).reportScript(report), TIMEOUT_S);
        List<List<String>> rows = io.proflens.TestData.parseCsv(csv);
        assertThat(rows).isNotEmpty();
        return rows.subList(1, rows.size()); // without header
    }

    @Test
    void kernelSummaryMatchesProflensOnFuser() throws Exception {
        Path sqlite3 = sqlite3();
        Path db = BenchTestData.fuser();
        ResultTable p = proflens(load(db), "cuda_gpu_kern_sum");
        List<List<String>> b = baseline(sqlite3, db, "cuda_gpu_kern_sum");

        assertThat(p.size()).isEqualTo(15);
        assertThat(b).hasSize(p.size());
        for (int i = 0; i < p.size(); i++) {
            Object[] pr = p.rows().get(i);
            List<String> br = b.get(i);
            // Time(%), Total, Instances, Avg, Med, Min, Max, StdDev, Name — same order as nsys sorts.
            assertThat(br.get(8)).as("name of row %d", i).isEqualTo(pr[8]);
            assertThat(Long.parseLong(br.get(1))).as("total of %s", pr[8]).isEqualTo(pr[1]);
            assertThat(Long.parseLong(br.get(2))).as("instances of %s", pr[8]).isEqualTo(pr[2]);
            assertThat(Long.parseLong(br.get(5))).as("min of %s", pr[8]).isEqualTo(pr[5]);
            assertThat(Long.parseLong(br.get(6))).as("max of %s", pr[8]).isEqualTo(pr[6]);
            assertThat(Double.parseDouble(br.get(0))).isCloseTo(((Number) pr[0]).doubleValue(), within(0.051));
            assertThat(Double.parseDouble(br.get(3))).isCloseTo(((Number) pr[3]).doubleValue(), within(0.051));
            assertThat(Double.parseDouble(br.get(4))).isCloseTo(((Number) pr[4]).doubleValue(), within(0.051));
            assertThat(Double.parseDouble(br.get(7))).isCloseTo(((Number) pr[7]).doubleValue(), within(0.15));
        }
        // nsys ground truth (nsys-log.txt): the top kernel and the 3-instance AbsFunctor row.
        assertThat(b.get(0).subList(0, 8)).containsExactly("33.8", "135999", "1", "135999.0", "135999.0", "135999", "135999", "0.0");
        assertThat(b).anySatisfy(r -> assertThat(r.subList(0, 8))
                .containsExactly("4.8", "19424", "3", "6474.7", "6464.0", "6432", "6528", "48.9"));
    }

    @Test
    void otherDefaultReportsMatchProflensOnFuser() throws Exception {
        Path sqlite3 = sqlite3();
        Path db = BenchTestData.fuser();
        Trace t = load(db);
        // name columns: nvtx_sum has Style + Range after the 8 statistics.
        compareUnordered(proflens(t, "nvtx_sum"), baseline(sqlite3, db, "nvtx_sum"), 8, 2, true);
        compareUnordered(proflens(t, "cuda_api_sum"), baseline(sqlite3, db, "cuda_api_sum"), 8, 1, true);
        compareUnordered(proflens(t, "cuda_gpu_mem_time_sum"), baseline(sqlite3, db, "cuda_gpu_mem_time_sum"), 8, 1, true);
        compareUnordered(proflens(t, "cuda_gpu_mem_size_sum"), baseline(sqlite3, db, "cuda_gpu_mem_size_sum"), 7, 1, false);
        // Ground truth: cudaMalloc ×10 (even count → median of the middle pair; sample stddev).
        assertThat(baseline(sqlite3, db, "cuda_api_sum")).anySatisfy(r -> assertThat(r)
                .containsExactly("1.3", "1148664", "10", "114866.4", "129926.5", "2424", "170853", "50599.6", "cudaMalloc"));
        assertThat(SqliteBaseline.forFile(db).skipped()).containsOnlyKeys("osrt_sum");
    }

    @Test
    void osrtSummaryMatchesProflens() throws Exception {
        Path sqlite3 = sqlite3();
        Path db = BenchTestData.withOsrt();
        compareUnordered(proflens(load(db), "osrt_sum"), baseline(sqlite3, db, "osrt_sum"), 8, 1, true);
    }

    @Test
    void fullScriptRunsOnATiledExport() throws Exception {
        Path sqlite3 = sqlite3();
        Path tiled = dir.resolve("fuser-x3.sqlite");
        TiledExportBuilder.buildTiles(BenchTestData.fuser(), tiled, 3, ProgressListener.NONE);
        SqliteBaseline b = SqliteBaseline.forFile(tiled);
        String script = b.script();
        for (String r : SqliteBaseline.REPORTS) {
            assertThat(script).contains(".print ** " + r + "\n");
        }
        String out = SqliteBaseline.run(sqlite3, tiled, script, TIMEOUT_S);
        assertThat(out).contains("SKIPPED: fuser-x3.sqlite does not contain OS Runtime trace data.");
        // Tiling 3× triples every count and total; the top kernel now has 3 instances.
        List<List<String>> kern = baseline(sqlite3, tiled, "cuda_gpu_kern_sum");
        assertThat(kern.get(0).subList(1, 8)).containsExactly("407997", "3", "135999.0", "135999.0", "135999", "135999", "0.0");
        ResultTable p = proflens(load(tiled), "cuda_gpu_kern_sum");
        assertThat(kern).hasSize(p.size());
        assertThat(Long.parseLong(kern.get(0).get(1))).isEqualTo(p.rows().get(0)[1]);
    }

    @Test
    void commandOpensTheFileReadOnlyAndImmutable() {
        assertThat(SqliteBaseline.command(Path.of("/usr/bin/sqlite3"), Path.of("/data/a b#c.sqlite")))
                .containsExactly("/usr/bin/sqlite3", "-readonly", "file:/data/a%20b%23c.sqlite?immutable=1");
    }

    /**
     * Compares proflens rows and baseline CSV rows as multisets keyed by the trailing name columns (tie order
     * may differ): count, total, min and max exactly; averages, medians and percent to 0.05; stddev to 0.15.
     */
    private static void compareUnordered(ResultTable p, List<List<String>> b, int firstName, int names, boolean percent) {
        assertThat(p.size()).as(p.reportName() + " rows").isPositive();
        assertThat(b).as(p.reportName()).hasSize(p.size());
        List<String> pk = new ArrayList<>();
        for (Object[] r : p.rows()) {
            pk.add(key(r, firstName, names));
        }
        List<String> bk = new ArrayList<>();
        for (List<String> r : b) {
            bk.add(key(r.toArray(), firstName, names));
        }
        assertThat(bk).as(p.reportName() + " names").containsExactlyInAnyOrderElementsOf(pk);
        List<Object[]> ps = new ArrayList<>(p.rows());
        List<List<String>> bs = new ArrayList<>(b);
        ps.sort(Comparator.comparing((Object[] r) -> key(r, firstName, names)).thenComparing(r -> ((Number) r[percent ? 1 : 0]).longValue()));
        bs.sort(Comparator.comparing((List<String> r) -> key(r.toArray(), firstName, names))
                .thenComparing(r -> Long.parseLong(r.get(percent ? 1 : 0))));
        int o = percent ? 1 : 0; // offset of Total
        for (int i = 0; i < ps.size(); i++) {
            Object[] pr = ps.get(i);
            List<String> br = bs.get(i);
            String what = p.reportName() + " " + key(pr, firstName, names);
            assertThat(Long.parseLong(br.get(o))).as("total of %s", what).isEqualTo(((Number) pr[o]).longValue());
            assertThat(Long.parseLong(br.get(o + 1))).as("count of %s", what).isEqualTo(((Number) pr[o + 1]).longValue());
            assertThat(Long.parseLong(br.get(o + 4))).as("min of %s", what).isEqualTo(((Number) pr[o + 4]).longValue());
            assertThat(Long.parseLong(br.get(o + 5))).as("max of %s", what).isEqualTo(((Number) pr[o + 5]).longValue());
            if (percent) {
                assertThat(Double.parseDouble(br.get(0))).as("percent of %s", what).isCloseTo(((Number) pr[0]).doubleValue(), within(0.051));
            }
            assertThat(Double.parseDouble(br.get(o + 2))).as("avg of %s", what).isCloseTo(((Number) pr[o + 2]).doubleValue(), within(0.051));
            assertThat(Double.parseDouble(br.get(o + 3))).as("med of %s", what).isCloseTo(((Number) pr[o + 3]).doubleValue(), within(0.051));
            assertThat(Double.parseDouble(br.get(o + 6))).as("stddev of %s", what).isCloseTo(((Number) pr[o + 6]).doubleValue(), within(0.15));
        }
    }

    private static String key(Object[] r, int first, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = first; i < first + n; i++) {
            sb.append(r[i] == null ? "" : r[i].toString()).append('\u0001');
        }
        return sb.toString();
    }
}
