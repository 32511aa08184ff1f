package io.proflens.analysis.anatomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.anatomy.StepAnatomy.LayerKind;
import io.proflens.analysis.anatomy.StepAnatomy.LayerOperator;
import io.proflens.analysis.anatomy.StepAnatomy.LayerSource;
import io.proflens.analysis.anatomy.StepAnatomy.StepSource;
import io.proflens.demo.DemoProfileWriter;
import io.proflens.demo.DemoSpec;
import io.proflens.model.KernelTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepAnatomyTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ the quoted table

    @Test
    void nvtxLayerRangesReproduceTheQuotedStepTableExactly() throws Exception {
        Trace trace = TestData.load(DecodeStepScenario.write(dir, true));
        StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults());

        assertThat(a.stepSource()).isEqualTo(StepSource.MAIN_ITERATION);
        assertThat(a.stepLabel()).isEqualTo("decode_step");
        assertThat(a.steps()).isEqualTo(3);
        assertThat(a.layerSource()).isEqualTo(LayerSource.RANGES);
        assertThat(a.layerLabel()).isEqualTo("layer_N");
        assertThat(a.stepMeanNs()).isEqualTo(28_500_000.0);
        assertThat(a.layerKinds()).extracting(LayerKind::name).containsExactly("dense", "moe", "mtp");

        LayerKind dense = a.layerKind("dense");
        assertThat(dense.layersPerStep()).isEqualTo(3.0);
        assertThat(dense.meanLayerNs()).isEqualTo(311_000.0);
        LayerKind moe = a.layerKind("moe");
        assertThat(moe.layersPerStep()).isEqualTo(58.0);
        assertThat(moe.meanLayerNs()).isEqualTo(439_000.0);
        assertThat(moe.perStepNs()).isEqualTo(25_462_000.0); // "0.439 ms per layer × 58 = 25.46 ms"
        LayerKind mtp = a.layerKind("mtp");
        assertThat(mtp.layersPerStep()).isEqualTo(1.0);
        assertThat(mtp.meanLayerNs()).isEqualTo(2_000_000.0);
        assertThat(mtp.exampleLayer()).isEqualTo("mtp_layer_61");
        // 28.5 - 0.933 - 25.462 - 2.0 ms: embedding, LM head, sampling, gaps between layers
        assertThat(a.remainderMeanNs()).isEqualTo(105_000.0);

        assertOperator(dense, "RMSNorm", 8_000, "");
        assertOperator(dense, "q_a_kv_a", 11_000, "");
        assertOperator(dense, "q_proj_b", 16_000, "2 + 14");
        assertOperator(dense, "attention", 153_000, "");
        assertOperator(dense, "o_proj", 33_000, "3 + 30");
        assertOperator(dense, "MLP up", 24_000, "2 + 22");
        assertOperator(dense, "silu", 5_000, "");
        assertOperator(dense, "down", 18_000, "");
        assertThat(dense.operators()).extracting(LayerOperator::name).containsExactly("RMSNorm", "q_a_kv_a",
                "q_proj_b", "bmm", "rope", "attention", "o_proj", "MLP up", "silu", "down");
        assertThat(dense.gapMeanNs()).isEqualTo(33_000.0);
        assertThat(dense.overlapMeanNs()).isZero();

        assertOperator(moe, "gate+topk", 19_000, "12 + 7");
        assertOperator(moe, "dispatch", 43_000, "");
        assertOperator(moe, "expert up", 40_000, "");
        assertOperator(moe, "down", 30_000, "");
        assertOperator(moe, "combine", 12_000, "");
        assertOperator(moe, "RMSNorm #2", 8_000, ""); // post-attention norm: second RMSNorm of the layer
        assertThat(moe.operator("dispatch").communication()).isTrue();
        assertThat(moe.operator("dispatch").exposedMeanNs()).isEqualTo(43_000.0);
        assertThat(moe.operator("combine").exposedMeanNs()).isEqualTo(12_000.0);
        assertThat(moe.operator("expert up").exposedMeanNs()).isNull();

        // tables: step_layers rows are the kinds, the remainder and the total
        List<ResultTable> tables = a.toTables();
        ResultTable steps = tables.get(0);
        assertThat(steps.reportName()).isEqualTo("step_layers");
        assertThat(steps.size()).isEqualTo(5);
        assertThat(steps.cell(1, steps.columnIndex("Per Step"))).isEqualTo(25_462_000.0);
        assertThat(steps.cell(3, steps.columnIndex("Per Step"))).isEqualTo(105_000.0);
        assertThat(steps.cell(4, steps.columnIndex("Per Step"))).isEqualTo(28_500_000.0);
        ResultTable ops = tables.get(1);
        assertThat(ops.reportName()).isEqualTo("layer_operators");
        int parts = ops.columnIndex("Kernel Parts (us)");
        int mean = ops.columnIndex("Mean Per Layer");
        boolean found = false;
        for (Object[] r : ops.rows()) {
            if (r[0].equals("dense") && r[1].equals("q_proj_b")) {
                assertThat(r[parts]).isEqualTo("2 + 14");
                assertThat(r[mean]).isEqualTo(16_000.0);
                found = true;
            }
        }
        assertThat(found).isTrue();
        assertPartsSumToLayers(a, ops);
    }

    @Test
    void kernelSequenceFindsTheSameLayersWithoutLayerRanges() throws Exception {
        Trace trace = TestData.load(DecodeStepScenario.write(dir, false));
        // a user rule groups the router GEMM and the top-k kernel into one operator, as the expert did
        OperatorMapping mapping = OperatorMapping.fromLines("user", List.of(
                "gate+topk\tnvjet_tst_64x8_64x16_2x1_v_bz_TNT|topkGating\trouter logits and top-k"),
                OperatorMapping.builtIn());
        StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults().withMapping(mapping));

        assertThat(a.layerSource()).isEqualTo(LayerSource.KERNEL_SEQUENCE);
        assertThat(a.layerLabel()).isEqualTo("attention");
        assertThat(a.steps()).isEqualTo(3);
        assertThat(a.stepMeanNs()).isEqualTo(28_500_000.0);
        // one attention kernel per layer: 3 + 58 + 1 per step
        long attentionKernels = countKernels(trace, "flash_fwd_splitkv_mla_kernel");
        assertThat(a.layersPerStep() * a.steps()).isEqualTo((double) attentionKernels);
        assertThat(a.layerKinds()).extracting(LayerKind::name).containsExactly("dense", "moe", "moe-2");
        LayerKind dense = a.layerKind("dense");
        assertThat(dense.layersPerStep()).isEqualTo(3.0);
        assertThat(dense.meanLayerNs()).isEqualTo(311_000.0);
        LayerKind moe = a.layerKind("moe");
        assertThat(moe.layersPerStep()).isEqualTo(58.0);
        assertThat(moe.meanLayerNs()).isEqualTo(439_000.0);
        LayerKind mtp = a.layerKind("moe-2"); // the MTP layer: extra norms and eh_proj in front of an MoE layer
        assertThat(mtp.layersPerStep()).isEqualTo(1.0);
        assertThat(mtp.meanLayerNs()).isEqualTo(2_000_000.0);
        assertThat(a.remainderMeanNs()).isEqualTo(105_000.0);

        // consecutive kernels of one operator are one instance with parts
        assertThat(dense.operators()).extracting(LayerOperator::name).containsExactly("rmsnorm", "gemm", "rmsnorm #2",
                "gemm #2", "rope", "attention", "gemm #3", "quant", "gemm #4", "silu", "gemm #5");
        assertOperator(dense, "gemm #3", 33_000, "3 + 30"); // o_proj: bmm + GEMM
        assertOperator(moe, "gate+topk", 19_000, "12 + 7");
        assertOperator(moe, "dispatch", 43_000, "");
        assertThat(moe.operator("dispatch").exposedMeanNs()).isEqualTo(43_000.0);
        assertThat(moe.operator("combine").exposedMeanNs()).isEqualTo(12_000.0);
        assertPartsSumToLayers(a, a.toTables().get(1));
    }

    private static void assertOperator(LayerKind kind, String name, double meanNs, String parts) {
        LayerOperator o = kind.operator(name);
        assertThat(o).as(kind.name() + " " + name).isNotNull();
        assertThat(o.meanNs()).as(name).isEqualTo(meanNs);
        assertThat(o.partsText()).as(name).isEqualTo(parts);
    }

    /** Invariant: per kind, operator rows + gaps − overlap = the layer total row. */
    private static void assertPartsSumToLayers(StepAnatomy a, ResultTable ops) {
        int mean = ops.columnIndex("Mean Per Layer");
        for (LayerKind k : a.layerKinds()) {
            double sum = 0;
            Double total = null;
            for (Object[] r : ops.rows()) {
                if (!r[0].equals(k.name())) {
                    continue;
                }
                if (r[1].equals("layer total")) {
                    total = (Double) r[mean];
                } else {
                    sum += (Double) r[mean];
                }
            }
            assertThat(total).isNotNull();
            assertThat(sum).as(k.name()).isCloseTo(total, within(0.5 * k.operators().size() + 1));
        }
        double perStep = 0;
        for (LayerKind k : a.layerKinds()) {
            perStep += k.perStepNs();
        }
        assertThat(perStep + a.remainderMeanNs()).isCloseTo(a.stepMeanNs(), within(1e-6));
    }

    private static long countKernels(Trace t, String fragment) {
        KernelTable k = t.kernels();
        long c = 0;
        for (int i = 0; i < k.size(); i++) {
            if (t.string(k.demangledNameId(i)).contains(fragment)) {
                c++;
            }
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------ the demo profile

    @Test
    void demoProfileLayersMatchTheDemoSpec() throws Exception {
        Path file = dir.resolve("demo.sqlite");
        DemoSpec spec = DemoSpec.defaults();
        DemoProfileWriter.write(file, spec);
        Trace trace = TestData.load(file);
        StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults());

        assertThat(a.stepLabel()).isEqualTo("decode_step");
        assertThat(a.steps()).isEqualTo(spec.steps());
        assertThat(a.layerSource()).isEqualTo(LayerSource.RANGES);
        assertThat(a.layerKinds()).extracting(LayerKind::name).containsExactly("dense", "moe", "mtp");
        assertThat(a.layerKind("dense").layersPerStep()).isEqualTo(spec.denseLayers());
        assertThat(a.layerKind("moe").layersPerStep()).isEqualTo(spec.moeLayers());
        assertThat(a.layerKind("mtp").layersPerStep()).isEqualTo(spec.mtpLayers());
        // the step mean is the mean decode_step range, computed here from the NVTX table
        NvtxTable nv = trace.nvtx();
        double sum = 0;
        int count = 0;
        for (int i = 0; i < nv.size(); i++) {
            if ("decode_step".equals(trace.string(nv.textId(i)))) {
                sum += nv.endNs(i) - nv.startNs(i);
                count++;
            }
        }
        assertThat(count).isEqualTo(spec.steps());
        assertThat(a.stepMeanNs()).isCloseTo(sum / count, within(1e-6));
        // DemoTimeline's nominal kernel times (±3 % jitter): FlashMLA 150 µs in dense layers, 120 µs in MoE layers;
        // q_b_proj = RMSNorm 2 µs + GEMM 14 µs
        LayerOperator denseAttention = a.layerKind("dense").operator("attention");
        assertThat(denseAttention.parts()).hasSize(2); // rotary + FlashMLA inside the "attention" range
        assertThat(denseAttention.parts().get(1).meanNs()).isCloseTo(150_000, within(4_500.0));
        assertThat(a.layerKind("moe").operator("attention").parts().get(1).meanNs()).isCloseTo(120_000,
                within(3_600.0));
        LayerOperator qb = a.layerKind("moe").operator("q_b_proj");
        assertThat(qb.parts()).hasSize(2);
        assertThat(qb.parts().get(0).meanNs()).isCloseTo(2_000, within(60.0));
        assertThat(qb.parts().get(1).meanNs()).isCloseTo(14_000, within(420.0));
        assertThat(a.layerKind("moe").operator("dispatch").communication()).isTrue();
        assertThat(a.layerKind("moe").operator("dispatch").exposedMeanNs()).isNotNull()
                .isBetween(0.0, a.layerKind("moe").operator("dispatch").meanNs());
        assertPartsSumToLayers(a, a.toTables().get(1));
    }

    // ------------------------------------------------------------------------------------------ real traces

    @Test
    void qwenKinetoTraceHas24DecoderLayers() {
        Path p = TestData.root().resolve("kineto/tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
        Trace trace = TestData.load(p);
        StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults());

        assertThat(a.stepSource()).isEqualTo(StepSource.PROFILER_STEP);
        assertThat(a.steps()).isEqualTo(1);
        assertThat(a.layerSource()).isEqualTo(LayerSource.RANGES);
        // independent count: SDPA flash-attention operators recorded by the profiler (one per decoder layer); the
        // model card of Qwen1.5-0.5B gives num_hidden_layers = 24
        NvtxTable cpu = trace.cpuRanges();
        int sdpa = 0;
        for (int i = 0; i < cpu.size(); i++) {
            if ("aten::_scaled_dot_product_flash_attention".equals(trace.string(cpu.textId(i)))) {
                sdpa++;
            }
        }
        assertThat(sdpa).isEqualTo(24);
        assertThat(a.layersPerStep()).isEqualTo(24.0);
        assertThat(a.layerLabel()).isEqualTo("python_function:nn.Module: Qwen2DecoderLayer_N");
        assertThat(a.layerKinds().get(0).name()).isEqualTo("dense");
        assertThat(a.layerKinds().get(0).layerCount()).isEqualTo(24);
        assertPartsSumToLayers(a, a.toTables().get(1));
    }

    @Test
    void fastVideoT5EncoderBlocksFromTheKernelSequence() {
        Trace trace = TestData.load(TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite"));
        StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults());

        assertThat(a.stepSource()).isEqualTo(StepSource.WHOLE_TRACE);
        assertThat(a.layerSource()).isEqualTo(LayerSource.KERNEL_SEQUENCE);
        assertThat(a.layerLabel()).isEqualTo("softmax"); // T5 attention is unfused: one softmax per block
        // independent count: FSDP's pre-forward hook of each T5 block's self-attention sublayer
        // ("FSDP::pre_forward (encoder.block.N.layer.0)"), per launching thread (one per rank): the 1 s window
        // holds blocks 15-23 of one encoder pass and 0-18 of the next
        Pattern attentionHook = Pattern.compile("^FSDP::pre_forward \\(encoder\\.block\\.(\\d+)\\.layer\\.0\\)");
        Map<Long, Integer> hooksByThread = new TreeMap<>();
        TreeSet<Integer> blocks = new TreeSet<>();
        NvtxTable nv = trace.nvtx();
        for (int i = 0; i < nv.size(); i++) {
            String s = trace.string(nv.textId(i));
            Matcher m = s == null ? null : attentionHook.matcher(s);
            if (m != null && m.find()) {
                hooksByThread.merge(nv.globalTid(i), 1, Integer::sum);
                blocks.add(Integer.parseInt(m.group(1)));
            }
        }
        assertThat(blocks).hasSize(24); // umT5-XXL encoder: 24 blocks
        assertThat(hooksByThread.values()).containsOnly(28);
        assertThat(a.layersPerStep()).isEqualTo(28.0);
        LayerKind main = a.layerKinds().get(0);
        assertThat(main.layerCount()).isGreaterThanOrEqualTo(24); // at least one whole pass has the same structure
        // a layer's GPU span is at most the anchor period (median softmax-to-softmax interval on that device)
        int device = deviceWithMostKernelTime(trace);
        List<Long> starts = new ArrayList<>();
        KernelTable k = trace.kernels();
        for (int i = 0; i < k.size(); i++) {
            if (trace.string(k.shortNameId(i)).equals("softmax_warp_forward") && k.deviceId(i) == device) {
                starts.add(k.startNs(i));
            }
        }
        starts.sort(null);
        assertThat(starts).hasSize(28);
        List<Long> periods = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            periods.add(starts.get(i) - starts.get(i - 1));
        }
        periods.sort(null);
        long median = periods.get(periods.size() / 2);
        assertThat(main.meanLayerNs()).isLessThanOrEqualTo(median).isGreaterThan(median / 2.0);
        assertPartsSumToLayers(a, a.toTables().get(1));
    }

    private static int deviceWithMostKernelTime(Trace t) {
        KernelTable k = t.kernels();
        Map<Integer, Long> time = new TreeMap<>();
        for (int i = 0; i < k.size(); i++) {
            time.merge(k.deviceId(i), k.endNs(i) - k.startNs(i), Long::sum);
        }
        return time.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Test
    void traceWithoutKernelsHasNoAnatomy() throws Exception {
        Path f = dir.resolve("empty.sqlite");
        try (io.proflens.demo.NsysExportWriter w = io.proflens.demo.NsysExportWriter.open(f)) {
            w.process(1, "p").thread(1, 1, "t");
            w.nvtxRange(1_000, 2_000, 1, 1, "step");
            w.finish();
        }
        StepAnatomy a = StepAnatomy.of(TestData.load(f), AnatomyOptions.defaults());
        assertThat(a.stepSource()).isEqualTo(StepSource.NONE);
        assertThat(a.hasLayers()).isFalse();
        assertThat(a.toTables().get(0).size()).isZero();
        assertThat(Files.exists(f)).isTrue();
    }
}
