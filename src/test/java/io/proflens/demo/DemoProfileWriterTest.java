package io.proflens.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invariants of the default demo profile, checked over JDBC the way a reader would see the file. */
class DemoProfileWriterTest {
    /** Thread bits cleared: the process part of a globalTid, as GPU tables store it. */
    private static final String PROCESS_OF_TID = "((r.globalTid >> 24) << 24)";

    @TempDir
    static Path sharedDir;

    private static Path demo;

    @BeforeAll
    static void writeDefaultDemo() throws IOException {
        demo = sharedDir.resolve("demo.sqlite");
        DemoProfileWriter.write(demo, DemoSpec.defaults());
    }

    @Test
    void everyKernelMatchesExactlyOneEarlierRuntimeCallOfItsProcess() throws SQLException {
        for (String table : List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_MEMCPY",
                "CUPTI_ACTIVITY_KIND_MEMSET")) {
            long unmatched = queryLong("SELECT count(*) FROM " + table + " g WHERE (SELECT count(*) "
                    + "FROM CUPTI_ACTIVITY_KIND_RUNTIME r WHERE r.correlationId = g.correlationId AND "
                    + PROCESS_OF_TID + " = g.globalPid) <> 1");
            long launchedLate = queryLong("SELECT count(*) FROM " + table + " g JOIN CUPTI_ACTIVITY_KIND_RUNTIME r "
                    + "ON r.correlationId = g.correlationId AND " + PROCESS_OF_TID + " = g.globalPid "
                    + "WHERE NOT (r.start < r.end AND r.end <= g.start)");
            assertThat(unmatched).as("%s rows without exactly one runtime call", table).isZero();
            assertThat(launchedLate).as("%s rows starting before their API call returned", table).isZero();
        }
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL")).isBetween(1_000L, 3_000L);
    }

    @Test
    void launchCallsAreRuntimeLaunchesOnTheMainThread() throws SQLException {
        long wrong = queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL k JOIN CUPTI_ACTIVITY_KIND_RUNTIME r "
                + "USING (correlationId) JOIN StringIds s ON s.id = r.nameId "
                + "WHERE s.value <> 'cudaLaunchKernel_v7000' OR r.eventClass <> 0 OR r.globalTid <> "
                + DemoTimeline.MAIN_GLOBAL_TID);
        assertThat(wrong).isZero();
        assertThat(queryLong("SELECT count(DISTINCT correlationId) - count(*) FROM CUPTI_ACTIVITY_KIND_RUNTIME"))
                .as("runtime correlation ids are unique").isZero();
    }

    @Test
    void kernelsOnOneStreamDoNotOverlap() throws SQLException {
        long overlaps = queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL a JOIN CUPTI_ACTIVITY_KIND_KERNEL b "
                + "ON a.streamId = b.streamId AND a.rowid < b.rowid AND a.start < b.end AND b.start < a.end");
        assertThat(overlaps).isZero();
        assertThat(queryLongs("SELECT DISTINCT streamId FROM CUPTI_ACTIVITY_KIND_KERNEL ORDER BY 1"))
                .containsExactly(7L, 13L);
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL WHERE end <= start")).isZero();
    }

    @Test
    void layerRangesNestInsideExactlyOneStepRange() throws SQLException {
        long notNested = queryLong("SELECT count(*) FROM NVTX_EVENTS l WHERE (l.text LIKE 'layer\\_%' ESCAPE '\\' "
                + "OR l.text LIKE 'mtp\\_layer\\_%' ESCAPE '\\') AND (SELECT count(*) FROM NVTX_EVENTS s "
                + "WHERE s.text = 'decode_step' AND s.globalTid = l.globalTid "
                + "AND s.start < l.start AND l.end < s.end) <> 1");
        assertThat(notNested).isZero();
        long operatorsOutsideLayers = queryLong("SELECT count(*) FROM NVTX_EVENTS o WHERE o.text IN "
                + "('attention', 'experts', 'mlp', 'dispatch', 'combine') AND NOT EXISTS (SELECT 1 FROM NVTX_EVENTS l "
                + "WHERE l.text LIKE '%layer\\_%' ESCAPE '\\' AND l.start < o.start AND o.end < l.end)");
        assertThat(operatorsOutsideLayers).isZero();
    }

    @Test
    void layerRangeCountIsStepsTimesDenseAndMoeLayers() throws SQLException {
        DemoSpec spec = DemoSpec.defaults();
        assertThat(queryLong(
                "SELECT count(*) FROM NVTX_EVENTS WHERE eventType = 59 AND text LIKE 'layer\\_%' ESCAPE '\\'"))
                .isEqualTo((long) spec.steps() * (spec.denseLayers() + spec.moeLayers()));
        assertThat(queryLong("SELECT count(*) FROM NVTX_EVENTS WHERE text LIKE 'mtp\\_layer\\_%' ESCAPE '\\'"))
                .isEqualTo((long) spec.steps() * spec.mtpLayers());
        assertThat(queryLong("SELECT count(*) FROM NVTX_EVENTS WHERE text = 'decode_step'")).isEqualTo(spec.steps());
    }

    @Test
    void everyStepSynchronisesOnceAfterItsGpuWork() throws SQLException {
        DemoSpec spec = DemoSpec.defaults();
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_SYNCHRONIZATION s "
                + "JOIN CUPTI_ACTIVITY_KIND_RUNTIME r USING (correlationId) JOIN StringIds n ON n.id = r.nameId "
                + "WHERE n.value = 'cudaStreamSynchronize_v3020' AND s.syncType = 3 "
                + "AND r.start <= s.start AND s.end <= r.end")).isEqualTo(spec.steps());
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_SYNCHRONIZATION s "
                + "JOIN CUPTI_ACTIVITY_KIND_KERNEL k ON k.start < s.start AND k.end > s.end"))
                .as("kernels queued before a synchronize finish before it returns").isZero();
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_MEMCPY WHERE copyKind = 1 AND bytes = 4096"))
                .isEqualTo(spec.steps());
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_MEMCPY WHERE copyKind = 2 AND bytes = 512"))
                .isEqualTo(spec.steps());
        assertThat(queryLong("SELECT count(*) FROM CUPTI_ACTIVITY_KIND_MEMSET WHERE bytes = 65536 AND memKind = 2"))
                .isEqualTo(spec.steps());
    }

    @Test
    void metadataAndNamesSayTheDataAreSynthetic() throws SQLException {
        Map<String, String> meta = new LinkedHashMap<>();
        try (Connection c = open(demo); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, value FROM META_DATA_EXPORT")) {
            while (rs.next()) {
                meta.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(meta).containsEntry("PROFLENS_SYNTHETIC", "true")
                .containsEntry("EXPORT_PRODUCT_NAME", "proflens demo generator (SYNTHETIC data)")
                .containsEntry("EXPORT_PRODUCT_VERSION", "2024.6.2.25")
                .containsEntry("EXPORT_SCHEMA_VERSION", "3.16.1")
                .containsEntry("PROFLENS_DEMO_SPEC", DemoSpec.defaults().describe());
        assertThat(queryLong("SELECT count(*) FROM PROCESSES WHERE name LIKE '%synthetic%'")).isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM NVTX_EVENTS WHERE eventType = 34 AND end IS NULL "
                + "AND text = 'proflens demo: SYNTHETIC profile'")).isEqualTo(1);
    }

    @Test
    void analysisSpanCoversEveryEvent() throws SQLException {
        long start = queryLong("SELECT startTime FROM ANALYSIS_DETAILS");
        long stop = queryLong("SELECT stopTime FROM ANALYSIS_DETAILS");
        assertThat(queryLong("SELECT duration FROM ANALYSIS_DETAILS")).isEqualTo(stop - start);
        for (String table : List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_RUNTIME",
                "CUPTI_ACTIVITY_KIND_MEMCPY", "CUPTI_ACTIVITY_KIND_MEMSET", "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
                "NVTX_EVENTS", "OSRT_API")) {
            assertThat(queryLong("SELECT min(start) FROM " + table)).as(table).isGreaterThanOrEqualTo(start);
            assertThat(queryLong("SELECT max(coalesce(end, start)) FROM " + table)).as(table).isLessThanOrEqualTo(stop);
        }
        assertThat(start).isEqualTo(1_000_000_000L);
    }

    @Test
    void schemaHasTheNsysColumnOrder() throws SQLException {
        assertThat(columns("CUPTI_ACTIVITY_KIND_KERNEL")).containsExactly("start", "end", "deviceId", "contextId",
                "greenContextId", "streamId", "correlationId", "globalPid", "demangledName", "shortName",
                "mangledName", "launchType", "cacheConfig", "registersPerThread", "gridX", "gridY", "gridZ", "blockX",
                "blockY", "blockZ", "staticSharedMemory", "dynamicSharedMemory", "localMemoryPerThread",
                "localMemoryTotal", "gridId", "sharedMemoryExecuted", "graphNodeId", "sharedMemoryLimitConfig");
        assertThat(columns("OSRT_API")).containsExactly("start", "end", "eventClass", "globalTid", "nameId",
                "returnValue", "nestingLevel", "callchainId");
        assertThat(queryLong("SELECT count(*) FROM ENUM_CUDA_MEMCPY_OPER")).isEqualTo(14);
    }

    @Test
    void sameSpecGivesIdenticalTableContents(@TempDir Path dir) throws Exception {
        Path again = dir.resolve("again.sqlite");
        DemoProfileWriter.write(again, DemoSpec.defaults());
        Map<String, String> first = tableChecksums(demo);
        assertThat(first).hasSize(16);
        assertThat(tableChecksums(again)).isEqualTo(first);

        Path otherSeed = dir.resolve("other-seed.sqlite");
        DemoProfileWriter.write(otherSeed, new DemoSpec(4, 3, 12, 1, 7L));
        assertThat(tableChecksums(otherSeed).get("CUPTI_ACTIVITY_KIND_KERNEL"))
                .as("the checksum does see timing changes")
                .isNotEqualTo(first.get("CUPTI_ACTIVITY_KIND_KERNEL"));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo.sqlite");
        Files.writeString(out, "not a database", StandardCharsets.UTF_8);
        DemoProfileWriter.write(out, new DemoSpec(1, 1, 1, 1, 1L));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
        try (Connection c = open(out); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM NVTX_EVENTS WHERE text LIKE 'layer\\_%' ESCAPE '\\'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(2);
        }
    }

    @Test
    void defaultFileIsSmall() throws IOException {
        assertThat(Files.size(demo)).isLessThan(3L * 1024 * 1024);
    }

    @Test
    void missingDirectoryIsAnIOException(@TempDir Path dir) {
        assertThatThrownBy(() -> DemoProfileWriter.write(dir.resolve("missing/demo.sqlite"), DemoSpec.defaults()))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 3, 12, 1, steps",
        "-1, 3, 12, 1, steps",
        "4, 0, 12, 1, denseLayers",
        "4, 3, 0, 1, moeLayers",
        "4, 3, 12, 0, mtpLayers",
        "10001, 3, 12, 1, steps",
        "4, 3, 1001, 1, moeLayers",
    })
    void badSpecIsRejected(int steps, int dense, int moe, int mtp, String field) {
        assertThatThrownBy(() -> new DemoSpec(steps, dense, moe, mtp, 42L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field);
    }

    private static List<String> columns(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = open(demo); PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM pragma_table_info(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** SHA-256 over every table's rows in rowid order, with each value's storage class, keyed by table name. */
    private static Map<String, String> tableChecksums(Path file) throws SQLException, NoSuchAlgorithmException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection c = open(file)) {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            String cell = v == null ? "\u0000NULL" : v.getClass().getSimpleName() + ":" + v;
                            md.update(cell.getBytes(StandardCharsets.UTF_8));
                            md.update((byte) 0x1F);
                        }
                        md.update((byte) 0x1E);
                    }
                }
                sums.put(table, HexFormat.of().formatHex(md.digest()));
            }
        }
        return sums;
    }

    private static long queryLong(String sql) throws SQLException {
        List<Long> values = queryLongs(sql);
        assertThat(values).as(sql).hasSize(1);
        return values.get(0);
    }

    private static List<Long> queryLongs(String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Connection c = open(demo); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }
}
