package io.proflens.rules.memcpy;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.model.Trace;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageableMemcpyRuleTest {
    private static final int HTOD = 1;
    private static final int PAGEABLE = 0;
    private static final int PINNED = 1;
    private static final int DEVICE = 2;

    private final PageableMemcpyRule rule = new PageableMemcpyRule();
    @TempDir
    Path tmp;

    /**
     * The worked examples of the nsys {@code cuda_memcpy_async} rule (nsys-reference.md §8): a handful of nanoseconds
     * in the FastVideo files is INFO; the OpenMP offload run, whose 200 pageable copies go through the driver API and
     * take almost all of its GPU timeline, is CRITICAL and flagged as the extension.
     */
    @ParameterizedTest
    @CsvSource({
        "nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite, 4, 3360, INFO, 4 async copies (cudaMemcpyAsync_v3020)",
        "nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite, 33, 25888, INFO, 33 async copies (cudaMemcpyAsync_v3020)",
        "sc23-openmp-offload-t4/report3.sqlite, 200, 26207455433, CRITICAL, "
                + "'200 async copies (cuMemcpyDtoHAsync_v2, cuMemcpyHtoDAsync_v2)'",
    })
    void reproducesTheNsysRuleOnRealFiles(String file, int copies, long ns, Severity severity, String head) {
        Finding f = eval(rule, RuleTesting.nsys(file));
        assertThat(f.severity()).isEqualTo(severity);
        assertThat(f.summary()).startsWith(head + " use pageable host memory");
        assertThat(f.recoverableNs()).isEqualTo(ns);
        assertThat(f.examples()).hasSize(3);
        assertThat(f.recommendation()).contains("pin_memory=True").contains("cudaHostAlloc").contains("cudaHostRegister");
        boolean extension = file.startsWith("sc23");
        assertThat(f.summary().contains("proflens extension")).isEqualTo(extension);
        assertThat(RuleTesting.text(f)).contains("driver API (cuMemcpy%Async%, proflens extension): "
                + (extension ? copies : 0) + " copies");
    }

    @Test
    void longestCopiesAreTheExamples() {
        Finding f = eval(rule, RuleTesting.nsys("sc23-openmp-offload-t4/report3.sqlite"));
        assertThat(f.examples().get(0)).isEqualTo("cuMemcpyHtoDAsync_v2 HtoD 488 MiB (Pageable -> Device): 180.7 ms at "
                + "7314390304 ns (pid 11151, GPU 0, stream 13)");
        assertThat(f.score()).isEqualTo(100);
    }

    @Test
    void pinnedCopiesAreOk() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp))).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.multiGpuMoeMemcpy(tmp))).severity())
                .isEqualTo(Severity.OK);
    }

    @Test
    void synchronousPageableCopiesAreNotThisRule() {
        // mordred copies 188 times from pageable memory, but with cudaMemcpy (synchronous by definition)
        Finding f = eval(rule, RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite"));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(RuleTesting.text(f)).contains("HtoD with pageable host memory (any API): 164 of 164 copies");
    }

    @Test
    void minCountAndMissingData() {
        Trace one = pageable(1);
        assertThat(eval(rule, one).severity().isProblem()).isTrue();
        assertThat(eval(rule, one).summary()).startsWith("1 async copy (cudaMemcpyAsync_v3020) uses pageable host memory");
        assertThat(eval(rule, one, Map.of("minCount", 2.0)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, pageable(0)).severity()).isEqualTo(Severity.NOT_APPLICABLE);
        // a copy whose API call is not in the capture cannot be judged
        TestTraces b = new TestTraces();
        b.memcpy(1_000, 2_000, 7, 4096, HTOD, PAGEABLE, DEVICE);
        assertThat(eval(rule, b.build()).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    /** Score grows with the share of the GPU timeline: 30 + 7 per percent. */
    @Test
    void scoreFollowsTheShareOfTheGpuTimeline() {
        TestTraces b = new TestTraces();
        b.call("cudaMemcpyAsync_v3020", 1_000, 12_000, 100, 1);
        b.memcpy(2_000, 12_000, 1, 4096, HTOD, PAGEABLE, DEVICE);       // 10 µs pageable
        b.call("cudaMemcpyAsync_v3020", 13_000, 14_000, 100, 2);
        b.memcpy(15_000, 1_002_000, 2, 64L << 20, HTOD, PINNED, DEVICE); // timeline 2 µs .. 1002 µs
        Finding f = eval(rule, b.build());
        assertThat(f.score()).isEqualTo(30 + 7 * 1.0);
        assertThat(f.summary()).contains("(1.0% of the GPU timeline)");
    }

    private static Trace pageable(int n) {
        TestTraces b = new TestTraces();
        for (int i = 0; i < n; i++) {
            long t = 1_000_000 + 50_000L * i;
            b.call("cudaMemcpyAsync_v3020", t, t + 20_000, 100, i + 1);
            b.memcpy(t + 2_000, t + 18_000, i + 1, 1 << 20, HTOD, PAGEABLE, DEVICE);
        }
        return b.build();
    }
}
