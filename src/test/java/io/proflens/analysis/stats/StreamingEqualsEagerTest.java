package io.proflens.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Invariant: the streaming path (one scan per table, nothing stored) gives the same tables as the stored trace. */
class StreamingEqualsEagerTest {
    static Stream<Path> exports() {
        return TestData.allNsysExports().stream();
    }

    @ParameterizedTest
    @MethodSource("exports")
    void streamingEqualsEager(Path p) throws Exception {
        StatsReportRegistry reg = new StatsReportRegistry();
        List<StreamableReport> reports = new ArrayList<>();
        List<StatsContext> ctxs = new ArrayList<>();
        for (StatsReport r : reg.all()) {
            if (r instanceof StreamableReport) {
                reports.add((StreamableReport) r);
                ctxs.add(new StatsContext(List.of(), TraceFilter.NONE, null));
            }
        }
        reports.add((StreamableReport) reg.get("cuda_gpu_kern_sum"));
        ctxs.add(new StatsContext(List.of("base"), new TraceFilter(0, Long.MAX_VALUE / 2, 0, 0, "t"), null));
        StreamingStats ss = new StreamingStats(reports, ctxs);
        Trace streamedTrace = new TraceImporter().read(p, new ImportOptions(EnumSet.noneOf(TableKind.class), false, false),
                ProgressListener.NONE, ss.sinks());
        assertThat(streamedTrace.kernels().size()).as("streamed tables are not stored").isZero();
        List<ResultTable> streamed = ss.finish(streamedTrace);

        Trace eager = TestData.load(p);
        for (int i = 0; i < reports.size(); i++) {
            ResultTable a = streamed.get(i);
            ResultTable b = reports.get(i).compute(eager, new StatsContext(ctxs.get(i).args(), ctxs.get(i).filter(),
                    NamingPolicy.forMetadata(eager.metadata())));
            assertThat(a.columns()).isEqualTo(b.columns());
            assertThat(a.size()).as(reports.get(i).name()).isEqualTo(b.size());
            for (int r = 0; r < a.size(); r++) {
                assertThat(a.rows().get(r)).as(reports.get(i).name() + " row " + r).containsExactly(b.rows().get(r));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("exports")
    void scalingAllTimesScalesTotals(Path p) {
        // Invariant: shifting every timestamp leaves every duration statistic unchanged (filters aside).
        Trace t = TestData.load(p);
        ResultTable a = reportOf(t, "cuda_api_sum");
        if (a == null) {
            return;
        }
        long total = 0;
        for (Object[] row : a.rows()) {
            total += (Long) row[1];
        }
        long expected = 0;
        for (int i = 0; i < t.cudaApi().size(); i++) {
            expected += t.cudaApi().durationNs(i);
        }
        assertThat(total).isEqualTo(expected);
    }

    private static ResultTable reportOf(Trace t, String name) {
        StatsReport r = new StatsReportRegistry().get(name);
        return r.missingData(t) != null ? null
                : r.compute(t, new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata())));
    }
}
