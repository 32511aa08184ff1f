package io.proflens.analysis.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CategoryBreakdownTest {
    private static final KernelClassifier C = KernelClassifier.builtIn();

    @Test
    void familiesNameThePyTorchOperation() {
        assertThat(CategoryBreakdown.family("void at::native::vectorized_elementwise_kernel<4, "
                + "at::native::CUDAFunctor_add<float>, at::detail::Array<char *, 3>>(int, T2, T3)")).isEqualTo("add");
        assertThat(CategoryBreakdown.family("void at::native::unrolled_elementwise_kernel<at::native::"
                + "direct_copy_kernel_cuda(at::TensorIteratorBase &)::[lambda() (instance 3)]>")).isEqualTo("direct_copy");
        assertThat(CategoryBreakdown.family("void at::native::vectorized_elementwise_kernel<4, "
                + "at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float>>>"))
                .isEqualTo("mul");
        assertThat(CategoryBreakdown.family("void at::native::vectorized_elementwise_kernel<4, "
                + "at::native::rsqrt_kernel_cuda(at::TensorIteratorBase &)::[lambda()]>")).isEqualTo("rsqrt");
        assertThat(CategoryBreakdown.family("void cudnn::bn_bw_1C11_kernel_new<float, float, float2, 128, true, 1>"
                + "(float, float)")).isEqualTo("bn_bw_1C11_kernel_new");
        assertThat(CategoryBreakdown.family("void (anonymous namespace)::cunn_SoftMaxForward<4, float>(float *)"))
                .isEqualTo("cunn_SoftMaxForward");
        assertThat(CategoryBreakdown.family("")).isEqualTo("?");
    }

    @Test
    void partsSumToTheWholeOnEveryCorpusFile() throws Exception {
        List<Path> files = new ArrayList<>(TestData.allNsysExports());
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.toString().endsWith(".json.gz")).sorted().forEach(files::add);
        }
        for (Path p : files) {
            Trace t = TestData.load(p);
            CategoryBreakdown b = CategoryBreakdown.of(t, C);
            KernelTable k = t.kernels();
            long total = 0;
            long n = 0;
            Map<Integer, Long> byName = new HashMap<>();
            for (int i = 0; i < k.size(); i++) {
                if (k.hasEnd(i)) {
                    long d = Math.max(0, k.durationNs(i));
                    total += d;
                    n++;
                    byName.merge(k.demangledNameId(i), d, Long::sum);
                }
            }
            assertThat(b.totalKernelNs()).as(p.toString()).isEqualTo(total);
            assertThat(b.kernelCount()).as(p.toString()).isEqualTo(n);
            assertThat(b.categories().stream().mapToLong(CategoryBreakdown.CategoryRow::totalNs).sum()).isEqualTo(total);
            assertThat(b.categories().stream().mapToLong(CategoryBreakdown.CategoryRow::count).sum()).isEqualTo(n);
            CategoryBreakdown.CategoryRow gemm = b.category(KernelCategory.GEMM);
            assertThat(b.gemmTiles().stream().mapToLong(CategoryBreakdown.TileRow::totalNs).sum())
                    .isEqualTo(gemm == null ? 0 : gemm.totalNs());
            long maxName = byName.values().stream().mapToLong(Long::longValue).max().orElse(0);
            if (!b.topKernels().isEmpty()) {
                assertThat(b.topKernels().get(0).totalNs()).as(p.toString()).isEqualTo(maxName);
            }
            for (int i = 1; i < b.topKernels().size(); i++) {
                assertThat(b.topKernels().get(i).totalNs()).isLessThanOrEqualTo(b.topKernels().get(i - 1).totalNs());
            }
            long pw = b.categories().stream().filter(r -> CategoryBreakdown.isPointwiseType(r.category()))
                    .mapToLong(CategoryBreakdown.CategoryRow::totalNs).sum();
            assertThat(b.families().stream().mapToLong(CategoryBreakdown.FamilyRow::totalNs).sum()).isEqualTo(pw);
            assertThat(b.toTables()).hasSize(3);
        }
    }
}
