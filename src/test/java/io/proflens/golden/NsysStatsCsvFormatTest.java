package io.proflens.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.report.CellFormatter;
import io.proflens.report.DelimitedRenderer;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Format check against real {@code nsys stats --format csv} output (DeepSeek-OCR on an RTX 5090; no export
 * beside them, so numbers cannot be re-derived): our header equals nsys's, and re-rendering the parsed rows
 * with our CSV renderer reproduces each file byte for byte (number formats, quoting of names with commas).
 */
class NsysStatsCsvFormatTest {
    static Stream<Path> csvFiles() throws IOException {
        return Files.list(TestData.nsys("llmperfopt-deepseek-ocr-rtx5090/nsys-stats-csv"))
                .filter(p -> p.toString().endsWith(".csv")).sorted();
    }

    @ParameterizedTest
    @MethodSource("csvFiles")
    void ourCsvRendererReproducesNsysCsv(Path csv) throws IOException {
        String original = Files.readString(csv, StandardCharsets.UTF_8);
        List<String> lines = original.lines().toList();
        // The column layout comes from our own report, so the header check is meaningful.
        ResultTable template = new StatsReportRegistry().get("cuda_gpu_kern_sum").compute(TestData.load(TestData.fuser()),
                new StatsContext(List.of(), TraceFilter.NONE, new NamingPolicy(true, true)));
        List<Object[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = TestData.parseCsv(line).get(0);
            assertThat(f).hasSize(9);
            rows.add(new Object[] {Double.parseDouble(f.get(0)), Long.parseLong(f.get(1)), Long.parseLong(f.get(2)),
                    Double.parseDouble(f.get(3)), Double.parseDouble(f.get(4)), Long.parseLong(f.get(5)),
                    Long.parseLong(f.get(6)), Double.parseDouble(f.get(7)), f.get(8)});
        }
        ResultTable parsed = new ResultTable("cuda_gpu_kern_sum", "t", template.columns(), rows);
        StringBuilder sb = new StringBuilder();
        new DelimitedRenderer(new CellFormatter(TimeUnitChoice.NSEC), false, true).render(parsed, sb);
        assertThat(sb.toString().lines().toList()).containsExactlyElementsOf(lines);
        assertThat(lines.get(0)).isEqualTo("Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name");
    }
}
