package io.proflens.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trace read back from its snapshot gives the same reports as the trace read from the source. */
class TraceCacheTest {
    @TempDir
    Path tmp;

    private static Trace load(Path p) throws ImportException {
        return new TraceImporter().read(p, ImportOptions.all(), ProgressListener.NONE);
    }

    private static List<String> reports(Trace t) {
        List<String> out = new ArrayList<>();
        StatsReportRegistry reg = new StatsReportRegistry();
        for (String name : List.of("nvtx_sum", "cuda_api_sum", "cuda_gpu_kern_sum", "cuda_gpu_mem_time_sum",
                "osrt_sum", "cuda_gpu_trace")) {
            StatsReport r = reg.get(name);
            if (r.missingData(t) != null) {
                out.add(name + ": " + r.missingData(t));
                continue;
            }
            ResultTable table = r.compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
            for (Object[] row : table.rows()) {
                out.add(name + " " + Arrays.deepToString(row));
            }
        }
        return out;
    }

    @Test
    void snapshotsReproduceEveryCorpusTrace() throws Exception {
        List<Path> files = new ArrayList<>(TestData.allNsysExports());
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.toString().endsWith(".json.gz")).sorted().limit(4).forEach(files::add);
        }
        TraceCache cache = new TraceCache(tmp.resolve("cache"), "test");
        for (Path f : files) {
            TraceCache.Result first = cache.read(f, ImportOptions.all(), () -> load(f));
            TraceCache.Result second = cache.read(f, ImportOptions.all(), () -> {
                throw new AssertionError("the source must not be read again: " + f);
            });
            assertThat(first.origin()).isEqualTo(TraceCache.Origin.SOURCE);
            assertThat(second.origin()).as(f.toString()).isEqualTo(TraceCache.Origin.CACHE);
            assertThat(reports(second.trace())).as(f.toString()).isEqualTo(reports(load(f)));
            assertThat(second.trace().metadata()).isEqualTo(first.trace().metadata());
            assertThat(second.trace().issues()).isEqualTo(first.trace().issues());
        }
    }

    @Test
    void aChangedSourceOrOptionsOrACorruptSnapshotAreNotReused() throws Exception {
        Path src = tmp.resolve("mock.sqlite");
        Files.copy(TestData.nsys("nsysai-mock-tiny/mock.sqlite"), src);
        TraceCache cache = new TraceCache(tmp.resolve("cache"), "test");
        assertThat(cache.read(src, ImportOptions.all(), () -> load(src)).origin()).isEqualTo(TraceCache.Origin.SOURCE);
        assertThat(cache.read(src, ImportOptions.all(), () -> load(src)).origin()).isEqualTo(TraceCache.Origin.CACHE);
        Files.setLastModifiedTime(src, FileTime.fromMillis(Files.getLastModifiedTime(src).toMillis() + 5000));
        assertThat(cache.read(src, ImportOptions.all(), () -> load(src)).origin()).isEqualTo(TraceCache.Origin.SOURCE);
        assertThat(new TraceCache(tmp.resolve("cache"), "other build").read(src, ImportOptions.all(), () -> load(src))
                .origin()).isEqualTo(TraceCache.Origin.SOURCE);
        // corrupt every snapshot: the next read falls back to the source and replaces it
        try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
            for (Path p : s.toList()) {
                Files.write(p, new byte[] {1, 2, 3});
            }
        }
        TraceCache.Result r = cache.read(src, ImportOptions.all(), () -> load(src));
        assertThat(r.origin()).isEqualTo(TraceCache.Origin.SOURCE);
        assertThat(r.trace().kernels().size()).isEqualTo(load(src).kernels().size());
        assertThat(cache.read(src, ImportOptions.all(), () -> load(src)).origin()).isEqualTo(TraceCache.Origin.CACHE);
    }
}
