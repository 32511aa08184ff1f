package io.proflens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proflens.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code proflens timers} black-box on the backward timers: 319.9 ms internal vs 341.6 ms external. */
class TimersCommandTest {
    @TempDir
    Path tmp;

    static final String TIMERS = """
            [DOWN] D0_prepare+memset: 69.506 ms
            [DOWN] D1_grad_input: 78.268 ms
            [DOWN] D2_grad_weight: 41.311 ms
            [BWD TIMER] backward_down: 193.885 ms (total: 193.885 ms)
            [UP] U0_grad_input: 52.004 ms
            [UP] U1_grad_weight: 31.250 ms
            [BWD TIMER] backward_up: 86.015 ms (total: 279.900 ms)
            [BWD TIMER] backward_gate: 40.000 ms (total: 319.900 ms)
            """;

    static CliTest.Run run(String... args) {
        CommandLine cl = new CommandLine(new TimersCommand());
        CommandLine configured = ProflensCli.commandLine();
        cl.setExecutionExceptionHandler(configured.getExecutionExceptionHandler());
        cl.setParameterExceptionHandler(configured.getParameterExceptionHandler());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void benchmarkLineInTheSameLog() throws Exception {
        Path log = Files.writeString(tmp.resolve("bwd.log"), TIMERS + "Average latency: 341.6 ms (±2.3 ms)\n");
        CliTest.Run r = run(log.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(" ** In-code timers (timers_hierarchy):")
                .contains("341.600 − 319.900 = 21.700 ms not covered by the in-code timers")
                .containsPattern("internal total\\s+319\\.9\\s+93\\.6") // 319.9 / 341.6 = 93.6%
                .containsPattern("gap \\(external − internal\\)\\s+21\\.7\\s+6\\.4");
    }

    @Test
    void externalFromFlagOrBenchmarkLog() throws Exception {
        Path log = Files.writeString(tmp.resolve("bwd.log"), TIMERS);
        CliTest.Run flag = run("--external-ms", "341.6", "-f", "json", log.toString());
        assertThat(flag.code()).as(flag.err()).isZero();
        JsonNode gap = new ObjectMapper().readTree(flag.out()).get("timers_gap");
        assertThat(gap.get(0).get("Time (ms)").asDouble()).isEqualTo(319.9);
        assertThat(gap.get(2).get("Time (ms)").asDouble()).isEqualTo(341.6 - 319.9, org.assertj.core.data.Offset.offset(1e-9));

        Path bench = Files.writeString(tmp.resolve("bench.log"), "warming up\nAverage latency: 341.6 ms (+/- 2.3)\n");
        CliTest.Run viaLog = run("--external-log", bench.toString(), "-f", "csv", "--timeunit", "usec", log.toString());
        assertThat(viaLog.code()).as(viaLog.err()).isZero();
        String[] tables = viaLog.out().split("\n\n");
        assertThat(tables).hasSize(3);
        List<List<String>> gapRows = TestData.parseCsv(tables[2]);
        assertThat(gapRows.get(0)).containsExactly("Quantity", "Time (us)", "Share of external (%)", "Detail");
        assertThat(gapRows.get(3).subList(0, 3)).containsExactly("gap (external − internal)", "21700.0", "6.4");
    }

    @Test
    void severalIterationsShowWarmup() throws Exception {
        String warm = TIMERS.replace("69.506", "169.506").replace("193.885 ms (total: 193.885", "293.885 ms (total: 293.885")
                .replace("279.900", "379.900").replace("319.900", "419.900");
        Path log = Files.writeString(tmp.resolve("iters.log"), warm + TIMERS + TIMERS);
        CliTest.Run r = run("-f", "csv", log.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<List<String>> iters = TestData.parseCsv(r.out().split("\n\n")[1]);
        assertThat(iters.get(1)).containsExactly("1", "warm-up", "419.9", "419.9", "419.9");
        assertThat(iters.get(2)).containsExactly("2", "steady", "319.9", "319.9", "319.9");
        List<List<String>> nodes = TestData.parseCsv(r.out().split("\n\n")[0]);
        assertThat(nodes.get(1)).containsExactly("backward_down", "193.885", "60.6", "293.885", "1.52", "2");
    }

    @Test
    void errors() throws Exception {
        CliTest.assertOneLineError(run(tmp.resolve("none.log").toString()), ExitCodes.INPUT, "none.log: no such file");
        Path log = Files.writeString(tmp.resolve("bwd.log"), TIMERS);
        CliTest.assertOneLineError(run("--external-ms", "3", "--external-log", log.toString(), log.toString()),
                ExitCodes.USAGE, "not both");
        CliTest.assertOneLineError(run("--external-log", log.toString(), log.toString()), ExitCodes.INPUT,
                "bwd.log: no 'Average latency");
        CliTest.assertOneLineError(run("--warmup", "1", log.toString()), ExitCodes.USAGE, "leaves no steady iteration");
        CliTest.assertOneLineError(run("--external-ms", "-1", log.toString()), ExitCodes.USAGE, "--external-ms");
        Path prose = Files.writeString(tmp.resolve("prose.log"), "nothing to see\n");
        CliTest.assertOneLineError(run(prose.toString()), ExitCodes.INPUT, "prose.log: no timer lines");
    }
}
