package io.proflens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code proflens sla} black-box: the issue's published TPOT 12.39 ms and OTPS 15,496, exit codes, one-line errors. */
class SlaCommandTest {
    @TempDir
    Path tmp;

    static CliTest.Run run(String... args) {
        CommandLine cl = new CommandLine(new SlaCommand());
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

    static final String[] ISSUE_FLAGS = {"--step-ms", "28.5", "--accepted-tokens", "2.3", "--tpot-target-ms", "16.6",
        "--users-per-dp", "24", "--dp", "8", "--user-tps-target", "60"};

    @Test
    void issueNumbersFromFlags() {
        CliTest.Run r = run(ISSUE_FLAGS);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("step time / accepted tokens = 28.5 ms / 2.3 = 12.39 ms")
                .contains("60 tok/s/user × 24 per DP × 8 DP = 11,520 tok/s")
                .contains("24 users/DP × 8 DP × 80.71 tok/s = 15,496 tok/s")
                .contains("PASS: all 3 targets met");
    }

    @Test
    void specFileWithFlagOverrideAndJsonOutput() throws Exception {
        Path spec = Files.writeString(tmp.resolve("sla.yaml"), "step_ms: 28.5\naccepted_tokens: 2.3\n"
                + "tpot_target_ms: 16.6\nusers_per_dp: 24\ndp: 8\nuser_tps_target: 60\n");
        CliTest.Run r = run("--spec", spec.toString(), "--dp", "4", "-f", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out()).get("sla");
        List<String> quantities = new ArrayList<>();
        rows.forEach(n -> quantities.add(n.get("Quantity").asText()));
        assertThat(quantities).contains("TPOT", "OTPS per node", "verdict");
        for (JsonNode n : rows) {
            if (n.get("Quantity").asText().equals("OTPS per node")) {
                // 24 × 4 × 80.71 = 7,748.16
                assertThat(n.get("Value").asLong()).isEqualTo(7_748L);
                assertThat(n.get("Verdict").asText()).isEqualTo("PASS");
            }
            if (n.get("Quantity").asText().equals("TPOT")) {
                assertThat(n.get("Value").asDouble()).isEqualTo(12.39);
            }
        }
    }

    @Test
    void stepTimeFromAProfile() throws Exception {
        // five ProfilerStep ranges: a 60 ms warm-up, then 28.5 ms steps
        StringBuilder ev = new StringBuilder("{\"traceEvents\": [");
        long ts = 1_000;
        long[] dur = {60_000, 28_500, 28_500, 28_500, 28_500};
        for (int i = 0; i < dur.length; i++) {
            ev.append(i == 0 ? "" : ",").append("{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#")
                    .append(i).append("\",\"pid\":100,\"tid\":101,\"ts\":").append(ts).append(",\"dur\":").append(dur[i])
                    .append("}");
            ts += dur[i] + 100;
        }
        ev.append("]}");
        Path trace = Files.writeString(tmp.resolve("decode.json"), ev.toString());
        CliTest.Run r = run("-q", trace.toString(), "--accepted-tokens", "2.3", "--users-per-dp", "24", "--dp", "8");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("28.5 ms (profile decode.json: ProfilerStep#N steady mean of 4 iterations, 1 warm-up "
                + "excluded)").contains("= 12.39 ms").contains("= 15,496 tok/s").contains("no target given");

        Path noSteps = Files.writeString(tmp.resolve("flat.json"),
                "{\"traceEvents\": [{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"once\",\"pid\":1,\"tid\":1,"
                        + "\"ts\":1,\"dur\":5}]}");
        CliTest.assertOneLineError(run("-q", noSteps.toString()), ExitCodes.INPUT, "flat.json: no repeating iteration");
        CliTest.assertOneLineError(run("-q", trace.toString(), "--step-ms", "3"), ExitCodes.USAGE, "not both");
    }

    @Test
    void scalingModelFromFlags() {
        List<String> args = new ArrayList<>(List.of(ISSUE_FLAGS));
        args.addAll(List.of("--scaling", "linear", "--second-batch", "32", "--second-step-ms", "31.7"));
        CliTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        // step(B) = 18.9 + 0.4 B ≤ 16.6 × 2.3 = 38.18 → B ≤ 48.2
        assertThat(r.out()).contains("floor((38.18 − 18.900) / 0.4000) = 48 users");
    }

    @Test
    void errors() throws Exception {
        CliTest.assertOneLineError(run("--step-ms", "-3"), ExitCodes.USAGE, "step_ms must be > 0");
        CliTest.assertOneLineError(run("--dp", "8"), ExitCodes.USAGE, "no step time");
        CliTest.assertOneLineError(run("--stepms", "3"), ExitCodes.USAGE, "--stepms");
        CliTest.assertOneLineError(run("--spec", tmp.resolve("none.yaml").toString()), ExitCodes.INPUT,
                "none.yaml: no such file");
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "step_ms: 28.5\nusers: 3\n");
        CliTest.assertOneLineError(run("--spec", bad.toString()), ExitCodes.INPUT, "bad.yaml: line 2: unknown key 'users'");
        Path neg = Files.writeString(tmp.resolve("neg.yaml"), "step_ms: -28.5\n");
        CliTest.assertOneLineError(run("--spec", neg.toString(), "--dp", "2"), ExitCodes.INPUT, "step_ms must be > 0");
        CliTest.assertOneLineError(run("--step-ms", "3", "-f", "xml"), ExitCodes.USAGE, "unknown format");
    }
}
