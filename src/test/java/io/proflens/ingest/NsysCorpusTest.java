package io.proflens.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.ImportIssue;
import io.proflens.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every export of the corpus (nsys 2020.3 to 2026.2) loads, and every report computes or says SKIPPED. */
class NsysCorpusTest {
    static Stream<Path> exports() {
        return TestData.allNsysExports().stream();
    }

    @Test
    void corpusHasAllTenExports() {
        assertThat(TestData.allNsysExports()).hasSize(10);
    }

    @ParameterizedTest
    @MethodSource("exports")
    void loadsAndEveryReportRunsOrSkips(Path p) throws Exception {
        String before = sha256(p);
        Trace t = TestData.load(p);
        assertThat(t.kernels().size() + t.cudaApi().size() + t.nvtx().size() + t.osRuntime().size()).isPositive();
        StatsReportRegistry reg = new StatsReportRegistry();
        StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata()));
        for (StatsReport r : reg.all()) {
            String missing = r.missingData(t);
            if (missing != null) {
                assertThat(missing).startsWith("does not contain").endsWith(".");
                continue;
            }
            ResultTable table = r.compute(t, ctx);
            assertThat(table.columns()).isNotEmpty();
        }
        assertThat(sha256(p)).as("input unchanged").isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("exports")
    void kernelSummaryPartsSumToWholeAndPercentsToHundred(Path p) {
        Trace t = TestData.load(p);
        if (!t.kernels().present()) {
            return;
        }
        ResultTable table = new StatsReportRegistry().get("cuda_gpu_kern_sum").compute(t,
                new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata())));
        long total = 0;
        long instances = 0;
        double pct = 0;
        for (Object[] row : table.rows()) {
            total += (Long) row[1];
            instances += (Long) row[2];
            pct += (Double) row[0];
        }
        long expected = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            expected += t.kernels().durationNs(i);
        }
        assertThat(total).isEqualTo(expected);
        assertThat(instances).isEqualTo(t.kernels().size());
        assertThat(pct).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.05 * table.size() + 0.01));
    }

    @Test
    void fastvideoTrainingJoinIsProcessScoped() {
        Trace t = TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        int matched = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            if (t.launchLinks().kernelApiRow(i) >= 0) {
                matched++;
            }
        }
        // nsys-reference.md 7.7: 3986 with the process-scoped join (a join on correlationId alone gives 4280 pairs)
        assertThat(matched).isEqualTo(3986);
        assertThat(t.issues()).extracting(ImportIssue::code).contains("capture.sliced", "nvtx.unnamed_domain");
    }

    @Test
    void wanInferenceSlicedWindowCountsLaunchesOutsideTheCapture() {
        Trace t = TestData.load(TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite"));
        assertThat(t.kernels().size()).isEqualTo(3442);
        assertThat(t.launchLinks().unmatchedKernels()).isEqualTo(3442 - 1632);
    }

    @Test
    void oldestExportsWithoutMetadataOrEnumTablesLoad() {
        Trace t = TestData.load(TestData.nsys("beast-omp-offload-aarch64-2020/report2.sqlite"));
        assertThat(t.metadata().producerVersion()).isNull();
        assertThat(t.kernels().size()).isEqualTo(2419);
        assertThat(t.kernels().mangledNameId(0)).isEqualTo(-1);
        assertThat(t.devices()).hasSize(2);
        assertThat(t.devices().get(0).name()).contains("V100");
        // short memcpy labels for versions before 2024 (no version recorded here)
        ResultTable mem = new StatsReportRegistry().get("cuda_gpu_mem_time_sum").compute(t,
                new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata())));
        assertThat(mem.rows()).extracting(r -> (String) r[8]).allMatch(n -> n.matches("\\[CUDA memcpy [A-Za-z]+toD?[A-Za-z]*]"));
    }

    @Test
    void tensorRtNamedDomainIsResolved() {
        Trace t = TestData.load(TestData.nsys("memfusion-tensorrt-rtx3090/report1.sqlite"));
        ResultTable nvtx = new StatsReportRegistry().get("nvtx_sum").compute(t,
                new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata())));
        Object[] top = nvtx.rows().get(0);
        // nsys-reference.md 2.4 [computed]: TensorRT:ExecutionContext::execute, 6 842 603 ns, 1 instance, 87.6 %
        assertThat(top[9]).isEqualTo("TensorRT:ExecutionContext::execute");
        assertThat(top[1]).isEqualTo(6842603L);
        assertThat(top[0]).isEqualTo(87.6);
    }

    static String sha256(Path p) throws IOException, java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
