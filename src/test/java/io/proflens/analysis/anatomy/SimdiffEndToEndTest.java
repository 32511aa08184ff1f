package io.proflens.analysis.anatomy;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.cli.ProflensCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proflens simdiff} on the generated 61-layer decode step against a simulator table built from the expert's
 * diffs: "mla −86 µs × 61 layers = −5.3 ms; low_latency_combine +18 µs × 58 = +1.04 ms; total −4.68 ms" (two more
 * operators make up the rest: expert up −7 µs × 58, MLP up −24 µs × 3). Measured per-layer times come from the
 * trace (attention 153 µs, combine 12 µs, expert up 40 µs, MLP up 2 + 22 µs), the sim values are those minus/plus the
 * quoted diffs, so the total is −5,246 + 1,044 − 406 − 72 = −4,680 µs.
 */
class SimdiffEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void reproducesTheExpertsSimulatorDiff() throws Exception {
        Path trace = DecodeStepScenario.write(tmp, true);
        Path sim = tmp.resolve("sim.csv");
        Files.writeString(sim, """
                op,time_us,layers
                attention,67,61
                low_latency_combine,30,58
                expert up,33,58
                MLP up,0,3
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = ProflensCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("simdiff", "-q", "--alias", "combine=low_latency_combine", trace.toString(), sim.toString());
        assertThat(code).as(err.toString()).isZero();
        long expectedUs = -86L * 61 + 18L * 58 - 7L * 58 - 24L * 3;
        assertThat(expectedUs).isEqualTo(-4_680);
        assertThat(out.toString()).contains("total diff (simulated − measured) -4.680 ms")
                .contains("-5.246 ms (-86 µs × 61)").contains("+1.044 ms (+18 µs × 58)");
    }
}
