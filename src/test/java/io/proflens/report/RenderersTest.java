package io.proflens.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output formats: escaping, clipping, units and number formatting. */
class RenderersTest {
    private static final String LONG = "void at::native::vectorized_elementwise_kernel<(int)4, at::native::BinaryFunctor<bool, bool, bool, at::native::BitwiseOrFunctor<bool>>, std::array<char *, (unsigned long)3>>(int, T2, T3)";

    static ResultTable table() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {33.8, 135999L, 3579315.9, 4194304L, "a, \"quoted\" | name\twith tab"});
        rows.add(new Object[] {0.0, 1L, null, 1L, LONG});
        return new ResultTable("r", "Test", List.of(new Column("Time", Kind.PERCENT), new Column("Total Time", Kind.DURATION),
                new Column("Avg", Kind.DURATION), new Column("Bytes", Kind.BYTES_MB), new Column("Name", Kind.TEXT)), rows);
    }

    static String render(TableRenderer r) throws IOException {
        StringBuilder sb = new StringBuilder();
        r.render(table(), sb);
        return sb.toString();
    }

    @Test
    void csvQuotesAndDoublesQuotes() throws IOException {
        String csv = render(OutputFormat.parse("csv").renderer(TimeUnitChoice.NSEC));
        assertThat(csv.lines().toList()).containsExactly("Time (%),Total Time (ns),Avg (ns),Bytes (MB),Name",
                "33.8,135999,3579315.9,4.194,\"a, \"\"quoted\"\" | name\twith tab\"",
                "0.0,1,,0.000,\"" + LONG + "\"");
        assertThat(render(OutputFormat.parse("csv:nohdr").renderer(TimeUnitChoice.NSEC))).doesNotContain("Time (%)");
    }

    @Test
    void tsvEscapesTabs() throws IOException {
        String tsv = render(OutputFormat.parse("tsv").renderer(TimeUnitChoice.NSEC));
        assertThat(tsv.lines().toList().get(1)).isEqualTo("33.8\t135999\t3579315.9\t4.194\ta, \"quoted\" | name\\twith tab");
    }

    @Test
    void timeUnitsConvertExactly() throws IOException {
        String csv = render(OutputFormat.parse("csv").renderer(TimeUnitChoice.parse("msec")));
        assertThat(csv.lines().toList().get(0)).isEqualTo("Time (%),Total Time (ms),Avg (ms),Bytes (MB),Name");
        assertThat(csv.lines().toList().get(1)).startsWith("33.8,0.135999,3.5793159,");
        assertThat(TimeUnitChoice.parse("sec")).isEqualTo(TimeUnitChoice.SEC);
        assertThat(TimeUnitChoice.parse("u")).isEqualTo(TimeUnitChoice.USEC);
    }

    @Test
    void columnClipsLongNamesTo100Characters() throws IOException {
        String col = render(OutputFormat.parse("column").renderer(TimeUnitChoice.NSEC));
        String last = col.lines().reduce((a, b) -> b).orElseThrow();
        String name = last.substring(last.indexOf("void"));
        assertThat(name.strip()).hasSize(100).endsWith("…").startsWith(LONG.substring(0, 99));
        assertThat(render(OutputFormat.parse("column:nolimit").renderer(TimeUnitChoice.NSEC))).contains(LONG);
    }

    @Test
    void markdownEscapesPipes() throws IOException {
        String md = render(OutputFormat.parse("markdown").renderer(TimeUnitChoice.NSEC));
        assertThat(md.lines().toList().get(1)).isEqualTo("| ---: | ---: | ---: | ---: | --- |");
        assertThat(md).contains("a, \"quoted\" \\| name");
    }

    @Test
    void jsonIsValidWithNumbersAndNulls() throws IOException {
        String json = render(OutputFormat.parse("json").renderer(TimeUnitChoice.NSEC));
        int objects = 0;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT) {
                    objects++;
                }
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("Total Time (ns)")) {
                    assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
                }
            }
        }
        assertThat(objects).isEqualTo(2);
        assertThat(json).contains("\"Avg (ns)\" : null").contains("\\\"quoted\\\"");
    }

    @Test
    void badFormatsAreRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OutputFormat.parse("csv:nolimit"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nolimit");
    }
}
