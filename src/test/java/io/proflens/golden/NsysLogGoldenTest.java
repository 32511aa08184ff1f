package io.proflens.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.Trace;
import io.proflens.report.CellFormatter;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden test against real {@code nsys stats} console output: every row of the five reports in
 * fuser-hopper-matmul-h100/nsys-log.txt (nsys 2024.6.2) must be reproduced from the export beside it, in
 * order, with the same numbers and the same (clipped) names. The log is parsed by the dash groups under
 * each header, which give the column boundaries.
 */
class NsysLogGoldenTest {
    private static Map<String, List<List<String>>> golden;
    private static Trace trace;

    @BeforeAll
    static void load() throws IOException {
        golden = parseLog(TestData.nsys("fuser-hopper-matmul-h100/nsys-log.txt"));
        trace = TestData.load(TestData.fuser());
    }

    static Map<String, List<List<String>>> parseLog(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        String report = null;
        int[][] bounds = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.matches("\\[\\d+/\\d+] Executing '.*' stats report")) {
                report = l.replaceAll(".*'(.*)'.*", "$1");
                bounds = null;
                out.put(report, new ArrayList<>());
                continue;
            }
            if (report == null) {
                continue;
            }
            if (bounds == null && l.trim().startsWith("--------")) {
                List<int[]> b = new ArrayList<>();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("-+").matcher(l);
                while (m.find()) {
                    b.add(new int[] {m.start(), m.end()});
                }
                bounds = b.toArray(new int[0][]);
                continue;
            }
            if (bounds != null && !l.isBlank()) {
                if (l.startsWith("Generated:") || l.startsWith("[")) {
                    report = null;
                    continue;
                }
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < bounds.length; c++) {
                    int s = bounds[c][0];
                    int e = c == bounds.length - 1 ? l.length() : Math.min(l.length(), bounds[c + 1][0]);
                    cells.add(s >= l.length() ? "" : l.substring(s, Math.max(s, e)).trim());
                }
                out.get(report).add(cells);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nvtx_sum", "cuda_api_sum", "cuda_gpu_kern_sum", "cuda_gpu_mem_time_sum", "cuda_gpu_mem_size_sum"})
    void reproducesEveryRowOfTheNsysLog(String report) {
        List<List<String>> expected = golden.get(report);
        assertThat(expected).as("rows parsed from the log for " + report).isNotEmpty();
        ResultTable t = new StatsReportRegistry().get(report).compute(trace,
                new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(trace.metadata())));
        CellFormatter fmt = new CellFormatter(TimeUnitChoice.NSEC);
        List<List<String>> actual = new ArrayList<>();
        for (Object[] row : t.rows()) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < row.length; c++) {
                String s = fmt.format(t.columns().get(c), row[c]);
                if (!t.columns().get(c).numeric() && s.codePointCount(0, s.length()) > 100) {
                    s = s.substring(0, 99) + "…";
                }
                cells.add(s);
            }
            actual.add(cells);
        }
        assertThat(actual).as(report).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            assertThat(actual.get(r)).as(report + " row " + (r + 1)).isEqualTo(expected.get(r));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nvtx_sum", "cuda_api_sum", "cuda_gpu_kern_sum", "cuda_gpu_mem_time_sum", "cuda_gpu_mem_size_sum"})
    void headersMatchTheNsysLog(String report) throws IOException {
        List<String> lines = Files.readAllLines(TestData.nsys("fuser-hopper-matmul-h100/nsys-log.txt"));
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Executing '" + report + "'")) {
                at = i;
                break;
            }
        }
        String header = lines.get(at + 2).trim();
        ResultTable t = new StatsReportRegistry().get(report).compute(trace,
                new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(trace.metadata())));
        CellFormatter fmt = new CellFormatter(TimeUnitChoice.NSEC);
        List<String> ours = new ArrayList<>();
        t.columns().forEach(c -> ours.add(fmt.header(c)));
        assertThat(header.split("\\s{2,}")).containsExactlyElementsOf(ours);
    }
}
