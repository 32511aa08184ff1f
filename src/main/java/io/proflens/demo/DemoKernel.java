package io.proflens.demo;

/**
 * Catalog of the kernels the demo launches. Names follow what nsys records for the real libraries
 * (vLLM custom ops, cuBLAS nvjet GEMMs, FlashMLA, DeepEP low-latency kernels, DeepGEMM, Triton, ATen);
 * the mangled names demangle (c++filt) to the same functions. Launch geometry and resources are fixed
 * per kernel so that every row with one name looks alike, as in a real trace.
 *
 * <p>cuBLAS nvjet and Triton kernels are {@code extern "C"}-like: nsys stores one string for the
 * demangled, short and mangled name.
 */
enum DemoKernel {
    RMS_NORM(
            "void vllm::rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, const c10::BFloat16 *, "
                    + "const c10::BFloat16 *, float, int, int)",
            "rms_norm_kernel",
            "_ZN4vllm15rms_norm_kernelIN3c108BFloat16ELi8EEEvPT_PKS3_S6_fii",
            24, 64, 1, 1, 1024, 1, 1, 144, 0, 16_384, 1, 0),
    /** The q_a_layernorm of MLA: a 1536-wide RMSNorm, hence the narrower vector width. */
    RMS_NORM_NARROW(
            "void vllm::rms_norm_kernel<c10::BFloat16, (int)4>(c10::BFloat16 *, const c10::BFloat16 *, "
                    + "const c10::BFloat16 *, float, int, int)",
            "rms_norm_kernel",
            "_ZN4vllm15rms_norm_kernelIN3c108BFloat16ELi4EEEvPT_PKS3_S6_fii",
            22, 64, 1, 1, 384, 1, 1, 144, 0, 16_384, 1, 0),
    FUSED_ADD_RMS_NORM(
            "void vllm::fused_add_rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, c10::BFloat16 *, "
                    + "const c10::BFloat16 *, float, int, int)",
            "fused_add_rms_norm_kernel",
            "_ZN4vllm25fused_add_rms_norm_kernelIN3c108BFloat16ELi8EEEvPT_S4_PKS3_fii",
            30, 64, 1, 1, 896, 1, 1, 144, 0, 16_384, 1, 0),
    ROTARY_EMBEDDING(
            "void vllm::rotary_embedding_kernel<c10::BFloat16, (bool)0>(const long *, c10::BFloat16 *, "
                    + "c10::BFloat16 *, const c10::BFloat16 *, int, long, long, long, int, int, int)",
            "rotary_embedding_kernel",
            "_ZN4vllm23rotary_embedding_kernelIN3c108BFloat16ELb0EEEvPKlPT_S6_PKS5_illliii",
            32, 64, 1, 1, 512, 1, 1, 0, 0, 32_768, 1, 0),
    FLASH_MLA(
            "void flash::flash_fwd_splitkv_mla_kernel<Flash_fwd_kernel_traits_mla<(int)576, (int)64, (int)64, "
                    + "(int)8, cutlass::bfloat16_t, (int)512>, (bool)0, SharedStorageMLA<Flash_fwd_kernel_traits_mla"
                    + "<(int)576, (int)64, (int)64, (int)8, cutlass::bfloat16_t, (int)512>>>(Flash_fwd_mla_params)",
            "flash_fwd_splitkv_mla_kernel",
            "_ZN5flash28flash_fwd_splitkv_mla_kernelI27Flash_fwd_kernel_traits_mlaILi576ELi64ELi64ELi8EN7cutlass"
                    + "10bfloat16_tELi512EELb0E16SharedStorageMLAIS4_EEEv20Flash_fwd_mla_params",
            208, 1, 1, 66, 256, 1, 1, 0, 230_400, 233_472, 1, 1),
    /** Large BF16 GEMMs: o_proj and the dense MLP. */
    GEMM_LARGE("nvjet_tst_128x256_64x4_2x1_v_bz_coopA_TNT",
            168, 132, 1, 1, 384, 1, 1, 0, 232_448, 233_472, 2, 1),
    /** Skinny GEMM with split-K: the fused q_a / kv_a down-projection. */
    GEMM_SPLITK("nvjet_tst_64x8_64x16_4x1_v_bz_splitK_TNT",
            154, 24, 1, 4, 128, 1, 1, 0, 213_248, 233_472, 2, 1),
    /** Mid-size GEMMs: q_b_proj, shared expert, MTP eh_proj. */
    GEMM_MEDIUM("nvjet_tst_128x64_64x8_2x1_v_bz_TNT",
            168, 112, 1, 1, 384, 1, 1, 0, 197_632, 233_472, 2, 1),
    /** Batched GEMM applying the absorbed MLA value up-projection before o_proj. */
    GEMM_BATCHED("nvjet_tst_64x32_64x16_4x1_v_bz_TNN",
            128, 8, 1, 16, 128, 1, 1, 0, 147_456, 233_472, 2, 1),
    /** Router logits (hidden × 256 experts). */
    GEMM_ROUTER("nvjet_tst_64x8_64x16_2x1_v_bz_TNT",
            154, 32, 1, 1, 128, 1, 1, 0, 164_864, 233_472, 2, 1),
    GEMM_LM_HEAD("nvjet_tst_256x128_64x4_1x2_h_bz_coopB_TNT",
            168, 132, 1, 1, 384, 1, 1, 0, 231_424, 233_472, 2, 1),
    SILU_AND_MUL(
            "void vllm::act_and_mul_kernel<c10::BFloat16, &vllm::silu_kernel<c10::BFloat16>, (bool)1>"
                    + "(c10::BFloat16 *, const c10::BFloat16 *, int)",
            "act_and_mul_kernel",
            "_ZN4vllm18act_and_mul_kernelIN3c108BFloat16EXadL_ZNS_11silu_kernelIS2_EET_RKS4_EELb1EEEvPS4_PKS4_i",
            18, 64, 1, 1, 1024, 1, 1, 0, 0, 32_768, 1, 0),
    TOPK_GATING(
            "void vllm::moe::topkGatingSoftmax<(int)8, (int)256, (int)4, (int)16, int>(const float *, "
                    + "const bool *, float *, int, int *, int *, int, int, int)",
            "topkGatingSoftmax",
            "_ZN4vllm3moe17topkGatingSoftmaxILi8ELi256ELi4ELi16EiEEvPKfPKbPfiPT3_Piiii",
            40, 16, 1, 1, 32, 4, 1, 0, 0, 16_384, 1, 0),
    DEEPEP_DISPATCH(
            "void deep_ep::internode_ll::dispatch<(bool)1, (int)3, (int)10, (int)7168>(void *, float *, int *, "
                    + "long *, void *, int *, int *, void *, const void *, const long *, int *, int *, int, int, "
                    + "int, int, int, int, int, int)",
            "dispatch",
            "_ZN7deep_ep12internode_ll8dispatchILb1ELi3ELi10ELi7168EEEvPvPfPiPlS2_S4_S4_S2_PKvPKlS4_S4_iiiiiiii",
            64, 132, 1, 1, 960, 1, 1, 2_048, 0, 16_384, 1, 0),
    DEEPEP_COMBINE(
            "void deep_ep::internode_ll::combine<(int)3, (int)10, (int)7168, (int)9>(void *, void *, int *, "
                    + "void *, const void *, const long *, const int *, const float *, int *, int *, int, int, "
                    + "int, int, int, int, int, int, bool)",
            "combine",
            "_ZN7deep_ep12internode_ll7combineILi3ELi10ELi7168ELi9EEEvPvS2_PiS2_PKvPKlPKiPKfS3_S3_iiiiiiiib",
            64, 132, 1, 1, 960, 1, 1, 1_024, 0, 16_384, 1, 0),
    /** Grouped (masked) FP8 expert GEMM, gate+up: N = 2 × 2048, K = 7168, 32 local experts. */
    EXPERT_GEMM_UP(
            "void deep_gemm::fp8_gemm_kernel<(unsigned int)4096, (unsigned int)7168, (unsigned int)64, "
                    + "(unsigned int)128, (unsigned int)128, (unsigned int)0, (unsigned int)32, (unsigned int)8, "
                    + "(unsigned int)128, (unsigned int)128, (unsigned int)1, (bool)0, (deep_gemm::GemmType)2>"
                    + "(float *, int *, unsigned int, CUtensorMap, CUtensorMap, CUtensorMap, CUtensorMap)",
            "fp8_gemm_kernel",
            "_ZN9deep_gemm15fp8_gemm_kernelILj4096ELj7168ELj64ELj128ELj128ELj0ELj32ELj8ELj128ELj128ELj1ELb0E"
                    + "LNS_8GemmTypeE2EEEvPfPij11CUtensorMapS4_S4_S4_",
            168, 132, 1, 1, 384, 1, 1, 0, 219_136, 233_472, 1, 1),
    /** Grouped FP8 expert GEMM, down: N = 7168, K = 2048. */
    EXPERT_GEMM_DOWN(
            "void deep_gemm::fp8_gemm_kernel<(unsigned int)7168, (unsigned int)2048, (unsigned int)64, "
                    + "(unsigned int)128, (unsigned int)128, (unsigned int)0, (unsigned int)32, (unsigned int)8, "
                    + "(unsigned int)128, (unsigned int)128, (unsigned int)1, (bool)0, (deep_gemm::GemmType)2>"
                    + "(float *, int *, unsigned int, CUtensorMap, CUtensorMap, CUtensorMap, CUtensorMap)",
            "fp8_gemm_kernel",
            "_ZN9deep_gemm15fp8_gemm_kernelILj7168ELj2048ELj64ELj128ELj128ELj0ELj32ELj8ELj128ELj128ELj1ELb0E"
                    + "LNS_8GemmTypeE2EEEvPfPij11CUtensorMapS4_S4_S4_",
            168, 132, 1, 1, 384, 1, 1, 0, 200_704, 233_472, 1, 1),
    /** Triton kernel fusing SiLU-and-mul with FP8 quantisation for the masked expert layout. */
    EXPERT_SILU_QUANT("_silu_mul_fp8_quant_deep_gemm",
            38, 32, 16, 1, 128, 1, 1, 0, 0, 16_384, 1, 0),
    EMBEDDING(
            "void at::native::<unnamed>::indexSelectLargeIndex<c10::BFloat16, long, unsigned int, (int)2, (int)2, "
                    + "(int)-2, (bool)1>(at::cuda::detail::TensorInfo<c10::BFloat16, unsigned int>, "
                    + "at::cuda::detail::TensorInfo<const c10::BFloat16, unsigned int>, "
                    + "at::cuda::detail::TensorInfo<const long, unsigned int>, int, int, unsigned int, unsigned int, "
                    + "long)",
            "indexSelectLargeIndex",
            "_ZN2at6native12_GLOBAL__N_121indexSelectLargeIndexIN3c108BFloat16EljLi2ELi2ELin2ELb1EEEvNS_4cuda6detail"
                    + "10TensorInfoIT_T1_EENS7_IKS8_S9_EENS7_IKT0_S9_EEiiS9_S9_l",
            26, 1056, 1, 1, 128, 1, 1, 0, 0, 32_768, 1, 0),
    ARGMAX(
            "void at::native::reduce_kernel<(int)512, (int)1, at::native::ReduceOp<float, "
                    + "at::native::ArgMaxOps<float>, unsigned int, long, (int)4, (int)4>>(T3)",
            "reduce_kernel",
            "_ZN2at6native13reduce_kernelILi512ELi1ENS0_8ReduceOpIfNS0_9ArgMaxOpsIfEEjlLi4ELi4EEEEEvT1_",
            32, 1, 64, 1, 32, 16, 1, 16, 2_048, 16_384, 1, 0);

    /** {@code localMemoryTotal} as the driver reports it for one context (value seen in a real H100 export). */
    static final long LOCAL_MEMORY_TOTAL = 250_871_808L;

    final String demangledName;
    final String shortName;
    final String mangledName;
    final int registersPerThread;
    final int gridX;
    final int gridY;
    final int gridZ;
    final int blockX;
    final int blockY;
    final int blockZ;
    final int staticSharedMemory;
    final int dynamicSharedMemory;
    final int sharedMemoryExecuted;
    final int cacheConfig;
    final int sharedMemoryLimitConfig;

    /** A kernel whose demangled, short and mangled names are one string (nvjet, Triton). */
    DemoKernel(String name, int registersPerThread, int gridX, int gridY, int gridZ, int blockX, int blockY,
            int blockZ, int staticSharedMemory, int dynamicSharedMemory, int sharedMemoryExecuted, int cacheConfig,
            int sharedMemoryLimitConfig) {
        this(name, name, name, registersPerThread, gridX, gridY, gridZ, blockX, blockY, blockZ, staticSharedMemory,
                dynamicSharedMemory, sharedMemoryExecuted, cacheConfig, sharedMemoryLimitConfig);
    }

    DemoKernel(String demangledName, String shortName, String mangledName, int registersPerThread, int gridX,
            int gridY, int gridZ, int blockX, int blockY, int blockZ, int staticSharedMemory, int dynamicSharedMemory,
            int sharedMemoryExecuted, int cacheConfig, int sharedMemoryLimitConfig) {
        this.demangledName = demangledName;
        this.shortName = shortName;
        this.mangledName = mangledName;
        this.registersPerThread = registersPerThread;
        this.gridX = gridX;
        this.gridY = gridY;
        this.gridZ = gridZ;
        this.blockX = blockX;
        this.blockY = blockY;
        this.blockZ = blockZ;
        this.staticSharedMemory = staticSharedMemory;
        this.dynamicSharedMemory = dynamicSharedMemory;
        this.sharedMemoryExecuted = sharedMemoryExecuted;
        this.cacheConfig = cacheConfig;
        this.sharedMemoryLimitConfig = sharedMemoryLimitConfig;
    }
}
