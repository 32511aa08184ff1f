package io.proflens.analysis.gputime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.gputime.GpuGaps.DeviceGaps;
import io.proflens.analysis.gputime.GpuGaps.Gap;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GpuGaps} against hand-computed cases and, for every nsys export, against the nsys {@code gpu_gaps} pairing
 * (ROW_NUMBER over starts and over ends, end j with start j+1) evaluated by SQLite on the raw export.
 */
class GpuGapsTest {

    @Test
    void findsTheHolesBetweenOperationsPerDevice() {
        GpuUtilizationTest.Synth s = new GpuUtilizationTest.Synth();
        // pid 1 device 0: [100,500) on stream 1 overlaps [200,300) on stream 2 -> the end at 300 opens no gap
        s.contextId = 4;
        s.kernel(1, 0, 1, 100, 500, "a", -1);
        s.kernel(1, 0, 2, 200, 300, "b", -1);
        s.memcpy(1, 0, 1, 900, 1000, -1);      // gap [500, 900) = 400
        s.memset(1, 0, 1, 1000, 1100, -1);     // touching: no gap
        s.kernel(1, 0, 1, 1300, 1400, "c", -1); // gap [1100, 1300) = 200
        // pid 1 device 1: one gap of 50
        s.contextId = 6;
        s.kernel(1, 1, 1, 100, 200, "a", -1);
        s.kernel(1, 1, 1, 250, 300, "a", -1);
        // pid 2 device 0: single op, no gap
        s.kernel(2, 0, 1, 10, 20, "a", -1);
        Trace t = s.build();

        GpuGaps g = GpuGaps.of(t, 0);
        assertThat(g.gaps()).containsExactly(new Gap(500, 400, 1, 0, 4), new Gap(1100, 200, 1, 0, 4),
                new Gap(200, 50, 1, 1, 6));
        assertThat(g.count()).isEqualTo(3);
        assertThat(g.totalGapNs()).isEqualTo(650);
        assertThat(g.gaps().get(0).endNs()).isEqualTo(900);
        assertThat(g.devices()).containsExactly(new DeviceGaps(1, 0, 2, 600, 400), new DeviceGaps(1, 1, 1, 50, 50),
                new DeviceGaps(2, 0, 0, 0, 0));

        // strictly longer than the threshold
        assertThat(GpuGaps.of(t, 200).gaps()).containsExactly(new Gap(500, 400, 1, 0, 4));
        assertThat(GpuGaps.of(t, 199).gaps()).hasSize(2);
        assertThat(GpuGaps.of(t).gaps()).isEmpty();
        assertThat(GpuGaps.DEFAULT_MIN_GAP_NS).isEqualTo(500_000_000L);
        assertThatThrownBy(() -> GpuGaps.of(t, -1)).isInstanceOf(IllegalArgumentException.class);

        ResultTable table = g.toTable();
        assertThat(table.reportName()).isEqualTo("gpu_gaps");
        assertThat(table.columns()).extracting(ResultTable.Column::label)
                .containsExactly("Duration", "Start", "PID", "Device ID", "Context ID");
        assertThat(table.rows().get(0)).containsExactly(400L, 500L, 1L, 0L, 4L);
    }

    @Test
    void aZeroLengthOperationSplitsAGapAsInNsys() {
        GpuUtilizationTest.Synth s = new GpuUtilizationTest.Synth();
        s.kernel(1, 0, 1, 100, 200, "a", -1);
        s.kernel(1, 0, 1, 250, 250, "empty", -1);
        s.kernel(1, 0, 1, 400, 500, "a", -1);
        assertThat(GpuGaps.of(s.build(), 0).gaps()).containsExactly(new Gap(250, 150, 1, 0, 1), new Gap(200, 50, 1, 0, 1));
    }

    static List<Path> nsysExports() {
        return TestData.allNsysExports();
    }

    @ParameterizedTest
    @MethodSource("nsysExports")
    void matchesTheNsysPairingEvaluatedBySqliteOnTheRawExport(Path export) throws SQLException {
        Trace t = TestData.load(export);
        for (long threshold : new long[] {0, 10_000, 1_000_000}) {
            List<Gap> expected = sqlGaps(export, threshold);
            GpuGaps g = GpuGaps.of(t, threshold);
            assertThat(g.gaps()).as(export.getFileName() + " threshold " + threshold).isEqualTo(expected);
            assertThat(g.totalGapNs()).isEqualTo(expected.stream().mapToLong(Gap::durationNs).sum());
        }
    }

    /** The rule's query shape, written for these tests: gaps ordered by duration desc, then start (then pid, device). */
    private static List<Gap> sqlGaps(Path export, long threshold) throws SQLException {
        List<Gap> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + export + "?mode=ro")) {
            List<String> parts = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                for (String table : List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_MEMCPY",
                        "CUPTI_ACTIVITY_KIND_MEMSET")) {
                    try (ResultSet rs = st.executeQuery(
                            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + table + "'")) {
                        if (rs.getInt(1) > 0) {
                            parts.add("SELECT start, end, (globalPid >> 24) & 16777215 AS pid, deviceId, contextId FROM "
                                    + table + " WHERE start > 0 AND end IS NOT NULL");
                        }
                    }
                }
            }
            if (parts.isEmpty()) {
                return out;
            }
            String sql = "WITH ops AS (" + String.join(" UNION ALL ", parts) + "), "
                    + "s AS (SELECT ROW_NUMBER() OVER (ORDER BY pid, deviceId, start) AS rn, start, pid, deviceId FROM ops), "
                    + "e AS (SELECT ROW_NUMBER() OVER (ORDER BY pid, deviceId, end) AS rn, end, pid, deviceId, contextId "
                    + "      FROM ops) "
                    + "SELECT s.start - e.end AS dur, e.end AS gapStart, e.pid, e.deviceId, e.contextId "
                    + "FROM s JOIN e ON s.rn - 1 = e.rn AND s.pid = e.pid AND s.deviceId = e.deviceId "
                    + "WHERE s.start - e.end > ? AND e.end < s.start "
                    + "ORDER BY dur DESC, gapStart, e.pid, e.deviceId";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, threshold);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Gap(rs.getLong(2), rs.getLong(1), rs.getInt(3), rs.getInt(4), rs.getInt(5)));
                    }
                }
            }
        }
        return out;
    }
}
