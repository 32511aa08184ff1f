package io.proflens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.diff.ScalingFixturesAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalingCommandTest {
    @TempDir
    Path tmp;

    @Test
    void generatedSeriesReproducesTheIssueRatios() throws Exception {
        List<String> args = new ArrayList<>(List.of("-q", "-f", "csv", "--section", "kernel", "--param",
                "seq=4096,6144,8192"));
        for (Path p : ScalingFixturesAccess.write(tmp)) {
            args.add(p.toString());
        }
        DiffCommandTest.Run r = DiffCommandTest.run(new ScalingCommand(), args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        List<List<String>> csv = TestData.parseCsv(r.out());
        List<String> h = csv.get(0);
        assertThat(h).containsExactly("Name", "Category", "Time seq=4096 (ns)", "Time seq=6144 (ns)",
                "Time seq=8192 (ns)", "Ratio 4096->6144 (x1.5)", "Ratio 6144->8192 (x1.33)", "Exponent", "Expected",
                "Flag");
        List<String> fmha = csv.get(1);
        assertThat(fmha.get(0)).isEqualTo("fmha_cutlassF_f16_aligned_NxN_rf_sm80");
        assertThat(fmha.subList(2, 7)).containsExactly("4000000", "6000000", "7800000", "1.5", "1.3");
        // the quadratic elementwise kernel is flagged; the linear GEMM and the attention kernel are not
        assertThat(csv.subList(1, csv.size())).extracting(x -> x.get(9)).containsExactly("", "", "worse than seq^1");
        assertThat(csv.get(3).get(7)).isEqualTo("2");
    }

    @Test
    void parameterErrorsAreUsage() throws Exception {
        List<Path> files = ScalingFixturesAccess.write(tmp);
        String a = files.get(0).toString();
        String b = files.get(1).toString();
        for (String[] args : List.of(new String[] {"--param", "seq=4096", a, b},
                new String[] {"--param", "seq=4096,x", a, b}, new String[] {"--param", "4096,8192", a, b},
                new String[] {"--param", "seq=4096,4096", a, b}, new String[] {"--param", "seq=0,4096", a, b},
                new String[] {"--param", "seq=1,2", "--mode", "train", a, b},
                new String[] {"--param", "seq=1,2", "--expect", "tensor=2", a, b}, new String[] {a, b})) {
            DiffCommandTest.Run r = DiffCommandTest.run(new ScalingCommand(), args);
            assertThat(r.code()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
        }
    }
}
