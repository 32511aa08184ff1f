package io.proflens.analysis.gputime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.gputime.GpuUtilization.Chunk;
import io.proflens.analysis.gputime.GpuUtilization.Device;
import io.proflens.analysis.gputime.GpuUtilization.LowUtilization;
import io.proflens.analysis.gputime.GpuUtilization.Stream;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GpuUtilization} against hand-computed cases and, for every nsys export, against a brute-force evaluation of
 * the nsys {@code gpu_time_util} definition over the raw SQLite rows (nsys-reference.md §8).
 */
class GpuUtilizationTest {

    /** Builds small synthetic traces: GPU ops with optional launching API calls. */
    static final class Synth {
        private final StringTable strings = new StringTable();
        private final KernelTable.Builder kernels = new KernelTable.Builder(true, false, 16);
        private final MemcpyTable.Builder memcpys = new MemcpyTable.Builder(true, 16);
        private final MemsetTable.Builder memsets = new MemsetTable.Builder(true, 16);
        private final ApiCallTable.Builder api = new ApiCallTable.Builder(true, 16);
        private final NvtxTable.Builder nvtx = new NvtxTable.Builder(true, 4);
        private int corr = 1;
        int contextId = 1;

        /** @param launchStartNs start of the launching runtime call, or -1 for none in the trace */
        Synth kernel(int pid, int device, int stream, long start, long end, String name, long launchStartNs) {
            int c = launch(pid, launchStartNs, "cudaLaunchKernel");
            int id = strings.intern(name);
            kernels.add(start, end, device, contextId, stream, c, GlobalIds.globalTid(0, pid, 0), id, id,
                    StringTable.NONE);
            return this;
        }

        Synth memcpy(int pid, int device, int stream, long start, long end, long launchStartNs) {
            int c = launch(pid, launchStartNs, "cudaMemcpyAsync");
            memcpys.add(start, end, device, contextId, stream, c, GlobalIds.globalTid(0, pid, 0), 1024, 1, 0, 0);
            return this;
        }

        Synth memset(int pid, int device, int stream, long start, long end, long launchStartNs) {
            int c = launch(pid, launchStartNs, "cudaMemsetAsync");
            memsets.add(start, end, device, contextId, stream, c, GlobalIds.globalTid(0, pid, 0), 1024, 0, 0);
            return this;
        }

        Synth userAnnotation(int pid, long start, long end, String name) {
            nvtx.add(start, end, NvtxTable.PUSH_POP, strings.intern(name), 0, StringTable.NONE,
                    GlobalIds.globalTid(0, pid, pid), GlobalIds.globalTid(0, pid, pid));
            return this;
        }

        private int launch(int pid, long launchStartNs, String name) {
            int c = corr++;
            if (launchStartNs >= 0) {
                api.add(launchStartNs, launchStartNs + 5, GlobalIds.globalTid(0, pid, pid), c, strings.intern(name),
                        ApiCallTable.CLASS_CUDA_RUNTIME, 0, 0);
            }
            return c;
        }

        Trace build() {
            TraceMetadata meta = new TraceMetadata("synthetic", "test", "test", null, null, null, true, Map.of());
            return new Trace(meta, strings, kernels.build(), memcpys.build(), memsets.build(), api.build(),
                    SyncTable.empty(false), nvtx.build(), ApiCallTable.empty(false), Map.of(), Map.of(), List.of(),
                    List.of(), null);
        }
    }

    /**
     * pid 1 device 0: stream 7 kernels [100,200) and [150,300), memset [600,700); stream 8 memcpy [250,400).
     * Union [100,400) ∪ [600,700) = 400 busy of 600. With 3 chunks of 200 ns: in-use 300/200 = 150 %, 100/200 = 50 %,
     * 100/200 = 50 %; busy 100 %, 50 %, 50 %.
     * pid 2 device 0: [10,15) and [36,41), span 31, 3 chunks of ceil(31/3) = 11 ns: [10,21) 5/11, [21,32) 0,
     * [32,41) 5/9 (the last chunk is clipped to 9 ns and its percentage uses 9 ns).
     */
    static Trace example() {
        Synth s = new Synth();
        s.contextId = 5;
        s.kernel(1, 0, 7, 100, 200, "a", 1);
        s.kernel(1, 0, 7, 150, 300, "b", 2);
        s.memcpy(1, 0, 8, 250, 400, 3);
        s.memset(1, 0, 7, 600, 700, 4);
        s.contextId = 9;
        s.kernel(2, 0, 3, 10, 15, "c", 1);
        s.kernel(2, 0, 3, 36, 41, "c", 2);
        return s.build();
    }

    @Test
    void computesSpanBusyAndIdlePerDeviceAndStream() {
        GpuUtilization u = GpuUtilization.of(example(), 3, 60);
        assertThat(u.devices()).hasSize(2);
        Device d = u.devices().get(0);
        assertThat(d.pid()).isEqualTo(1);
        assertThat(d.contextId()).isEqualTo(5);
        assertThat(d.firstStartNs()).isEqualTo(100);
        assertThat(d.lastEndNs()).isEqualTo(700);
        assertThat(d.spanNs()).isEqualTo(600);
        assertThat(d.busyNs()).isEqualTo(400);
        assertThat(d.idleNs()).isEqualTo(200);
        assertThat(d.utilizationPct()).isCloseTo(400.0 / 6, offset(1e-9));
        assertThat(d.ops()).isEqualTo(4);
        assertThat(d.chunkSizeNs()).isEqualTo(200);
        assertThat(d.chunkSeries()).containsExactly(new Chunk(100, 300, 150.0, 100.0), new Chunk(300, 500, 50.0, 50.0),
                new Chunk(500, 700, 50.0, 50.0));

        assertThat(u.streams()).extracting(Stream::pid, Stream::streamId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 7), org.assertj.core.groups.Tuple.tuple(1, 8),
                org.assertj.core.groups.Tuple.tuple(2, 3));
        Stream s7 = u.streams().get(0);
        assertThat(s7.spanNs()).isEqualTo(600);
        assertThat(s7.busyNs()).isEqualTo(300);
        assertThat(s7.utilizationPct()).isCloseTo(50.0, offset(1e-9));
        Stream s8 = u.streams().get(1);
        assertThat(s8.busyNs()).isEqualTo(150);
        assertThat(s8.utilizationPct()).isCloseTo(100.0, offset(1e-9));

        Device d2 = u.devices().get(1);
        assertThat(d2.chunkSizeNs()).isEqualTo(11);
        assertThat(d2.chunkSeries()).hasSize(3);
        assertThat(d2.chunkSeries()).extracting(Chunk::startNs).containsExactly(10L, 21L, 32L);
        assertThat(d2.chunkSeries()).extracting(Chunk::endNs).containsExactly(21L, 32L, 41L);
        assertThat(d2.chunkSeries().get(0).inUsePct()).isCloseTo(500.0 / 11, offset(1e-9));
        assertThat(d2.chunkSeries().get(1).inUsePct()).isZero();
        assertThat(d2.chunkSeries().get(2).inUsePct()).isCloseTo(500.0 / 9, offset(1e-9));
        assertThat(d2.chunkSeries().get(2).busyPct()).isCloseTo(500.0 / 9, offset(1e-9));
    }

    @Test
    void coalescesConsecutiveLowChunksAndOrdersByAverageThenDuration() {
        GpuUtilization u = GpuUtilization.of(example(), 3, 60);
        assertThat(u.lowUtilization()).containsExactly(
                // pid 2, all three chunks: (11·500/11 + 0 + 9·500/9) / 31 = 32.26 -> 32.3
                // (weighting the clipped chunk as 11 ns would give 30.3)
                new LowUtilization(32.3, 31, 10, 2, 0, 9),
                // pid 1 chunks [300,500) and [500,700), both 50 %
                new LowUtilization(50.0, 400, 300, 1, 0, 5));
        // the threshold is strict: 50 % chunks are not below 50
        // pid 2 with threshold 50: chunks 0 and 1 only, 500 / 22 = 22.7
        assertThat(GpuUtilization.of(example(), 3, 50).lowUtilization()).containsExactly(
                new LowUtilization(22.7, 22, 10, 2, 0, 9));

        List<ResultTable> tables = u.toTables();
        assertThat(tables).extracting(ResultTable::reportName).containsExactly("gpu_utilization", "gpu_time_util");
        ResultTable low = tables.get(1);
        assertThat(low.columns()).extracting(ResultTable.Column::label)
                .containsExactly("In-Use", "Duration", "Start", "PID", "Device ID", "Context ID");
        assertThat(low.rows().get(0)).containsExactly(32.3, 31L, 10L, 2L, 0L, 9L);
        ResultTable util = tables.get(0);
        // device row then its streams, per device
        assertThat(util.size()).isEqualTo(2 + 3);
        assertThat(util.cell(0, 2)).isEqualTo("all");
        assertThat(util.cell(1, 2)).isEqualTo("7");
        assertThat(util.cell(3, 2)).isEqualTo("all");
    }

    @Test
    void fewerChunksWhenTheSpanIsShortAndNoneWhenItIsZero() {
        Synth s = new Synth();
        s.kernel(3, 0, 1, 100, 110, "x", -1);     // span 10 with 6 chunks: size ceil(10/6) = 2 -> 5 chunks
        s.kernel(4, 1, 1, 500, 500, "x", -1);     // zero span: no chunks
        GpuUtilization u = GpuUtilization.of(s.build(), 6, 50);
        assertThat(u.devices().get(0).chunkSeries()).hasSize(5).allSatisfy(c -> assertThat(c.inUsePct()).isEqualTo(100.0));
        Device zero = u.devices().get(1);
        assertThat(zero.spanNs()).isZero();
        assertThat(zero.chunkSeries()).isEmpty();
        assertThat(zero.utilizationPct()).isZero();
        assertThat(u.lowUtilization()).isEmpty();
        assertThatThrownBy(() -> GpuUtilization.of(s.build(), 0, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GpuUtilization.of(s.build(), 1001, 50)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTraceGivesEmptyResult() {
        GpuUtilization u = GpuUtilization.of(new Synth().build());
        assertThat(u.devices()).isEmpty();
        assertThat(u.streams()).isEmpty();
        assertThat(u.lowUtilization()).isEmpty();
        assertThat(u.toTables()).allSatisfy(t -> assertThat(t.size()).isZero());
    }

    // ---------------------------------------------------------------- nsys exports

    static List<Path> nsysExports() {
        return TestData.allNsysExports();
    }

    /**
     * Evaluates the nsys rule's definition directly on the export (JDBC, no proflens importer): GPU ops = KERNEL,
     * MEMCPY, MEMSET rows with {@code start > 0}; per (pid, device) chunk size {@code ceil((max − min) / chunks)},
     * chunk in-use = Σ overlap / length × 100 summed op by op over every chunk (brute force), rows coalesced and
     * averaged as in the rule's SQL. proflens must list the same rows.
     */
    @ParameterizedTest
    @MethodSource("nsysExports")
    void matchesTheNsysDefinitionEvaluatedOnTheRawExport(Path export) throws SQLException {
        List<long[]> ops = rawOps(export);
        Trace t = TestData.load(export);
        for (int[] setting : new int[][] {{30, 50}, {100, 80}, {7, 101}}) {
            int chunks = setting[0];
            int threshold = setting[1];
            List<double[]> expected = bruteForce(ops, chunks, threshold);
            List<LowUtilization> actual = GpuUtilization.of(t, chunks, threshold).lowUtilization();
            assertThat(actual).as(export + " chunks=" + chunks).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                double[] e = expected.get(i);
                LowUtilization a = actual.get(i);
                String where = export.getFileName() + " row " + i;
                // SQLite sums doubles in its own order: allow one rounding step at a .x5 tie
                assertThat(a.inUsePct()).as(where).isCloseTo(e[0], offset(0.1 + 1e-9));
                assertThat(a.durationNs()).as(where).isEqualTo((long) e[1]);
                assertThat(a.startNs()).as(where).isEqualTo((long) e[2]);
                assertThat(a.pid()).as(where).isEqualTo((int) e[3]);
                assertThat(a.deviceId()).as(where).isEqualTo((int) e[4]);
            }
        }
    }

    /** @return rows {start, end, pid, deviceId} of the GPU op tables, nsys's {@code start > 0} filter applied */
    static List<long[]> rawOps(Path export) throws SQLException {
        List<long[]> ops = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + export + "?mode=ro");
             Statement st = c.createStatement()) {
            for (String table : List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_MEMCPY",
                    "CUPTI_ACTIVITY_KIND_MEMSET")) {
                try (ResultSet exists = st.executeQuery(
                        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + table + "'")) {
                    if (exists.getInt(1) == 0) {
                        continue;
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT start, end, (globalPid >> 24) & 16777215, deviceId FROM "
                        + table + " WHERE start > 0 AND end IS NOT NULL")) {
                    while (rs.next()) {
                        ops.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
        }
        return ops;
    }

    /** @return rows {average, duration, start, pid, device} in the rule's order */
    private static List<double[]> bruteForce(List<long[]> ops, int chunks, double threshold) {
        Map<List<Long>, List<long[]>> groups = new TreeMap<>(Comparator.<List<Long>>comparingLong(k -> k.get(0))
                .thenComparingLong(k -> k.get(1)));
        for (long[] o : ops) {
            groups.computeIfAbsent(List.of(o[2], o[3]), k -> new ArrayList<>()).add(o);
        }
        List<double[]> rows = new ArrayList<>();
        for (Map.Entry<List<Long>, List<long[]>> g : groups.entrySet()) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long[] o : g.getValue()) {
                min = Math.min(min, o[0]);
                max = Math.max(max, o[1]);
            }
            long size = (long) Math.ceil((double) (max - min) / chunks);
            List<double[]> low = new ArrayList<>(); // {rangeId, cstart, cend, pct}
            for (int r = 0; r < chunks; r++) {
                long cs = r * size + min;
                long ce = Math.min(cs + size, max);
                if (cs >= ce) {
                    continue;
                }
                double sum = 0;
                for (long[] o : g.getValue()) {
                    if (o[0] < ce && o[1] > cs) {
                        sum += Math.min(o[1], ce) - Math.max(o[0], cs);
                    }
                }
                double pct = sum / (ce - cs) * 100;
                if (pct < threshold) {
                    low.add(new double[] {r, cs, ce, pct});
                }
            }
            for (int i = 0; i < low.size(); ) {
                int j = i;
                double weighted = 0;
                double total = 0;
                while (j < low.size() && low.get(j)[0] - low.get(i)[0] == j - i) {
                    double len = low.get(j)[2] - low.get(j)[1];
                    weighted += len * low.get(j)[3];
                    total += len;
                    j++;
                }
                double avg = new BigDecimal(weighted / total).setScale(1, RoundingMode.HALF_UP).doubleValue();
                rows.add(new double[] {avg, low.get(j - 1)[2] - low.get(i)[1], low.get(i)[1], g.getKey().get(0),
                    g.getKey().get(1)});
                i = j;
            }
        }
        rows.sort(Comparator.<double[]>comparingDouble(r -> r[0]).thenComparingDouble(r -> r[1])
                .thenComparingDouble(r -> r[2]).thenComparingDouble(r -> r[3]).thenComparingDouble(r -> r[4]));
        return rows;
    }
}
