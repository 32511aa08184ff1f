package io.proflens.analysis.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.api.TestTraces;
import io.proflens.analysis.memory.MemoryTransferAnalysis.Direction;
import io.proflens.analysis.memory.MemoryTransferAnalysis.PageableAsyncCopy;
import io.proflens.analysis.memory.MemoryTransferAnalysis.SizeBucket;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.MemcpyKind;
import io.proflens.model.Trace;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryTransferAnalysisTest {
    private static final int HTOD = 1;
    private static final int DTOH = 2;
    private static final int DTOD = 8;
    private static final int PAGEABLE = 0;
    private static final int PINNED = 1;
    private static final int DEVICE = 2;

    /**
     * The worked examples of nsys-reference.md §8 for the {@code cuda_memcpy_async} rule, plus the same rule run as
     * SQL over the export (an independent path: the rule's own predicate and nsys's process-scoped join).
     */
    @ParameterizedTest
    @CsvSource({
        // file, rule rows, rule ns, extension rows
        "nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite, 4, 3360, 0",
        "nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite, 33, 25888, 0",
        "sc23-openmp-offload-t4/report3.sqlite, 0, 0, 200",
    })
    void reproducesTheCudaMemcpyAsyncRule(String file, long rows, long ns, long extRows) throws Exception {
        Trace t = TestData.load(TestData.nsys(file));
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(t);
        List<PageableAsyncCopy> rule = m.pageableAsync().stream().filter(p -> !p.extension()).collect(Collectors.toList());
        List<PageableAsyncCopy> ext = m.pageableAsync().stream().filter(PageableAsyncCopy::extension)
                .collect(Collectors.toList());
        assertThat(rule).hasSize((int) rows);
        assertThat(rule.stream().mapToLong(PageableAsyncCopy::durationNs).sum()).isEqualTo(ns);
        assertThat(ext).hasSize((int) extRows);
        assertThat(m.pageableAsyncRuleCount()).isEqualTo(rows);
        assertThat(m.pageableAsyncExtensionCount()).isEqualTo(extRows);
        if (rows > 0) {
            assertThat(rule).allMatch(p -> p.direction().equals("HtoD") && p.apiName().startsWith("cudaMemcpyAsync"));
        }
        if (extRows > 0) {
            assertThat(ext).extracting(PageableAsyncCopy::apiName).containsOnly("cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2");
        }
        // the rows are ordered by duration descending
        for (int i = 1; i < m.pageableAsync().size(); i++) {
            assertThat(m.pageableAsync().get(i).durationNs()).isLessThanOrEqualTo(m.pageableAsync().get(i - 1).durationNs());
        }
        String join = "FROM CUPTI_ACTIVITY_KIND_MEMCPY m JOIN CUPTI_ACTIVITY_KIND_RUNTIME r ON r.correlationId = "
                + "m.correlationId AND m.globalPid = (r.globalTid & 0xFFFFFFFFFF000000) JOIN StringIds s ON s.id = r.nameId "
                + "WHERE (m.srcKind = 0 OR m.dstKind = 0) AND s.value LIKE ";
        assertThat(sql(file, "SELECT count(*), coalesce(sum(m.end - m.start), 0) " + join + "'cudaMemcpy%Async%'"))
                .containsExactly(rows, ns);
        long[] driver = sql(file, "SELECT count(*), coalesce(sum(m.end - m.start), 0) " + join + "'cuMemcpy%Async%'");
        assertThat(ext).hasSize((int) driver[0]);
        assertThat(ext.stream().mapToLong(PageableAsyncCopy::durationNs).sum()).isEqualTo(driver[1]);
    }

    private static long[] sql(String file, String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + TestData.nsys(file));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    /**
     * "memcpy is 38.7% of CUDA API time; 2,708 HtoD + 2,708 DtoH copies averaging 24 KB": 5,416 synchronous
     * {@code cudaMemcpy_v3020} calls of 3,870 ns each (M = 20,959,920 ns) and 6,130 {@code cudaLaunchKernel_v7000}
     * calls of 5,416 ns (O = 33,200,080 ns), so M / (M + O) = 387 / 1000 exactly. Copies alternate 16,000 and
     * 32,000 B (mean 24,000 B), 1,000 ns each.
     */
    @Test
    void memcpyShareOfApiTimeAndDirections() {
        TestTraces b = new TestTraces();
        long t = 0;
        int corr = 1;
        for (int i = 0; i < 2 * 2708; i++) {
            b.call("cudaMemcpy_v3020", t, t + 3870, 1, corr);
            long bytes = i % 4 < 2 ? 16_000 : 32_000;
            b.memcpy(t + 100, t + 1100, corr, bytes, i % 2 == 0 ? HTOD : DTOH, i % 2 == 0 ? PAGEABLE : DEVICE,
                    i % 2 == 0 ? DEVICE : PINNED);
            corr++;
            t += 10_000;
        }
        for (int i = 0; i < 6130; i++) {
            b.call("cudaLaunchKernel_v7000", t, t + 5416, 1, corr++);
            t += 10_000;
        }
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(b.build());
        long memcpyNs = 5416L * 3870;
        long otherNs = 6130L * 5416;
        assertThat(m.memcpyApiTimeNs()).isEqualTo(memcpyNs);
        assertThat(m.cudaApiTimeNs()).isEqualTo(memcpyNs + otherNs);
        assertThat(m.memcpyApiPct()).isCloseTo(38.7, offset(1e-9));
        assertThat(SummaryStats.round1(m.memcpyApiPct())).isEqualTo(38.7);
        assertThat(m.memcpyApiCalls()).isEqualTo(5416);
        assertThat(m.syncMemcpyCalls()).isEqualTo(5416);
        assertThat(m.syncMemcpyTimeNs()).isEqualTo(memcpyNs);
        assertThat(m.memcpyApis()).extracting(MemoryTransferAnalysis.MemcpyApi::name).containsExactly("cudaMemcpy");

        assertThat(m.directions()).extracting(Direction::name).containsExactly("DtoH", "HtoD");
        for (Direction d : m.directions()) {
            assertThat(d.count()).isEqualTo(2708);
            assertThat(d.avgBytes()).isEqualTo(24_000.0);
            assertThat(d.timeNs()).isEqualTo(2708L * 1000);
            assertThat(d.bytesPerSec()).isCloseTo(24_000 / 1e-6, offset(1e-3)); // 24 kB per µs = 24 GB/s
        }
        Direction htod = m.directions().get(1);
        assertThat(htod.pageableCount()).isEqualTo(2708);
        assertThat(htod.pinnedCount()).isZero();
        Direction dtoh = m.directions().get(0);
        assertThat(dtoh.pinnedCount()).isEqualTo(2708);
        assertThat(dtoh.pinnedBytes()).isEqualTo(2708L * 24_000);
        // cudaMemcpy is synchronous: its pageable copies are not the async rule's business
        assertThat(m.pageableAsync()).isEmpty();
        // all copies fall into the 4-64 KiB bucket
        assertThat(m.histogram()).filteredOn(h -> h.count() > 0).extracting(SizeBucket::label).containsOnly("4-64 KiB");
    }

    @Test
    void sizeBucketBoundaries() {
        long kib = 1024;
        long[] sizes = {0, 4095, 4096, 64 * kib - 1, 64 * kib, 1024 * kib - 1, 1024 * kib, 16 * 1024 * kib - 1,
            16 * 1024 * kib, 1L << 40};
        int[] expected = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
        for (int i = 0; i < sizes.length; i++) {
            assertThat(MemoryTransferAnalysis.bucketOf(sizes[i])).as("size %d", sizes[i]).isEqualTo(expected[i]);
        }
        TestTraces b = new TestTraces();
        for (int i = 0; i < sizes.length; i++) {
            b.memcpy(i * 1000L, i * 1000L + 100 + i, 0, sizes[i], DTOD, DEVICE, DEVICE);
        }
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(b.build());
        assertThat(m.histogram()).hasSize(5);
        assertThat(m.histogram()).extracting(SizeBucket::count).containsExactly(2L, 2L, 2L, 2L, 2L);
        SizeBucket last = m.histogram().get(4);
        assertThat(last.bytes()).isEqualTo(16 * 1024 * kib + (1L << 40));
        assertThat(last.timeNs()).isEqualTo(108 + 109);
        assertThat(last.bytesPerSec()).isCloseTo(last.bytes() * 1e9 / 217, offset(1.0));
        assertThat(last.maxBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(m.directions().get(0).pageableCount() + m.directions().get(0).pinnedCount()).isZero();
        assertThat(m.unlinkedCopies()).isEqualTo(sizes.length);
    }

    /** The rule's name predicate (nsys {@code LIKE}, case-insensitive), the extension flag and the pageable test. */
    @Test
    void pageableAsyncCopiesOfRuntimeAndDriverCalls() {
        TestTraces b = new TestTraces();
        b.call("cudaMemcpyAsync_ptsz_v7000", 0, 500, 1, 1);
        b.memcpy(600, 700, 1, 64, HTOD, PAGEABLE, DEVICE);          // rule
        b.call("cuMemcpyDtoHAsync_v2", 1000, 1500, 1, 2);
        b.memcpy(1600, 1900, 2, 64, DTOH, DEVICE, PAGEABLE);        // extension
        b.call("cudaMemcpyAsync_v3020", 2000, 2100, 1, 3);
        b.memcpy(2200, 2210, 3, 64, HTOD, PINNED, DEVICE);          // pinned: not listed
        b.call("cudaMemcpy_v3020", 3000, 3500, 1, 4);
        b.memcpy(3100, 3400, 4, 64, HTOD, PAGEABLE, DEVICE);        // synchronous call: not listed
        b.call("cudaMemcpy2DAsync_v3020", 4000, 4050, 1, 5);
        b.memcpy(4100, 4300, 5, 64, DTOH, DEVICE, PAGEABLE);        // rule (2D variant matches LIKE)
        b.call("cudaMemsetAsync_v3020", 5000, 5050, 1, 6);
        b.memcpy(5100, 5400, 6, 64, HTOD, PAGEABLE, DEVICE);        // not a memcpy call
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(b.build());
        assertThat(m.pageableAsync()).extracting(p -> p.apiName() + "/" + p.durationNs() + "/" + p.extension())
                .containsExactly("cuMemcpyDtoHAsync_v2/300/true", "cudaMemcpy2DAsync_v3020/200/false",
                        "cudaMemcpyAsync_ptsz_v7000/100/false");
        PageableAsyncCopy p = m.pageableAsync().get(0);
        assertThat(p.srcKind()).isEqualTo("Device");
        assertThat(p.dstKind()).isEqualTo("Pageable");
        assertThat(p.pid()).isEqualTo(TestTraces.PID);
        assertThat(p.startNs()).isEqualTo(1600);
        assertThat(m.syncMemcpyCalls()).isEqualTo(1);
        assertThat(m.syncMemcpyTimeNs()).isEqualTo(500);
        // time descending (600, 500, 500, 50); the tie by name in code-point order ('M' < 'd')
        assertThat(m.memcpyApis()).extracting(a -> a.name() + "/" + a.async() + "/" + a.calls())
                .containsExactly("cudaMemcpyAsync/true/2", "cuMemcpyDtoHAsync/true/1", "cudaMemcpy/false/1",
                        "cudaMemcpy2DAsync/true/1");
        ResultTable pag = m.toTables().get(2);
        assertThat(pag.reportName()).isEqualTo("memcpy_pageable");
        assertThat(pag.cell(0, pag.columnIndex("Extension"))).isEqualTo("yes");
    }

    @Test
    void directionNames() {
        assertThat(MemoryTransferAnalysis.directionName(1)).isEqualTo("HtoD");
        assertThat(MemoryTransferAnalysis.directionName(10)).isEqualTo("PtoP");
        assertThat(MemoryTransferAnalysis.directionName(11)).isEqualTo("Unified HtoD");
        assertThat(MemoryTransferAnalysis.directionName(0)).isEqualTo("Unknown");
        assertThat(MemoryTransferAnalysis.directionName(-1)).isEqualTo("Unknown");
    }

    static List<String> corpus() {
        return TestTraces.corpusFiles();
    }

    /**
     * Every corpus file: no exception, parts sum to the whole, and per-direction count and time equal those of the
     * {@code cuda_gpu_mem_time_sum} report (an independent implementation over the same rows).
     */
    @ParameterizedTest
    @MethodSource("corpus")
    void corpusInvariantsAndAgreementWithMemTimeSum(String file) {
        Trace t = TestData.load(TestData.root().resolve(file));
        MemoryTransferAnalysis m = MemoryTransferAnalysis.of(t);
        List<ResultTable> tables = m.toTables();
        assertThat(tables).extracting(ResultTable::reportName)
                .containsExactly("memcpy_by_direction", "memcpy_size_histogram", "memcpy_pageable", "memcpy_api");
        assertThat(m.copies()).isEqualTo(t.memcpys().size());
        assertThat(m.directions().stream().mapToLong(Direction::count).sum()).isEqualTo(m.copies());
        assertThat(m.directions().stream().mapToLong(Direction::bytes).sum()).isEqualTo(m.bytes());
        assertThat(m.directions().stream().mapToLong(Direction::timeNs).sum()).isEqualTo(m.timeNs());
        assertThat(m.histogram()).hasSize(5 * m.directions().size());
        for (Direction d : m.directions()) {
            List<SizeBucket> hb = m.histogram().stream().filter(h -> h.direction().equals(d.name()))
                    .collect(Collectors.toList());
            assertThat(hb.stream().mapToLong(SizeBucket::count).sum()).isEqualTo(d.count());
            assertThat(hb.stream().mapToLong(SizeBucket::bytes).sum()).isEqualTo(d.bytes());
            assertThat(hb.stream().mapToLong(SizeBucket::timeNs).sum()).isEqualTo(d.timeNs());
            assertThat(d.pageableCount() + d.pinnedCount()).isLessThanOrEqualTo(d.count());
        }
        long pageable = m.directions().stream().mapToLong(Direction::pageableCount).sum();
        assertThat((long) m.pageableAsync().size()).isLessThanOrEqualTo(pageable);
        assertThat(m.memcpyApiTimeNs()).isBetween(0L, m.cudaApiTimeNs());
        assertThat(m.syncMemcpyTimeNs()).isLessThanOrEqualTo(m.memcpyApiTimeNs());
        assertThat(m.unlinkedCopies()).isBetween(0L, m.copies());

        if (t.memcpys().present() || t.memsets().present()) {
            NamingPolicy naming = NamingPolicy.forMetadata(t.metadata());
            ResultTable sum = new StatsReportRegistry().get("cuda_gpu_mem_time_sum")
                    .compute(t, new StatsContext(List.of(), TraceFilter.NONE, naming));
            Map<String, String> directionOfOperation = new HashMap<>();
            for (MemcpyKind k : MemcpyKind.values()) {
                if (k != MemcpyKind.UNKNOWN) {
                    directionOfOperation.put(naming.memcpyName(k.id()), MemoryTransferAnalysis.directionName(k.id()));
                }
            }
            Map<String, long[]> expected = new HashMap<>();
            for (Object[] row : sum.rows()) {
                String dir = directionOfOperation.get((String) row[sum.columnIndex("Operation")]);
                if (dir != null) {
                    long[] e = expected.computeIfAbsent(dir, k -> new long[2]);
                    e[0] += ((Number) row[sum.columnIndex("Count")]).longValue();
                    e[1] += ((Number) row[sum.columnIndex("Total Time")]).longValue();
                }
            }
            Map<String, long[]> actual = new HashMap<>();
            for (Direction d : m.directions()) {
                if (!d.name().equals("Unknown")) {
                    actual.put(d.name(), new long[] {d.count(), d.timeNs()});
                }
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (String k : expected.keySet()) {
                assertThat(actual.get(k)).as(k).containsExactly(expected.get(k));
            }
        }
    }
}
