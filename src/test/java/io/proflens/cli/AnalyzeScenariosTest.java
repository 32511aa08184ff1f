package io.proflens.cli;

import static io.proflens.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.proflens.scenarios.ExpertScenarios;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expert analyses quoted in the diagnosis issue, end to end: {@code proflens analyze} on generated exports that
 * reproduce each situation must print findings that quote the expert's numbers. The traces are generated
 * ({@link ExpertScenarios}) because the corpus has none of these situations with these numbers.
 */
class AnalyzeScenariosTest {
    @TempDir
    Path tmp;

    private static String findings(CliTest.Run r) {
        assertThat(r.code()).as(r.err()).isZero();
        int a = r.out().indexOf(" ** Findings (");
        int b = r.out().indexOf("\n ** ", a + 5);
        assertThat(a).as(r.out()).isGreaterThanOrEqualTo(0);
        return r.out().substring(a, b < 0 ? r.out().length() : b);
    }

    @Test
    void cpuMoeFineTuningThreadPoolSleeps() throws Exception {
        Path f = ExpertScenarios.cpuThreadPool(tmp);
        String text = findings(run("analyze", "-q", "--no-stats", f.toString()));
        // "nanosleep is 192 s over 179,993 calls (avg 1.07 ms): the work-stealing thread pool's workers are idle-waiting"
        assertThat(text).contains("host.threadpool-idle").contains("nanosleep").contains("179,993").contains("1.07 ms")
                .contains("60");
        assertThat(firstProblem(text)).contains("host.threadpool-idle");
    }

    @Test
    void nvtxPhasesBackwardIs273TimesForward() throws Exception {
        Path f = ExpertScenarios.nvtxPhases(tmp);
        CliTest.Run r = run("analyze", "-q", "--no-stats", "--all", f.toString());
        String text = findings(r);
        // "full_train_loop 487.7 ms ≈ forward_only 131.5 + backward_only 359.2 ms; backward is 2.73× forward"
        assertThat(text).contains("phases.imbalance").contains("2.73×").contains("131.5 ms").contains("359.2 ms");
        assertThat(r.out()).contains("full_train_loop").contains("forward_only").contains("backward_only");
    }

    @Test
    void multiGpuMoeMemcpyAndSyncShares() throws Exception {
        Path f = ExpertScenarios.multiGpuMoeMemcpy(tmp);
        String text = findings(run("analyze", "-q", "--no-stats", f.toString()));
        // "memcpy is 38.7% of CUDA API time; 2,708 HtoD + 2,708 DtoH copies averaging 24 KB: batch them";
        // "cudaDeviceSynchronize is 13.2% of API time"
        assertThat(problem(text, "api.memcpy-share")).contains("38.7%");
        assertThat(problem(text, "memcpy.small-transfers")).contains("2,708 HtoD").contains("2,708 DtoH").contains("24 KiB");
        assertThat(problem(text, "api.sync-share")).contains("cudaDeviceSynchronize").contains("13.2%");
    }

    @Test
    void transformerTrainingForwardGemmOverallCopies() throws Exception {
        Path f = ExpertScenarios.transformerTraining(tmp);
        String text = findings(run("analyze", "-q", "--no-stats", f.toString()));
        // "forward is dominated by cuBLAS SGEMM (ampere_sgemm_128x64_tn: tile 128×64); forward+backward by
        //  direct_copy_kernel_cuda elementwise copies ...: fuse them"
        String fusion = problem(text, "kernels.fusion-candidates");
        assertThat(fusion).contains("direct_copy").contains("forward (forward) top kernel: ampere_sgemm_128x64_tn (GEMM, tile 128×64)")
                .contains("Fuse");
    }

    @Test
    void decodeGpuIdleBetweenForwardsOnEveryRank() throws Exception {
        List<Path> ranks = ExpertScenarios.decodeRanks(tmp, 2);
        List<String> args = new ArrayList<>(List.of("analyze", "-q", "--no-stats"));
        ranks.forEach(p -> args.add(p.toString()));
        String text = findings(run(args.toArray(String[]::new)));
        // "the GPU is idle 1.3 ms between two consecutive forwards on every rank"
        assertThat(problem(text, "phases.iteration-gap")).contains("1.30 ms").contains("forward").contains("2 of 2 ranks");
    }

    @Test
    void multiRankJsonHasEveryRankMergedFindingsAndPerRankStats() throws Exception {
        List<Path> ranks = ExpertScenarios.decodeRanks(tmp, 2);
        CliTest.Run r = run("analyze", "-q", "-f", "json", ranks.get(0).toString(), ranks.get(1).toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.get("ranks")).hasSize(2);
        boolean gap = false;
        for (JsonNode f : doc.get("findings")) {
            if (f.get("ruleId").asText().equals("phases.iteration-gap")) {
                gap = true;
                assertThat(f.get("summary").asText()).contains("2 of 2 ranks").contains("1.30 ms");
            }
        }
        assertThat(gap).isTrue();
        assertThat(doc.get("stats").has("cuda_gpu_kern_sum_per_rank")).isTrue();
        assertThat(doc.get("stats").has("cuda_gpu_kern_sum")).isTrue();
    }

    @Test
    void healthyTraceHasNoWarningsAndJsonCarriesTheSameFindings() throws Exception {
        Path f = ExpertScenarios.healthy(tmp);
        CliTest.Run r = run("analyze", "-q", "-f", "json", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        List<String> warnings = new ArrayList<>();
        for (JsonNode fd : doc.get("findings")) {
            String sev = fd.get("severity").asText();
            assertThat(sev).as(fd.toString()).isNotEqualTo("failed");
            if (sev.equals("warning") || sev.equals("critical")) {
                warnings.add(fd.get("ruleId").asText() + ": " + fd.get("summary").asText());
            }
        }
        assertThat(warnings).isEmpty();
        assertThat(doc.get("analyses").has("gpu_utilization")).isTrue();
        assertThat(doc.get("stats").has("cuda_gpu_kern_sum")).isTrue();
        assertThat(doc.get("capture").get("synthetic").asBoolean()).isTrue();
    }

    /** @return the text of the first problem finding */
    private static String firstProblem(String findings) {
        int a = findings.indexOf("  1. [");
        int b = findings.indexOf("\n  2. [", a);
        return findings.substring(a, b < 0 ? findings.length() : b);
    }

    /** @return the block of the problem finding of this rule (fails when the rule did not find a problem) */
    private static String problem(String findings, String ruleId) {
        int at = findings.indexOf("(" + ruleId + ")\n");
        assertThat(at).as(ruleId + " is not a problem finding in:\n" + findings).isGreaterThanOrEqualTo(0);
        int start = findings.lastIndexOf("\n  ", at);
        int end = findings.indexOf("\n\n", at);
        return findings.substring(start, end < 0 ? findings.length() : end);
    }
}
