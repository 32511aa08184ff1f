package io.proflens.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiling the small real Fuser export 3×. */
class TiledExportBuilderTest {
    private static final int TILES = 3;

    @TempDir
    Path dir;

    @Test
    void tilesFuserExportThreeTimes() throws Exception {
        Path src = BenchTestData.fuser();
        String shaBefore = SqliteFiles.sha256(src);
        List<Path> siblingsBefore = siblings(src);
        Path out = dir.resolve("fuser-x3.sqlite");
        List<String> events = new ArrayList<>();
        ProgressListener progress = new ProgressListener() {
            @Override public void begin(String task, long total) { events.add("begin " + total); }
            @Override public void advance(long done) { events.add("advance " + done); }
            @Override public void end() { events.add("end"); }
        };

        TiledExportBuilder.SourceInfo info = TiledExportBuilder.inspect(src);
        assertThat(info.kernels()).isEqualTo(19);
        // 3 tiles are needed for 3 × 19 kernels (and for 39: ceil(39 / 19) = 3).
        assertThat(info.tilesFor(57)).isEqualTo(TILES);
        assertThat(info.tilesFor(39)).isEqualTo(TILES);
        TiledExportBuilder.build(src, out, 57, progress);

        assertThat(events).containsExactly("begin 3", "advance 1", "advance 2", "advance 3", "end");
        assertThat(out).isRegularFile();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("fuser-x3.sqlite"); // no temp left
        }

        try (Connection s = SqliteFiles.openReadOnly(src); Connection o = SqliteFiles.openReadOnly(out)) {
            Map<String, List<String>> srcTables = SqliteFiles.tables(s, "main");
            Map<String, List<String>> outTables = SqliteFiles.tables(o, "main");
            assertThat(outTables.keySet()).containsAll(srcTables.keySet());
            for (Map.Entry<String, List<String>> e : srcTables.entrySet()) {
                String t = e.getKey();
                assertThat(outTables.get(t)).as("columns of %s", t).isEqualTo(e.getValue());
                long n = count(s, t);
                long expected = TiledExportBuilder.EVENT_TABLES.contains(t) ? TILES * n
                        : t.equals("META_DATA_EXPORT") ? n + 5 + 6 : n; // + bookkeeping rows (5 + one per tiled table)
                assertThat(count(o, t)).as("rows of %s", t).isEqualTo(expected);
            }
            assertThat(count(s, "CUPTI_ACTIVITY_KIND_KERNEL")).isEqualTo(19);
            assertThat(count(s, "CUPTI_ACTIVITY_KIND_RUNTIME")).isEqualTo(967);
            assertThat(count(s, "NVTX_EVENTS")).isEqualTo(639);

            long stride = info.timeStrideNs();
            assertThat(stride).isEqualTo(info.maxEndNs() - info.minStartNs() + TiledExportBuilder.TILE_GAP_NS);
            long corrStride = info.correlationStride();
            assertThat(corrStride).isPositive();
            for (String t : TiledExportBuilder.EVENT_TABLES) {
                if (!srcTables.containsKey(t)) {
                    continue;
                }
                long n = count(s, t);
                // Row i of tile k is row i of tile 0 shifted by exactly k × stride (and k × corrStride).
                for (int k = 1; k < TILES; k++) {
                    String join = "FROM " + t + " a JOIN " + t + " b ON b.rowid = a.rowid + " + (k * n) + " WHERE a.rowid <= " + n;
                    assertThat(SqliteFiles.queryLong(o, "SELECT count(*) " + join + " AND (b.start - a.start <> " + (k * stride)
                            + " OR coalesce(b.\"end\" - a.\"end\", " + (k * stride) + ") <> " + (k * stride) + ")", -1))
                            .as("time shift of tile %d in %s", k, t).isZero();
                    if (srcTables.get(t).contains("correlationId")) {
                        assertThat(SqliteFiles.queryLong(o, "SELECT count(*) " + join + " AND a.correlationId > 0 AND "
                                + "b.correlationId - a.correlationId <> " + (k * corrStride), -1))
                                .as("correlation shift of tile %d in %s", k, t).isZero();
                    }
                }
                // Tile 0 is the source itself.
                assertThat(SqliteFiles.queryLong(o, "SELECT min(start) FROM " + t + " WHERE rowid <= " + n, -1))
                        .isEqualTo(SqliteFiles.queryLong(s, "SELECT min(start) FROM " + t, -2));
            }
            // Tiles do not overlap: every event of tile k ends before any event of tile k+1 starts.
            for (int k = 0; k + 1 < TILES; k++) {
                long endK = Long.MIN_VALUE;
                long startNext = Long.MAX_VALUE;
                for (String t : TiledExportBuilder.EVENT_TABLES) {
                    if (!srcTables.containsKey(t)) {
                        continue;
                    }
                    long n = count(s, t);
                    endK = Math.max(endK, SqliteFiles.queryLong(o, "SELECT max(coalesce(\"end\", start)) FROM " + t
                            + " WHERE rowid > " + (k * n) + " AND rowid <= " + ((k + 1) * n), Long.MIN_VALUE));
                    startNext = Math.min(startNext, SqliteFiles.queryLong(o, "SELECT min(start) FROM " + t
                            + " WHERE rowid > " + ((k + 1) * n) + " AND rowid <= " + ((k + 2) * n), Long.MAX_VALUE));
                }
                assertThat(endK).as("end of tile %d", k).isLessThan(startNext);
                assertThat(startNext - endK).isGreaterThanOrEqualTo(TiledExportBuilder.TILE_GAP_NS);
            }
            // Correlation ids are unique per process in the API table, and every kernel/memcpy/memset still
            // finds its launching call in the same process.
            String runtimeDupes = "SELECT count(*) FROM (SELECT globalTid & 0xFFFFFFFFFF000000 AS p, correlationId, count(*) AS n "
                    + "FROM CUPTI_ACTIVITY_KIND_RUNTIME WHERE correlationId > 0 GROUP BY 1, 2 HAVING n > 1)";
            assertThat(SqliteFiles.queryLong(s, runtimeDupes, -1)).isZero();
            assertThat(SqliteFiles.queryLong(o, runtimeDupes, -1)).isZero();
            for (String g : List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_MEMCPY", "CUPTI_ACTIVITY_KIND_MEMSET")) {
                String dupes = "SELECT count(*) FROM (SELECT globalPid, correlationId, count(*) AS n FROM " + g
                        + " WHERE correlationId > 0 GROUP BY 1, 2 HAVING n > 1)";
                assertThat(SqliteFiles.queryLong(o, dupes, -1)).as("duplicate correlation ids in %s", g)
                        .isEqualTo(TILES * SqliteFiles.queryLong(s, dupes, -1));
                String linked = "SELECT count(*) FROM " + g + " k JOIN CUPTI_ACTIVITY_KIND_RUNTIME r ON r.correlationId = k.correlationId "
                        + "AND (r.globalTid & 0xFFFFFFFFFF000000) = k.globalPid";
                assertThat(SqliteFiles.queryLong(o, linked, -1)).as("launch links of %s", g)
                        .isEqualTo(TILES * SqliteFiles.queryLong(s, linked, -1));
            }
            assertThat(SqliteFiles.queryLong(o, "SELECT max(correlationId) FROM CUPTI_ACTIVITY_KIND_RUNTIME", -1))
                    .isLessThan(Integer.MAX_VALUE);
        }

        TiledExportBuilder.Result r = TiledExportBuilder.describe(out).orElseThrow();
        assertThat(r.tiles()).isEqualTo(TILES);
        assertThat(r.source()).isEqualTo(src.toAbsolutePath().normalize().toString());
        assertThat(r.sourceSha256()).isEqualTo(shaBefore);
        assertThat(r.rows(TiledExportBuilder.KERNEL)).isEqualTo(57);
        assertThat(r.rows(TiledExportBuilder.RUNTIME)).isEqualTo(3 * 967);
        assertThat(r.timeStrideNs()).isEqualTo(info.timeStrideNs());
        assertThat(r.fileBytes()).isEqualTo(Files.size(out));

        // The source is untouched: same bytes, no journal or other file created next to it.
        assertThat(SqliteFiles.sha256(src)).isEqualTo(shaBefore);
        assertThat(siblings(src)).isEqualTo(siblingsBefore);
    }

    @Test
    void rebuildingReplacesTheOutput() throws Exception {
        Path src = BenchTestData.fuser();
        Path out = dir.resolve("x.sqlite");
        TiledExportBuilder.buildTiles(src, out, 2, ProgressListener.NONE);
        TiledExportBuilder.Result r = TiledExportBuilder.buildTiles(src, out, 1, ProgressListener.NONE);
        assertThat(r.rows(TiledExportBuilder.KERNEL)).isEqualTo(19);
        try (Connection o = SqliteFiles.openReadOnly(out)) {
            assertThat(count(o, "CUPTI_ACTIVITY_KIND_KERNEL")).isEqualTo(19);
        }
        assertThat(TiledExportBuilder.describe(out).orElseThrow().tiles()).isEqualTo(1);
        assertThat(TiledExportBuilder.describe(src)).isEmpty();
    }

    @Test
    void refusesWhenDiskSpaceIsShortWithoutWritingAnything() throws Exception {
        Path src = BenchTestData.fuser();
        long free = Files.getFileStore(dir).getUsableSpace();
        long tiles = free / Files.size(src) + 1; // estimate > free space, far more than 3× short
        Path out = dir.resolve("huge.sqlite");
        assertThatThrownBy(() -> TiledExportBuilder.buildTiles(src, out, tiles, ProgressListener.NONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not enough free disk space");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void refusesToOverwriteTheSource() throws Exception {
        Path copy = dir.resolve("copy.sqlite");
        Files.copy(BenchTestData.fuser(), copy);
        String sha = SqliteFiles.sha256(copy);
        assertThatThrownBy(() -> TiledExportBuilder.buildTiles(copy, copy, 2, ProgressListener.NONE))
                .isInstanceOf(IOException.class).hasMessageContaining("must not be the source");
        assertThat(SqliteFiles.sha256(copy)).isEqualTo(sha);
    }

    @Test
    void rejectsMissingAndNonSqliteSources() throws Exception {
        assertThatThrownBy(() -> TiledExportBuilder.inspect(dir.resolve("nope.sqlite")))
                .isInstanceOf(IOException.class).hasMessageContaining("no such file");
        Path txt = Files.writeString(dir.resolve("not.sqlite"), "hello, not a database\n".repeat(100));
        assertThatThrownBy(() -> TiledExportBuilder.inspect(txt)).isInstanceOf(IOException.class);
    }

    @Test
    void shiftedColumnsTouchOnlyTimesAndCorrelation() {
        assertThat(TiledExportBuilder.shiftedColumns(List.of("start", "end", "deviceId", "correlationId", "qmdLastCtaDone")))
                .isEqualTo("\"start\" + ?1, \"end\" + ?1, \"deviceId\", CASE WHEN \"correlationId\" > 0 THEN "
                        + "\"correlationId\" + ?2 ELSE \"correlationId\" END, \"qmdLastCtaDone\" + ?1");
    }

    private static long count(Connection c, String table) throws SQLException {
        return SqliteFiles.queryLong(c, "SELECT count(*) FROM " + SqliteFiles.ident(table), -1);
    }

    private static List<Path> siblings(Path file) throws IOException {
        try (Stream<Path> s = Files.list(file.getParent())) {
            return s.sorted().toList();
        }
    }
}
