package io.proflens.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.model.Trace;
import io.proflens.rules.api.MemcpyApiShareRule;
import io.proflens.rules.api.SyncShareRule;
import io.proflens.rules.gpu.HostBoundLaunchRule;
import io.proflens.rules.host.ThreadPoolIdleRule;
import io.proflens.rules.memcpy.PageableMemcpyRule;
import io.proflens.rules.memcpy.SmallTransfersRule;
import io.proflens.scenarios.ExpertScenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory-transfer, CUDA API, host-thread and host-bound-launch rules over every real corpus file and every
 * expert scenario: which rules fire where (a reviewed table, so a change of behaviour shows up here), no rule fails,
 * findings are well formed, and evaluation is deterministic.
 *
 * <p>Notes on the table. {@code memcpy.pageable} fires (INFO) on every Kineto trace whose data loader copies from
 * pageable memory, CRITICAL only where those copies fill the timeline (sc23 OpenMP offload, driver API).
 * {@code api.sync-share} fires on inference and benchmark traces that block in one or a few long syncs; it stays
 * INFO unless the GPU idles for the host afterwards. {@code host.threadpool-idle} fires on mordred's 47 futex-blocked
 * workers (INFO) and on the CPU thread-pool scenario (WARNING); cutlass and vecadd (a main thread in poll plus CUDA
 * driver threads) are no pool. {@code gpu.host-bound-launch} fires on the HTA/PARAM training traces whose GPU waits
 * for the host (ResNet DDP, DLRM, df-index-resolver, the linear model, the GP100 annotation test) and not where the
 * GPU is busy (Wan inference, owlv2) or has fewer than 100 launches.
 */
class HostRulesCorpusTest {
    static final List<Rule> RULES = List.of(new SmallTransfersRule(), new PageableMemcpyRule(),
            new MemcpyApiShareRule(), new SyncShareRule(), new ThreadPoolIdleRule(), new HostBoundLaunchRule());

    private static final String SMALL = "memcpy.small-transfers";
    private static final String PAGEABLE = "memcpy.pageable";
    private static final String MEMCPY = "api.memcpy-share";
    private static final String SYNC = "api.sync-share";
    private static final String POOL = "host.threadpool-idle";
    private static final String LAUNCH = "gpu.host-bound-launch";

    /** Files (relative to the corpus root, or {@code scenario:NAME}) and the rules that report a problem there. */
    private static final Map<String, Set<String>> FIRES = new LinkedHashMap<>();

    static {
        fires("nsys/beast-omp-offload-aarch64-2020/report2.sqlite", PAGEABLE, SYNC);
        fires("nsys/cutlass-bench-a100/report1.sqlite", MEMCPY, SYNC);
        fires("nsys/fuser-hopper-matmul-h100/report1.sqlite");
        fires("nsys/memfusion-tensorrt-rtx3090/report1.sqlite");
        fires("nsys/mordred-gpu-join-2021/report1.sqlite", MEMCPY, POOL);
        fires("nsys/nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite", PAGEABLE, SYNC);
        fires("nsys/nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite", PAGEABLE, SYNC);
        fires("nsys/nsysai-mock-tiny/mock.sqlite");
        fires("nsys/sc23-openmp-offload-t4/report3.sqlite", PAGEABLE, MEMCPY);
        fires("nsys/vecadd-rtx3060-2025/report1.sqlite");
        fires("kineto/hta-amd-mi250-minitoy/mi250_minitoy_train_ROCm6_2_kineto.json.gz");
        fires("kineto/hta-critical-path-a100/alexnet_trace.json.gz", PAGEABLE);
        fires("kineto/hta-critical-path-a100/event_sync_multi_stream_trace.json.gz");
        fires("kineto/hta-critical-path-a100/event_sync_trace.json.gz", PAGEABLE, SYNC);
        fires("kineto/hta-critical-path-a100/simple_add_trace.json.gz", PAGEABLE);
        fires("kineto/hta-cupti-counters-alexnet-a100/benchmark_result_924719_1679055439_trace.json.gz");
        fires("kineto/hta-df-index-resolver-v100-ddp2/df_index_resolver.json.gz", LAUNCH);
        fires("kineto/hta-gpu-user-annotation-gp100/step_based_trace_2543932.json.gz", PAGEABLE, LAUNCH);
        fires("kineto/hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz", LAUNCH);
        fires("kineto/hta-resnet-ddp-v100-ns-resolution/rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz", SYNC);
        fires("kineto/hta-sampled-ws128-encdec-fp8/sampled_rank-0.json.gz", PAGEABLE);
        fires("kineto/hta-sampled-ws128-encdec-fp8/sampled_rank-1.json.gz", PAGEABLE);
        fires("kineto/hta-trace-compare-tiny/base.json.gz", SYNC);
        fires("kineto/hta-trace-compare-tiny/test.json.gz", SYNC);
        fires("kineto/hta-trace-diff-torchrec-a100-vs-v100/control.json.gz", PAGEABLE, MEMCPY);
        fires("kineto/hta-trace-diff-torchrec-a100-vs-v100/test.json.gz", PAGEABLE, MEMCPY);
        for (String w : new String[] {"worker0_step_12.1694128201545", "worker1_step_12.1694128201556",
            "worker3_step_12.1694128201557", "worker4_step_12.1694128201547", "worker5_step_12.1694128201549"}) {
            fires("kineto/param-dlrm-v100-8rank/" + w + ".pt.trace.json.gz", PAGEABLE, SYNC, LAUNCH);
        }
        for (String w : new String[] {"worker2_step_12.1694128201554", "worker6_step_12.1694128201553",
            "worker7_step_12.1694128201553"}) {
            fires("kineto/param-dlrm-v100-8rank/" + w + ".pt.trace.json.gz", PAGEABLE, LAUNCH);
        }
        fires("kineto/param-resnet-rtx2080ti/linear_kineto.json.gz", LAUNCH);
        fires("kineto/param-resnet-rtx2080ti/resnet_kineto.json.gz", PAGEABLE, MEMCPY);
        fires("kineto/tl-h100-owlv2-large-infer/google_owlv2-large-patch14-ensemble__1016001.json.gz", PAGEABLE, SYNC);
        fires("kineto/tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz", SYNC);
        fires("kineto/tl-mi300x-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz", SYNC);
        fires("kineto/tl-mi300x-resnet-ddp8-act-checkpoint/resnet_act_checkpoint.json.gz", SYNC);
        fires("kineto/tl-mi300x-xdit-sd3.5-infer/profile_trace_rank_0.json.gz", MEMCPY);
        fires("scenario:multiGpuMoeMemcpy", SMALL, MEMCPY, SYNC, LAUNCH);
        fires("scenario:cpuThreadPool", POOL);
        fires("scenario:healthy");
        fires("scenario:transformerTraining", LAUNCH);
        fires("scenario:nvtxPhases", SYNC);
        fires("scenario:decodeRanks", SYNC);
    }

    @TempDir
    Path tmp;

    private static void fires(String file, String... rules) {
        FIRES.put(file, new TreeSet<>(List.of(rules)));
    }

    @Test
    void firesWhereExpectedAndNowhereElse() throws IOException {
        Map<String, Path> files = files();
        assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(FIRES.keySet());
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            Trace t = TestData.load(e.getValue());
            RuleContext ctx = RuleContext.of(t);
            Set<String> fired = new TreeSet<>();
            for (Rule r : RULES) {
                Finding f = r.evaluate(ctx, ThresholdValues.defaults(r));
                String where = r.id() + " on " + e.getKey();
                wellFormed(r, f, where);
                if (f.severity().isProblem()) {
                    fired.add(r.id());
                }
                // deterministic: a fresh context gives the same finding
                assertThat(r.evaluate(RuleContext.of(t), ThresholdValues.defaults(r))).as(where).isEqualTo(f);
            }
            if (!fired.equals(FIRES.get(e.getKey()))) {
                mismatches.add(e.getKey() + ": fired " + fired + ", expected " + FIRES.get(e.getKey()));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** The rules run in the engine next to each other and the ordering puts problems first. */
    @Test
    void engineOrdersTheMoeFindingsByRecoverableTime() throws IOException {
        Trace t = TestData.load(ExpertScenarios.multiGpuMoeMemcpy(tmp));
        List<Finding> fs = new RuleEngine(new RuleRegistry(RULES), RuleConfig.defaults()).run(RuleContext.of(t));
        assertThat(fs).extracting(Finding::ruleId).containsExactly(LAUNCH, MEMCPY, SYNC, SMALL, PAGEABLE, POOL);
        assertThat(fs.get(4).severity()).isEqualTo(Severity.OK);
        assertThat(fs.get(5).severity()).isEqualTo(Severity.NOT_APPLICABLE);
    }

    private static void wellFormed(Rule r, Finding f, String where) {
        assertThat(f.ruleId()).as(where).isEqualTo(r.id());
        assertThat(f.severity()).as(where).isNotEqualTo(Severity.FAILED);
        assertThat(f.summary()).as(where).isNotBlank();
        assertThat(f.recoverableNs()).as(where).isNotNegative();
        if (f.severity().isProblem()) {
            assertThat(f.recommendation()).as(where).isNotBlank();
            assertThat(f.evidence()).as(where).isNotEmpty();
            assertThat(f.score()).as(where).isGreaterThanOrEqualTo(25);
        } else {
            assertThat(f.recommendation()).as(where).isEmpty();
            assertThat(f.recoverableNs()).as(where).isZero();
        }
        for (Evidence e : f.evidence()) {
            assertThat(e.label()).as(where).isNotBlank();
            assertThat(e.value()).as(where).isNotBlank().doesNotContain("NaN");
        }
        assertThat(f.summary()).as(where).doesNotContain("NaN").doesNotContain("null");
    }

    private Map<String, Path> files() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path p : TestData.allNsysExports()) {
            out.put(TestData.root().relativize(p).toString(), p);
        }
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".json.gz"))
                    .filter(p -> !p.getFileName().toString().contains("EXPECTED")).sorted()
                    .forEach(p -> out.put(TestData.root().relativize(p).toString(), p));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.put("scenario:multiGpuMoeMemcpy", ExpertScenarios.multiGpuMoeMemcpy(tmp));
        out.put("scenario:cpuThreadPool", ExpertScenarios.cpuThreadPool(tmp));
        out.put("scenario:healthy", ExpertScenarios.healthy(tmp));
        out.put("scenario:transformerTraining", ExpertScenarios.transformerTraining(tmp));
        out.put("scenario:nvtxPhases", ExpertScenarios.nvtxPhases(tmp));
        out.put("scenario:decodeRanks", ExpertScenarios.decodeRanks(tmp, 1).get(0));
        return out;
    }
}
