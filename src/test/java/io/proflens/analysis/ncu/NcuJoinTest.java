package io.proflens.analysis.ncu;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.api.TestTraces;
import io.proflens.ingest.ncu.NcuCsvFixtures;
import io.proflens.ingest.ncu.NcuCsvReader;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.model.ncu.NcuReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ncu kernels joined to trace kernels: the real DeepSeek-OCR ncu names against the same run's nsys names. */
class NcuJoinTest {
    @TempDir
    Path tmp;

    /** @return the kernel names of the real nsys cuda_gpu_kern_sum CSV of the decode stage, in file order */
    private static List<String> nsysDecodeNames() throws Exception {
        Path f = TestData.nsys("llmperfopt-deepseek-ocr-rtx5090/nsys-stats-csv/per-stage_decode__summary_cuda_gpu_kern_sum.csv");
        List<List<String>> rows = TestData.parseCsv(Files.readString(f));
        return rows.subList(1, rows.size()).stream().map(r -> r.get(r.size() - 1)).toList();
    }

    @Test
    void ncuNamesMatchNsysNamesAfterNormalisation() throws Exception {
        List<String> nsys = nsysDecodeNames();
        NcuReport r = NcuCsvReader.read(NcuCsvFixtures.real(""));
        // nsys row 1 has template argument (int)7, row 2 (int)6 (the two gemv variants ncu profiled)
        assertThat(nsys.get(0)).contains("(int)7").startsWith("std::enable_if");
        assertThat(nsys.get(1)).contains("(int)6");
        assertThat(NcuJoin.normalizeName(nsys.get(0))).isEqualTo(NcuJoin.normalizeName(r.kernels().get(0).name()));
        assertThat(NcuJoin.normalizeName(nsys.get(1))).isEqualTo(NcuJoin.normalizeName(r.kernels().get(1).name()));
        assertThat(NcuJoin.normalizeName(nsys.get(0))).isNotEqualTo(NcuJoin.normalizeName(nsys.get(1)));

        // a trace with those names: 3 executions of the (int)7 kernel, 1 of the (int)6 one
        TestTraces t = new TestTraces();
        int a = t.id(nsys.get(0));
        int b = t.id(nsys.get(1));
        int other = t.id(nsys.get(2));
        t.kernels.add(100, 150, 0, 1, 7, 1, TestTraces.pid(), a, a, StringTable.NONE);
        t.kernels.add(200, 210, 0, 1, 7, 2, TestTraces.pid(), b, b, StringTable.NONE);
        t.kernels.add(300, 370, 0, 1, 7, 3, TestTraces.pid(), a, a, StringTable.NONE);
        t.kernels.add(400, 401, 0, 1, 7, 4, TestTraces.pid(), other, other, StringTable.NONE);
        t.kernels.add(500, 530, 0, 1, 7, 5, TestTraces.pid(), a, a, StringTable.NONE);
        Trace trace = t.build();
        NcuJoin j = NcuJoin.of(r, trace);
        NcuJoin.Match m1 = j.matches().get(0);
        assertThat(m1.kind()).isEqualTo(NcuJoin.MatchKind.NORMALIZED);
        assertThat(m1.traceName()).isEqualTo(nsys.get(0));
        assertThat(m1.traceInstances()).isEqualTo(3);
        assertThat(m1.traceTotalNs()).isEqualTo(50 + 70 + 30);
        assertThat(m1.traceRow()).isZero(); // first launch in start order
        NcuJoin.Match m2 = j.matches().get(1);
        assertThat(m2.traceName()).isEqualTo(nsys.get(1));
        assertThat(m2.traceTotalNs()).isEqualTo(10);
        assertThat(j.toTable().size()).isEqualTo(2);
    }

    @Test
    void repeatedNamesPairByLaunchOrderAndUnknownNamesStayUnmatched() throws Exception {
        Path f = tmp.resolve("rep.csv");
        String head = "\"ID\",\"Process ID\",\"Kernel Name\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";
        Files.writeString(f, head
                + "\"0\",\"1\",\"ampere_sgemm_64x32_sliced1x4_tn\",\"S\",\"Duration\",\"us\",\"1\"\n"
                + "\"1\",\"1\",\"nope\",\"S\",\"Duration\",\"us\",\"1\"\n"
                + "\"2\",\"1\",\"ampere_sgemm_64x32_sliced1x4_tn\",\"S\",\"Duration\",\"us\",\"1\"\n");
        NcuReport r = NcuCsvReader.read(f);
        TestTraces t = new TestTraces();
        int s = t.id("ampere_sgemm_64x32_sliced1x4_tn");
        t.kernels.add(500, 600, 0, 1, 7, 1, TestTraces.pid(), s, s, StringTable.NONE);
        t.kernels.add(100, 200, 0, 1, 7, 2, TestTraces.pid(), s, s, StringTable.NONE);
        NcuJoin j = NcuJoin.of(r, t.build());
        assertThat(j.matches()).extracting(NcuJoin.Match::kind).containsExactly(NcuJoin.MatchKind.EXACT,
                NcuJoin.MatchKind.NONE, NcuJoin.MatchKind.EXACT);
        assertThat(j.matches().get(0).traceRow()).isEqualTo(1); // starts at 100: first in launch order
        assertThat(j.matches().get(2).occurrence()).isEqualTo(1);
        assertThat(j.matches().get(2).traceRow()).isZero();
    }

    @Test
    void baseNameIsTheFunctionIdentifier() {
        assertThat(NcuJoin.baseName(NcuCsvFixtures.GEMM_SN)).isEqualTo("gemmSN_TN_kernel");
        assertThat(NcuJoin.baseName("ampere_sgemm_64x32_sliced1x4_tn")).isEqualTo("ampere_sgemm_64x32_sliced1x4_tn");
        assertThat(NcuJoin.baseName("void at::native::vectorized_elementwise_kernel<(int)4, at::native::Mul>(int, T2)"))
                .isEqualTo("vectorized_elementwise_kernel");
        assertThat(NcuJoin.normalizeName("void at::native::k<(bool)1, (unsigned int)3>(int)"))
                .isEqualTo("k<1, 3>(int)");
        assertThat(NcuJoin.baseName("std::enable_if<!T7, void>::type internal::gemvx::kernel<int, (int)7>(T13)"))
                .isEqualTo("kernel");
    }
}
