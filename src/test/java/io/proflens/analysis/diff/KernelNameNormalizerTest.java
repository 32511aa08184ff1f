package io.proflens.analysis.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelNameNormalizerTest {
    private final KernelNameNormalizer n = KernelNameNormalizer.DEFAULT;

    @Test
    void versionSuffixesMatch() {
        assertThat(n.normalize("flash_fwd_kernel_v2")).isEqualTo(n.normalize("flash_fwd_kernel"))
                .isEqualTo("flash_fwd_kernel");
        assertThat(n.normalize("cudaLaunchKernel_v7000")).isEqualTo("cudaLaunchKernel");
        // not a version suffix: nvjet's "_v_" layout token and digits glued to letters
        assertThat(n.normalize("nvjet_hsh_v_bz_coopA_NTN")).isEqualTo("nvjet_hsh_v_bz_coopA_NTN");
        assertThat(n.normalize("kernel_v2x")).isEqualTo("kernel_v2x");
    }

    @Test
    void templateNumbersAndSizesMatch() {
        String a = "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, "
                + "at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)";
        String b = a.replace("kernel<4,", "kernel<8,");
        assertThat(n.normalize(a)).isEqualTo(n.normalize(b));
        assertThat(n.normalize(a)).startsWith("void at::native::vectorized_elementwise_kernel<N, ")
                .contains("Array<char*, N>");
        // digits in identifiers stay: BFloat16, sm90, c10
        assertThat(n.normalize("foo<c10::BFloat16, 128u>")).isEqualTo("foo<c10::BFloat16, N>");
        assertThat(n.normalize("ampere_sgemm_128x64_tn")).isEqualTo("ampere_sgemm_NxN_tn")
                .isEqualTo(n.normalize("ampere_sgemm_64x32_tn"));
        assertThat(n.normalize("sm90_xmma_gemm_tilesize128x128x64_cublas")).isEqualTo("sm90_xmma_gemm_tilesizeNxNxN_cublas");
        assertThat(n.normalize("f(int)::{lambda(int)#1}")).isEqualTo(n.normalize("f(int)::{lambda(int)#12}"));
        // numbers outside template brackets are kept (they name different kernels)
        assertThat(n.normalize("triton_poi_fused_add_0")).isEqualTo("triton_poi_fused_add_0");
    }

    @Test
    void addressesAndPytorchIdsMatch() {
        assertThat(n.normalize("kernel(0x7f3a0000beef)")).isEqualTo(n.normalize("kernel(0x55d1c0)"))
                .isEqualTo("kernel(0x?)");
        assertThat(n.normalize("aten::mul, seq = 12, op_id = 345")).isEqualTo("aten::mul")
                .isEqualTo(n.normalize("aten::mul, seq = 99, op_id = 7"));
    }

    @Test
    void identityKeepsRawNames() {
        assertThat(KernelNameNormalizer.IDENTITY.normalize("ampere_sgemm_128x64_tn")).isEqualTo("ampere_sgemm_128x64_tn");
        assertThat(KernelNameNormalizer.IDENTITY.enabled()).isFalse();
        assertThat(n.normalize(null)).isNull();
    }
}
