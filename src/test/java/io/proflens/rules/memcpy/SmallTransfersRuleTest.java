package io.proflens.rules.memcpy;

import static io.proflens.rules.RuleTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.analysis.memory.MemoryTransferAnalysis;
import io.proflens.model.Trace;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallTransfersRuleTest {
    private static final int HTOD = 1;
    private static final int DTOH = 2;
    private static final int DTOD = 8;
    private static final int PINNED = 1;
    private static final int DEVICE = 2;

    private final SmallTransfersRule rule = new SmallTransfersRule();
    @TempDir
    Path tmp;

    /** The expert's sentence on the multi-GPU MoE run: "2,708 HtoD + 2,708 DtoH copies averaging 24 KiB: batch them". */
    @Test
    void reproducesTheExpertSentenceOnTheMoeRun() throws Exception {
        Trace t = RuleTesting.load(ExpertScenarios.multiGpuMoeMemcpy(tmp));
        Finding f = eval(rule, t);
        assertThat(f.severity().isProblem()).isTrue();
        assertThat(f.summary()).isEqualTo("2,708 HtoD + 2,708 DtoH copies averaging 24 KiB: batch them");
        assertThat(RuleTesting.text(f)).contains("HtoD copies: 2,708 copies, 63.5 MiB, avg 24 KiB")
                .contains("HtoD sizes: 4-64 KiB: 2,708").contains("DtoH sizes: 4-64 KiB: 2,708")
                .contains("synchronous memcpy calls: 5,416 calls blocking the host").contains("pinned staging buffer");
        // no copy of 1 MiB or more: the nominal 25 GB/s is the reference, and the recoverable time follows from it
        assertThat(f.evidence()).extracting(Evidence::value).anyMatch(v -> v.startsWith("25.0 GB/s (nominal"));
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(t);
        long expected = 0;
        for (MemoryTransferAnalysis.Direction d : m.directions()) {
            expected += Math.round(d.timeNs() - d.bytes() * 1e9 / SmallTransfersRule.NOMINAL_LINK_BYTES_PER_SEC);
        }
        assertThat(f.recoverableNs()).isEqualTo(expected).isPositive();
    }

    @Test
    void healthyLargePinnedCopiesAreOk() throws Exception {
        Finding f = eval(rule, RuleTesting.load(ExpertScenarios.healthy(tmp)));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.evidence()).extracting(Evidence::value).anyMatch(v -> v.startsWith("10 copies, 640 MiB, avg 64 MiB"));
    }

    @Test
    void realCorpusFilesHaveNoManySmallCopies() {
        // mordred: 164 HtoD copies but 3.1 MiB on average (36 tiny ones among 128 of 4 MiB); Wan: 450 HtoD, mostly >= 16 MiB
        assertThat(eval(rule, RuleTesting.nsys("mordred-gpu-join-2021/report1.sqlite")).severity())
                .isEqualTo(Severity.OK);
        assertThat(eval(rule, RuleTesting.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite")).severity())
                .isEqualTo(Severity.OK);
    }

    @Test
    void countAndSizeLimitsAreInclusiveAndStrict() {
        // 100 copies of 1 KiB fire; 99 do not
        assertThat(eval(rule, copies(100, 1024, HTOD)).severity().isProblem()).isTrue();
        assertThat(eval(rule, copies(99, 1024, HTOD)).severity()).isEqualTo(Severity.OK);
        // an average of exactly 64 KiB is not "below 64 KiB"
        assertThat(eval(rule, copies(200, 64 * 1024, HTOD)).severity()).isEqualTo(Severity.OK);
        assertThat(eval(rule, copies(200, 64 * 1024 - 1, HTOD)).severity().isProblem()).isTrue();
        // overrides
        assertThat(eval(rule, copies(60, 1024, DTOH), Map.of("minCount", 50.0)).summary())
                .isEqualTo("60 DtoH copies averaging 1 KiB: batch them");
        assertThat(eval(rule, copies(200, 1024, HTOD), Map.of("maxAvgKiB", 1.0)).severity()).isEqualTo(Severity.OK);
    }

    @Test
    void deviceToDeviceCopiesAreNotJudged() {
        Finding f = eval(rule, copies(500, 1024, DTOD));
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.summary()).isEqualTo("no host-device copies (500 DtoD)");
    }

    @Test
    void noCopiesIsNotApplicable() throws Exception {
        assertThat(eval(rule, RuleTesting.load(ExpertScenarios.transformerTraining(tmp))).severity())
                .isEqualTo(Severity.NOT_APPLICABLE);
    }

    /** Per-direction averages when they differ; the reference bandwidth is measured when a large copy exists. */
    @Test
    void largeCopiesGiveTheReferenceBandwidth() {
        TestTraces b = new TestTraces();
        long t = 1_000_000;
        int corr = 1;
        for (int i = 0; i < 150; i++, t += 20_000) {
            b.call("cudaMemcpyAsync_v3020", t, t + 5_000, 100, corr);
            b.memcpy(t + 6_000, t + 8_000, corr++, 2048, HTOD, PINNED, DEVICE);       // 2 KiB in 2 µs
        }
        for (int i = 0; i < 120; i++, t += 20_000) {
            b.call("cudaMemcpyAsync_v3020", t, t + 5_000, 100, corr);
            b.memcpy(t + 6_000, t + 8_000, corr++, 8192, DTOH, DEVICE, PINNED);       // 8 KiB in 2 µs
        }
        b.call("cudaMemcpyAsync_v3020", t, t + 5_000, 100, corr);
        b.memcpy(t + 6_000, t + 6_000 + 100_000, corr, 4L << 20, HTOD, PINNED, DEVICE); // 4 MiB in 100 µs
        Finding f = eval(rule, b.build());
        // HtoD: 151 copies averaging (150 × 2 KiB + 4 MiB) / 151 ≈ 29.1 KiB; DtoH: 120 of 8 KiB
        assertThat(f.summary()).isEqualTo("151 HtoD copies averaging 29.1 KiB + 120 DtoH copies averaging 8 KiB: batch them");
        double ref = (4 << 20) * 1e9 / 100_000;
        assertThat(RuleTesting.text(f)).contains("reference bandwidth: 41.9 GB/s (achieved by HtoD copies of 1-16 MiB)");
        long htod = Math.max(0, Math.round(150 * 2_000 + 100_000 - (150 * 2048 + (4L << 20)) * 1e9 / ref));
        long dtoh = Math.max(0, Math.round(120 * 2_000 - 120 * 8192 * 1e9 / ref));
        assertThat(f.recoverableNs()).isEqualTo(htod + dtoh);
    }

    private static Trace copies(int n, long bytes, int kind) {
        TestTraces b = new TestTraces();
        long t = 1_000_000;
        for (int i = 0; i < n; i++, t += 30_000) {
            b.call("cudaMemcpy_v3020", t, t + 12_000, 100, i + 1);
            b.memcpy(t + 2_000, t + 4_000, i + 1, bytes, kind, kind == HTOD ? PINNED : DEVICE,
                    kind == DTOH ? PINNED : DEVICE);
        }
        return b.build();
    }
}
