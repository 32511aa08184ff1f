package io.proflens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proflens.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import picocli.CommandLine;

class DiffCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    /** Runs the command as ProflensCli would: one-line errors with their exit codes. */
    static Run run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            if (ex instanceof CliException) {
                c.getErr().println("proflens: " + ex.getMessage());
                return ((CliException) ex).exitCode();
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("proflens: " + ex.getMessage());
            return ExitCodes.USAGE;
        });
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static final Path CONTROL = TestData.root().resolve("kineto/hta-trace-diff-torchrec-a100-vs-v100/control.json.gz");
    private static final Path TEST = TestData.root().resolve("kineto/hta-trace-diff-torchrec-a100-vs-v100/test.json.gz");

    private static String ms(long ns) {
        return new BigDecimal(ns).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void gateFailsWithOneLinePerConditionAndJUnit() throws Exception {
        long a = io.proflens.analysis.diff.IndependentSumsAccess.kinetoTotal(CONTROL);
        long b = io.proflens.analysis.diff.IndependentSumsAccess.kinetoTotal(TEST);
        Path junit = tmp.resolve("gate.xml");
        Run r = run(new DiffCommand(), "-q", "--no-findings", "--section", "kernel", "-f", "csv",
                "--fail-if", "total>+5%", "--fail-if", "total>+500%", "--fail-if", "kernel:*nomatch*>+1%",
                "--junit", junit.toString(), CONTROL.toString(), TEST.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(DiffCommand.GATE_FAILED);
        double pct = (b - a) * 100.0 / a;
        String line = "gate failed: total>+5%: " + ms(a) + " ms -> " + ms(b) + " ms (+" + ms(b - a) + " ms, +"
                + new BigDecimal(pct).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%)";
        assertThat(r.err().lines().toList()).containsExactly(line,
                "gate failed: kernel:*nomatch*>+1%: matches nothing in either run");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        var cases = doc.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(3);
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("2");
        assertThat(((Element) ((Element) cases.item(0)).getElementsByTagName("failure").item(0)).getAttribute("message"))
                .isEqualTo(line);
        assertThat(((Element) cases.item(1)).getElementsByTagName("failure").getLength()).isZero();
        // csv with one section: exactly one table, header first
        List<List<String>> csv = TestData.parseCsv(r.out());
        assertThat(csv.get(0)).startsWith("Name", "Status", "Category", "Count A", "Count B", "Total A (ns)");
        assertThat(csv.stream().filter(x -> x.get(0).equals("Name"))).hasSize(1);
    }

    @Test
    void sameRunPassesAndPrintsNoChanges() {
        Path f = TestData.fuser();
        Run r = run(new DiffCommand(), "-q", "--fail-if", "total>+0%", "--fail-if", "category:GEMM>+1ns",
                f.toString(), f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("(diff_kernels):", "(diff_findings):", " (no changes)");
        // five sections and the findings, each without a row
        assertThat(r.out().split("\\(no changes\\)", -1)).hasSize(7);
    }

    @Test
    void jsonIsOneDocumentWithTablesAndGate() throws Exception {
        Run r = run(new DiffCommand(), "-q", "--raw-names", "-f", "json", "--all", "--fail-if", "count:*>+0",
                TestData.fuser().toString(), TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite")
                        .toString());
        assertThat(r.code()).isEqualTo(DiffCommand.GATE_FAILED);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("rawNames").asBoolean()).isTrue();
        assertThat(j.get("tables").has("diff_kernels")).isTrue();
        assertThat(j.get("tables").has("diff_findings")).isTrue();
        assertThat(j.get("gate").get(0).get("failed").asBoolean()).isTrue();
        // every kernel of the fuser run is absent from the video run: all 15 fuser names are "removed"
        long removed = 0;
        for (JsonNode row : j.get("tables").get("diff_kernels")) {
            if (row.get("Status").asText().equals("removed")) {
                removed++;
            }
        }
        assertThat(removed).isEqualTo(io.proflens.analysis.diff.IndependentSumsAccess.nsysNames(TestData.fuser()));
    }

    @Test
    void badUsageIsOneLineExit2() {
        Path f = TestData.fuser();
        for (String[] args : List.of(new String[] {"--fail-if", "speed>5%", f.toString(), f.toString()},
                new String[] {"--section", "kernels", f.toString(), f.toString()},
                new String[] {"-f", "xml", f.toString(), f.toString()},
                new String[] {"--junit", tmp.resolve("x.xml").toString(), f.toString(), f.toString()},
                new String[] {f.toString()})) {
            Run r = run(new DiffCommand(), args);
            assertThat(r.code()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
        }
        Run missing = run(new DiffCommand(), tmp.resolve("nope.sqlite").toString(), f.toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(missing.err().strip().lines().count()).isEqualTo(1);
        assertThat(Files.exists(tmp.resolve("x.xml"))).isFalse();
    }
}
