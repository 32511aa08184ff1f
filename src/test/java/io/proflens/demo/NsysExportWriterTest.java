package io.proflens.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip of {@link NsysExportWriter} through the nsys importer and the stats reports. */
class NsysExportWriterTest {
    private static final int PID = 1234;
    private static final int WORKER = 1240;
    private static final String GEMM = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_"
            + "warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas";
    private static final String ADD = "void at::native::vectorized_elementwise_kernel<4, "
            + "at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, "
            + "at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)";

    @TempDir
    Path dir;

    private final StatsReportRegistry registry = new StatsReportRegistry();

    /** A small file: two launches, a copy each way, a memset, a sync, NVTX in two domains, OS calls. */
    private Path writeSmall(Path out) throws IOException {
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "small");
            w.process(PID, "python3 small.py").thread(PID, PID, "python3").thread(PID, WORKER, "pool-worker-1");
            w.gpu(NsysExportWriter.Gpu.h100(0)).gpu(NsysExportWriter.Gpu.a100(1));
            w.nvtxMark(1_000, PID, PID, "begin", null);
            w.nvtxRange(1_000, 90_000, PID, PID, "step");
            w.nvtxRange(2_000, 30_000, PID, PID, "work", "myDomain");
            w.cudaApi(2_000, 7_000, PID, PID, "cudaLaunchKernel_v7000", 1);
            w.kernel(9_000, 19_000, 0, 7, 1, PID, GEMM, GEMM,
                    new NsysExportWriter.LaunchConfig(66, 2, 1, 384, 1, 1, 168, 0, 232_448));
            w.cudaApi(8_000, 12_000, PID, PID, "cudaLaunchKernel_v7000", 2);
            w.kernel(20_000, 23_000, 0, 7, 2, PID, ADD);
            w.cudaApi(13_000, 40_000, PID, PID, "cudaMemcpy_v3020", 3);
            w.memcpy(24_000, 30_000, 0, 7, 3, PID, 4_096, NsysExportWriter.COPY_KIND_HTOD,
                    NsysExportWriter.MEM_KIND_PINNED, NsysExportWriter.MEM_KIND_DEVICE);
            w.cudaApi(41_000, 50_000, PID, PID, "cudaMemcpy_v3020", 4);
            w.memcpy(42_000, 44_000, 0, 7, 4, PID, 512, NsysExportWriter.COPY_KIND_DTOH,
                    NsysExportWriter.MEM_KIND_DEVICE, NsysExportWriter.MEM_KIND_PAGEABLE);
            w.cudaApi(51_000, 53_000, PID, PID, "cudaMemsetAsync_v3020", 5);
            w.memset(54_000, 55_000, 0, 7, 5, PID, 65_536, 0);
            w.cudaApi(56_000, 70_000, PID, PID, "cudaStreamSynchronize_v3020", 6);
            w.synchronization(56_500, 69_000, 0, 7, 6, PID, NsysExportWriter.SYNC_TYPE_STREAM);
            w.osRuntime(3_000, 8_000, PID, WORKER, "nanosleep");
            w.osRuntime(9_000, 12_000, PID, WORKER, "nanosleep");
            w.osRuntime(60_000, 61_000, PID, PID, "ioctl");
            assertThat(w.finish()).isEqualTo(out.toAbsolutePath());
        }
        return out;
    }

    @Test
    void rowsAndStringsRoundTripThroughTheImporter() throws IOException {
        Trace t = TestData.load(writeSmall(dir.resolve("small.sqlite")));

        assertThat(t.metadata().synthetic()).isTrue();
        assertThat(t.metadata().producer()).isEqualTo(NsysExportWriter.PRODUCT_NAME);
        assertThat(t.metadata().producerVersion()).isEqualTo("2024.6.2.25");
        assertThat(t.metadata().properties()).containsEntry("PROFLENS_SCENARIO", "small");
        assertThat(t.issues()).as("no import issues").isEmpty();

        long gpid = NsysExportWriter.globalPid(PID);
        assertThat(GlobalIds.pid(gpid)).isEqualTo(PID);
        assertThat(GlobalIds.vmId(gpid)).isEqualTo(NsysExportWriter.VM_ID);
        assertThat(t.processes()).containsKey(gpid);
        assertThat(t.processes().get(gpid).name()).isEqualTo("python3 small.py");
        assertThat(t.threads().get(NsysExportWriter.globalTid(PID, WORKER)).name()).isEqualTo("pool-worker-1");
        assertThat(t.threads().get(NsysExportWriter.globalTid(PID, PID)).name()).isEqualTo("python3");
        assertThat(t.devices()).extracting(GpuDevice::id, GpuDevice::name, GpuDevice::smCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "NVIDIA H100 80GB HBM3", 132),
                        org.assertj.core.groups.Tuple.tuple(1, "NVIDIA A100-SXM4-80GB", 108));

        KernelTable k = t.kernels();
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.startNs(0)).isEqualTo(9_000);
        assertThat(k.endNs(0)).isEqualTo(19_000);
        assertThat(k.deviceId(0)).isZero();
        assertThat(k.streamId(0)).isEqualTo(7);
        assertThat(k.correlationId(0)).isEqualTo(1);
        assertThat(k.globalPid(0)).isEqualTo(gpid);
        assertThat(t.string(k.demangledNameId(0))).isEqualTo(GEMM);
        assertThat(t.string(k.shortNameId(1))).isEqualTo("vectorized_elementwise_kernel");
        assertThat(t.string(k.demangledNameId(1))).isEqualTo(ADD);
        assertThat(k.hasLaunchConfig()).isTrue();
        assertThat(List.of(k.gridX(0), k.gridY(0), k.gridZ(0), k.blockX(0), k.registersPerThread(0),
                k.dynamicSharedMemoryBytes(0))).containsExactly(66, 2, 1, 384, 168, 232_448);
        assertThat(t.launchLinksOrCompute().unmatchedKernels()).isZero();
        assertThat(t.launchLinksOrCompute().unmatchedMemops()).isZero();

        MemcpyTable m = t.memcpys();
        assertThat(m.size()).isEqualTo(2);
        assertThat(List.of(m.bytes(0), (long) m.copyKind(0), (long) m.srcKind(0), (long) m.dstKind(0)))
                .containsExactly(4_096L, 1L, 1L, 2L);
        assertThat(List.of(m.bytes(1), (long) m.copyKind(1), (long) m.srcKind(1), (long) m.dstKind(1)))
                .containsExactly(512L, 2L, 2L, 0L);
        assertThat(t.memsets().size()).isEqualTo(1);
        assertThat(t.memsets().bytes(0)).isEqualTo(65_536);
        assertThat(t.syncs().size()).isEqualTo(1);

        ApiCallTable api = t.cudaApi();
        assertThat(api.size()).isEqualTo(6);
        assertThat(t.string(api.nameId(0))).isEqualTo("cudaLaunchKernel_v7000");
        assertThat(api.globalTid(0)).isEqualTo(NsysExportWriter.globalTid(PID, PID));
        assertThat(api.correlationId(2)).isEqualTo(3);
        assertThat(api.eventClass(2)).isEqualTo(ApiCallTable.CLASS_CUDA_RUNTIME);

        ApiCallTable os = t.osRuntime();
        assertThat(os.size()).isEqualTo(3);
        assertThat(os.eventClass(0)).isEqualTo(ApiCallTable.CLASS_OS_RUNTIME);
        assertThat(os.globalTid(0)).isEqualTo(NsysExportWriter.globalTid(PID, WORKER));
        assertThat(t.string(os.nameId(2))).isEqualTo("ioctl");

        NvtxTable n = t.nvtx();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (n.eventType(i) != NvtxTable.DOMAIN_CREATE) {
                texts.add(n.eventType(i) + ":" + t.string(n.textId(i)) + ":" + t.string(n.domainNameId(i)));
            }
        }
        assertThat(texts).containsExactly("34:begin:null", "59:step:null", "59:work:myDomain");
        assertThat(t.spanNs()).containsExactly(1_000L, 90_000L);
    }

    @Test
    void stringIdsAreDenseUniqueAndReferenced() throws IOException, SQLException {
        Path f = writeSmall(dir.resolve("small.sqlite"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
             Statement s = c.createStatement()) {
            assertThat(longOf(s, "SELECT count(DISTINCT value) - count(*) FROM StringIds")).isZero();
            assertThat(longOf(s, "SELECT min(id) FROM StringIds")).isEqualTo(1);
            assertThat(longOf(s, "SELECT max(id) - count(*) FROM StringIds")).isZero();
            assertThat(longOf(s, "SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL k WHERE NOT EXISTS "
                    + "(SELECT 1 FROM StringIds s WHERE s.id = k.demangledName)")).isZero();
            assertThat(longOf(s, "SELECT count(*) FROM StringIds WHERE value = 'nanosleep'")).isEqualTo(1);
            assertThat(longOf(s, "SELECT count(*) FROM ENUM_CUDA_MEMCPY_OPER")).isEqualTo(14);
            assertThat(longOf(s, "SELECT count(*) FROM META_DATA_EXPORT WHERE name = 'PROFLENS_SYNTHETIC' "
                    + "AND value = 'true'")).isEqualTo(1);
            assertThat(longOf(s, "SELECT duration FROM ANALYSIS_DETAILS")).isEqualTo(89_000);
        }
    }

    @Test
    void statsReportsSeeTheRows() throws IOException {
        Trace t = TestData.load(writeSmall(dir.resolve("small.sqlite")));

        ResultTable api = run("cuda_api_sum", t);
        assertThat(column(api, "Name")).containsExactly("cudaMemcpy", "cudaStreamSynchronize", "cudaLaunchKernel",
                "cudaMemsetAsync");
        assertThat(row(api, "Name", "cudaMemcpy")[api.columnIndex("Total Time")]).isEqualTo(36_000L);
        assertThat(row(api, "Name", "cudaLaunchKernel")[api.columnIndex("Num Calls")]).isEqualTo(2L);

        ResultTable osrt = run("osrt_sum", t);
        Object[] sleep = row(osrt, "Name", "nanosleep");
        assertThat(sleep[osrt.columnIndex("Num Calls")]).isEqualTo(2L);
        assertThat(sleep[osrt.columnIndex("Total Time")]).isEqualTo(8_000L);
        assertThat(sleep[osrt.columnIndex("Time")]).isEqualTo(88.9);

        ResultTable size = run("cuda_gpu_mem_size_sum", t);
        assertThat(row(size, "Operation", "[CUDA memcpy Host-to-Device]")[size.columnIndex("Total")])
                .isEqualTo(4_096L);
        assertThat(row(size, "Operation", "[CUDA memcpy Device-to-Host]")[size.columnIndex("Count")])
                .isEqualTo(1L);
        assertThat(row(size, "Operation", "[CUDA memset]")[size.columnIndex("Total")]).isEqualTo(65_536L);

        ResultTable nvtx = run("nvtx_sum", t);
        assertThat(column(nvtx, "Range")).containsExactly(":step", "myDomain:work");
        assertThat(row(nvtx, "Range", ":step")[nvtx.columnIndex("Avg")]).isEqualTo(89_000.0);
    }

    @Test
    void tablesWithoutRowsAreNotCreated() throws IOException, SQLException {
        Path f = dir.resolve("cpu.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(f)) {
            w.process(10, "cpu").thread(10, 10, "cpu");
            w.osRuntime(100, 200, 10, 10, "read");
            w.finish();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f);
             Statement s = c.createStatement()) {
            assertThat(longOf(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'CUPTI%'"))
                    .isZero();
            assertThat(longOf(s, "SELECT count(*) FROM sqlite_master WHERE name IN ('OSRT_API', 'TARGET_INFO_GPU')"))
                    .isEqualTo(2);
        }
        Trace t = TestData.load(f);
        assertThat(registry.get("cuda_api_sum").missingData(t)).isEqualTo("does not contain CUDA trace data.");
        assertThat(registry.get("osrt_sum").missingData(t)).isNull();
    }

    @Test
    void closeWithoutFinishLeavesNothingAndFinishReplacesAtomically() throws IOException {
        Path f = dir.resolve("out.sqlite");
        Files.writeString(f, "previous");
        try (NsysExportWriter w = NsysExportWriter.open(f)) {
            w.osRuntime(1, 2, 1, 1, "read");
        }
        assertThat(Files.readString(f)).isEqualTo("previous");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.sqlite");
        }
        writeSmall(f);
        assertThat(TestData.load(f).kernels().size()).isEqualTo(2);
    }

    @Test
    void sameCallsGiveTheSameFile() throws IOException {
        Path a = writeSmall(dir.resolve("a.sqlite"));
        Path b = writeSmall(dir.resolve("b.sqlite"));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void rejectsBadIdsAndUseAfterFinish() throws IOException {
        try (NsysExportWriter w = NsysExportWriter.open(dir.resolve("bad.sqlite"))) {
            assertThatThrownBy(() -> w.cudaApi(0, 1, 0x100_0000, 1, "x", 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.memcpy(0, 1, 0, 7, 1, 1, 8, 14, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.memcpy(0, 1, 0, 7, 1, 1, -8, 1, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);
            w.process(1, "p");
            assertThatThrownBy(() -> w.process(1, "p")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.metadata("PROFLENS_SYNTHETIC", "false"))
                    .isInstanceOf(IllegalArgumentException.class);
            w.finish();
            assertThatThrownBy(() -> w.osRuntime(1, 2, 1, 1, "read")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shortNamesAreBaseFunctionNames() {
        assertThat(NsysExportWriter.shortNameOf(ADD)).isEqualTo("vectorized_elementwise_kernel");
        assertThat(NsysExportWriter.shortNameOf(GEMM)).isEqualTo(GEMM);
        assertThat(NsysExportWriter.shortNameOf("void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, "
                + "float, float, float, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(float*, "
                + "float const*, int)")).isEqualTo("cunn_SoftMaxForward");
        assertThat(NsysExportWriter.shortNameOf("void vllm::rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, "
                + "const c10::BFloat16 *, const c10::BFloat16 *, float, int, int)")).isEqualTo("rms_norm_kernel");
        assertThat(NsysExportWriter.shortNameOf("my_kernel(float*)")).isEqualTo("my_kernel");
    }

    private ResultTable run(String report, Trace t) {
        StatsReport r = registry.get(report);
        assertThat(r.missingData(t)).as(report).isNull();
        return r.compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
    }

    private static List<Object> column(ResultTable t, String label) {
        int c = t.columnIndex(label);
        assertThat(c).as("column %s", label).isNotNegative();
        List<Object> out = new ArrayList<>();
        for (Object[] r : t.rows()) {
            out.add(r[c]);
        }
        return out;
    }

    private static Object[] row(ResultTable t, String label, String value) {
        int c = t.columnIndex(label);
        for (Object[] r : t.rows()) {
            if (value.equals(r[c])) {
                return r;
            }
        }
        throw new AssertionError("no row " + label + " = " + value + " in " + t.reportName());
    }

    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
