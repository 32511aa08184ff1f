package io.proflens.analysis.classify;

import static io.proflens.analysis.classify.KernelCategory.ACTIVATION;
import static io.proflens.analysis.classify.KernelCategory.ATTENTION;
import static io.proflens.analysis.classify.KernelCategory.COMMUNICATION;
import static io.proflens.analysis.classify.KernelCategory.COPY;
import static io.proflens.analysis.classify.KernelCategory.ELEMENTWISE;
import static io.proflens.analysis.classify.KernelCategory.EMBEDDING;
import static io.proflens.analysis.classify.KernelCategory.GEMM;
import static io.proflens.analysis.classify.KernelCategory.MEMCPY;
import static io.proflens.analysis.classify.KernelCategory.MEMSET;
import static io.proflens.analysis.classify.KernelCategory.NORMALIZATION;
import static io.proflens.analysis.classify.KernelCategory.OPTIMIZER;
import static io.proflens.analysis.classify.KernelCategory.OTHER;
import static io.proflens.analysis.classify.KernelCategory.REDUCTION;
import static io.proflens.analysis.classify.KernelCategory.SOFTMAX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KernelClassifierTest {
    private static final KernelClassifier BUILT_IN = KernelClassifier.builtIn();

    /** Fragment of a real corpus name (the first corpus name containing it is classified), category, tile. */
    static Stream<Arguments> corpusNames() {
        return Stream.of(
                Arguments.of("ampere_sgemm_128x64_nn", GEMM, "128x64"),
                Arguments.of("volta_sgemm_32x32_sliced1x4_nn", GEMM, "32x32"),
                Arguments.of("nvjet_hsh_128x256_64x4_2x1_v_bz_coopA_NTN", GEMM, "128x256"),
                Arguments.of("sm80_xmma_gemm_f32f32_f32f32_f32_tn_n_tilesize64x256x8", GEMM, "64x256x8"),
                Arguments.of("sm80_xmma_fprop_implicit_gemm_f16f16_f16f16_f16_nhwckrsc_nhwc_tilesize128x64x64",
                        GEMM, "128x64x64"),
                Arguments.of("Cijk_Alik_Bljk_BBS_BH_Bias_HA_S_SAV_UserArgs_MT128x192x64", GEMM, "128x192x64"),
                Arguments.of("igemm_fwd_gtcx3_nhwc_bf16_bx0_ex1_bt128x256x32", GEMM, "128x256x32"),
                Arguments.of("cudnn_infer_volta_scudnn_128x64_relu_small_nn_v1", GEMM, "128x64"),
                Arguments.of("trt_ampere_h16816gemm_64x64_ldg8_relu_stages_64x5_tn_v1", GEMM, "64x64"),
                Arguments.of("internal::gemvx::kernel<", GEMM, null),
                Arguments.of("splitKreduce_kernel<", GEMM, null),
                Arguments.of("fmha_cutlassF_bf16_aligned_64x64_rf_sm80", ATTENTION, null),
                Arguments.of("flash::flash_fwd_splitkv_kernel<", ATTENTION, null),
                Arguments.of("flash::flash_fwd_splitkv_combine_kernel<", ATTENTION, null),
                Arguments.of("pytorch_flash::flash_fwd_kernel<", ATTENTION, null),
                Arguments.of("ncclKernel_AllReduce_RING_LL_Sum_float", COMMUNICATION, null),
                Arguments.of("ncclDevKernel_SendRecv", COMMUNICATION, null),
                Arguments.of("ncclKernel_Broadcast_RING_LL_Sum_int8_t", COMMUNICATION, null),
                Arguments.of("unrolled_elementwise_kernel<at::native::direct_copy_kernel_cuda", COPY, null),
                Arguments.of("CatArrayBatchedCopy", COPY, null),
                Arguments.of("batched_transpose_32x16_half", COPY, null),
                Arguments.of("indexSelectLargeIndex", COPY, null),
                Arguments.of("nchwToNhwcKernel", COPY, null),
                Arguments.of("reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::func_wrapper_t<float,"
                        + " at::native::sum_functor", REDUCTION, null),
                Arguments.of("max_pool_forward_nchw", REDUCTION, null),
                Arguments.of("sm50_xmma_pooling_fw_4d", REDUCTION, null),
                Arguments.of("DeviceRadixSortOnesweepKernel", REDUCTION, null),
                Arguments.of("vectorized_layer_norm_kernel", NORMALIZATION, null),
                Arguments.of("cudnn::bn_fw_tr_1C11_kernel_NCHW", NORMALIZATION, null),
                Arguments.of("triton_red_fused_add_addmm_mul_native_layer_norm_split_unsqueeze_view_6",
                        NORMALIZATION, null),
                Arguments.of("softmax_warp_forward", SOFTMAX, null),
                Arguments.of("cunn_SoftMaxForward", SOFTMAX, null),
                Arguments.of("silu_kernel", ACTIVATION, null),
                Arguments.of("GeluCUDAKernelImpl", ACTIVATION, null),
                Arguments.of("split_embedding_codegen_forward_unweighted_kernel", EMBEDDING, null),

                Arguments.of("multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor", OPTIMIZER, null),
                Arguments.of("vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>", ELEMENTWISE,
                        null),
                Arguments.of("vectorized_elementwise_kernel<4, at::native::FillFunctor<float>", ELEMENTWISE, null),
                Arguments.of("kernVectorAdd", ELEMENTWISE, null),
                Arguments.of("triton_poi_fused__scaled_dot_product_flash_attention_cat_transpose_view_10",
                        ELEMENTWISE, null));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("corpusNames")
    void realCorpusNames(String fragment, KernelCategory expected, String tile) {
        String name = CorpusKernelNames.all().keySet().stream().filter(n -> n.contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("not in the corpus: " + fragment));
        Classification c = BUILT_IN.classify(name);
        assertThat(c.category()).as(BUILT_IN.explain(name)).isEqualTo(expected);
        assertThat(c.tileShape()).as(name).isEqualTo(tile);
        assertThat(c.ruleRegex()).isNotNull();
        assertThat(c.ruleLine()).isPositive();
    }

    static Stream<Arguments> namesFromTheIssue() {
        return Stream.of(
                // RoPE is elementwise, not an embedding lookup (vLLM's real kernel name)
                Arguments.of("void vllm::rotary_embedding_kernel<c10::BFloat16, true>(const long *, T1 *, T1 *, const T1 *, int, long, long, int, int, int)", ELEMENTWISE, null),
                Arguments.of("apply_rope_kernel", ELEMENTWISE, null),
                Arguments.of("ncclDevKernel_AllReduce_Sum_f32_RING_LL", COMMUNICATION, null),
                Arguments.of("void vllm::cross_device_reduce_2stage<__nv_bfloat16, 8>(vllm::RankData*, ...)",
                        COMMUNICATION, null),
                Arguments.of("void deep_ep::internode_ll::dispatch<3, 7168>(void*, ...)", COMMUNICATION, null),
                Arguments.of("void deep_ep::intranode::combine<__nv_bfloat16, 8, 768>(...)", COMMUNICATION, null),
                Arguments.of("multimem_all_reduce_kernel<float>", COMMUNICATION, null),
                Arguments.of("void c10d::symmetric_memory::two_shot_all_reduce_kernel<bf16, 8>()", COMMUNICATION,
                        null),
                Arguments.of("flash_fwd_splitkv_mla_kernel<Flash_fwd_kernel_traits_mla<576, 64, 64>>", ATTENTION,
                        null),
                Arguments.of("fmha_cutlassB_f16_aligned_64x64_k64_sm80", ATTENTION, null),
                Arguments.of("cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_128x64_32x6_tn_align8", GEMM, "128x64"),
                Arguments.of("sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1"
                        + "_execute_segment_k_off_kernel__5x_cublas", GEMM, "128x128x64"),
                Arguments.of("void cutlass::Kernel2<cutlass_80_wmma_tensorop_f16_s161616gemm_f16_32x32_128x2_tn_align8>"
                        + "(cutlass_80_wmma_tensorop_f16_s161616gemm_f16_32x32_128x2_tn_align8::Params)", GEMM,
                        "32x32"),
                Arguments.of("void cutlass::Kernel<cutlass::gemm::kernel::Gemm<cutlass::gemm::GemmShape<128, 256, 64>,"
                        + " cutlass::gemm::GemmShape<64, 64, 64>>>", GEMM, "128x256x64"),
                Arguments.of("void vllm::rms_norm_kernel<c10::BFloat16>(...)", NORMALIZATION, null),
                Arguments.of("void vllm::act_and_mul_kernel<c10::BFloat16, &vllm::silu_kernel<c10::BFloat16>>",
                        ACTIVATION, null),
                Arguments.of("[CUDA memcpy Device-to-Device]", MEMCPY, null),
                Arguments.of("Memset", MEMSET, null),
                Arguments.of("my_completely_unknown_kernel", OTHER, null));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("namesFromTheIssue")
    void namesFromTheIssueAndCommonLibraries(String name, KernelCategory expected, String tile) {
        Classification c = BUILT_IN.classify(name);
        assertThat(c.category()).as(BUILT_IN.explain(name)).isEqualTo(expected);
        assertThat(c.tileShape()).isEqualTo(tile);
    }

    @Test
    void categoriesHaveLabelsAndOnlyDataMovementBetweenDevicesIsNotCompute() {
        assertThat(GEMM.label()).isEqualTo("GEMM");
        assertThat(ATTENTION.label()).isEqualTo("attention");
        assertThat(COMMUNICATION.label()).isEqualTo("communication");
        assertThat(Stream.of(KernelCategory.values()).filter(c -> !c.isCompute()))
                .containsExactlyInAnyOrder(COMMUNICATION, MEMCPY, MEMSET);
    }

    @Test
    void unmatchedNameIsOtherWithoutRule() {
        Classification c = BUILT_IN.classify("zz_mystery");
        assertThat(c).isEqualTo(new Classification(OTHER, null, "no rule matched", -1, null));
        assertThat(c.matched()).isFalse();
        assertThat(BUILT_IN.explainAll("zz_mystery")).containsExactly(c);
        assertThat(BUILT_IN.explain("zz_mystery")).contains("other").contains("none of the");
    }

    @Test
    void explainNamesTheDecidingRuleTheEarlierRulesAndLaterMatches() {
        String name = "void vllm::cross_device_reduce_2stage<__nv_bfloat16, 8>(vllm::RankData*)";
        String text = BUILT_IN.explain(name);
        assertThat(text).contains("category: communication (not compute)")
                .contains("built-in kernel-categories.tsv:")
                .contains("earlier rules that did not match: 3")
                .contains("later rules that also match");
        List<Classification> all = BUILT_IN.explainAll(name);
        assertThat(all.get(0).category()).isEqualTo(COMMUNICATION);
        assertThat(all).extracting(Classification::category).contains(REDUCTION);

        String gemm = "ampere_sgemm_128x64_tn";
        assertThat(BUILT_IN.explain(gemm)).contains("category: GEMM (compute)").contains("tile:  128x64")
                .containsPattern("earlier rules that did not match: [1-9]");
    }

    @Test
    void userRulesComeFirstAndCanMoveANameElsewhere(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("my-rules.tsv");
        Files.writeString(rules, "# my overrides\n\n"
                + "OTHER\t^ampere_sgemm_128x64_tn$\tmeasured separately\n"
                + "communication\tmy_allgather_copy\tour custom all-gather\n");
        KernelClassifier k = KernelClassifier.fromFile(rules, BUILT_IN);
        assertThat(k.ruleCount()).isEqualTo(BUILT_IN.ruleCount() + 2);
        Classification moved = k.classify("ampere_sgemm_128x64_tn");
        assertThat(moved.category()).isEqualTo(OTHER);
        assertThat(moved.matched()).isTrue();
        assertThat(moved.ruleLine()).isEqualTo(3);
        assertThat(moved.why()).isEqualTo("measured separately");
        assertThat(k.explain("ampere_sgemm_128x64_tn")).contains(rules + ":3");
        assertThat(k.classify("my_allgather_copy_v2").category()).isEqualTo(COMMUNICATION);
        assertThat(k.classify("ampere_sgemm_128x64_nn").category()).isEqualTo(GEMM);
        // the fallback is untouched
        assertThat(BUILT_IN.classify("ampere_sgemm_128x64_tn").category()).isEqualTo(GEMM);
    }

    @Test
    void badUserLinesNameFileLineAndProblem(@TempDir Path dir) throws IOException {
        assertBad(dir, "GEMM\tgemm(\twhy\n", ":1: invalid regex 'gemm('");
        assertBad(dir, "# c\nGEMM\tgemm\twhy\nFOO\tbar\twhy\n", ":3: unknown category 'FOO'");
        assertBad(dir, "GEMM gemm why\n", ":1: expected 3 TAB-separated fields");
        assertBad(dir, "GEMM\tgemm\t \n", ":1: empty why");
        assertBad(dir, "GEMM\t\twhy\n", ":1: empty regex");
    }

    private static void assertBad(Path dir, String content, String message) throws IOException {
        Path f = Files.createTempFile(dir, "rules", ".tsv");
        Files.writeString(f, content);
        assertThatThrownBy(() -> KernelClassifier.fromFile(f, BUILT_IN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining(message);
    }

    @Test
    void concurrentCallersAgree() throws Exception {
        KernelClassifier k = KernelClassifier.builtIn();
        List<String> names = new ArrayList<>(CorpusKernelNames.all().keySet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<KernelCategory>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> names.stream().map(n -> k.classify(n).category()).toList()));
            }
            List<KernelCategory> expected = names.stream().map(n -> BUILT_IN.classify(n).category()).toList();
            for (Future<List<KernelCategory>> f : results) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdown();
        }
    }
}
