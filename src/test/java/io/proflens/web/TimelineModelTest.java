package io.proflens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.ApiCallTable;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimelineModelTest {
    private static final KernelClassifier CLASSIFIER = KernelClassifier.builtIn();

    record Item(int lane, int item, long start, long end, int count, int nameKey) {
    }

    static List<Item> window(TimelineModel m, int track, long t0, long t1, long pixelNs) {
        List<Item> items = new ArrayList<>();
        m.window(track, t0, t1, pixelNs, new TimelineModel.ItemSink() {
            @Override
            public void raw(int lane, int item, long s, long e, int nameKey) {
                items.add(new Item(lane, item, s, e, 1, nameKey));
            }

            @Override
            public void aggregate(int lane, long s, long e, int count, int nameKey) {
                items.add(new Item(lane, -1, s, e, count, nameKey));
            }
        });
        return items;
    }

    /** Independent count: events of the track's table rows intersecting [t0, t1) by the documented rule. */
    static long intersecting(TimelineModel m, int track, long t0, long t1) {
        long n = 0;
        for (int i = 0; i < m.tracks().get(track).events(); i++) {
            long s = m.itemStartNs(track, i);
            long e = Math.max(m.itemEndNs(track, i), s + 1);
            if (s < t1 && e > t0) {
                n++;
            }
        }
        return n;
    }

    @Test
    void tracksAreProcessThreadsThenGpuStreams() {
        TimelineModel m = TimelineModel.build(WebTraces.demo(10, 1), CLASSIFIER);
        assertThat(m.tracks()).extracting(TimelineModel.TrackInfo::label).containsExactly(
                "Thread 101 (main) · NVTX", "Thread 101 (main) · CUDA API", "Thread 102 (launcher) · CUDA API",
                "Stream 7", "Stream 8");
        assertThat(m.tracks().get(0).group()).isEqualTo("Process 100 (python)");
        assertThat(m.tracks().get(3).group()).isEqualTo("GPU 0");
        assertThat(m.tracks().get(0).lanes()).isEqualTo(3); // nesting depth 0..2
        assertThat(m.eventCount()).isEqualTo(4 + 3 + 10 + 11 + 2);
    }

    @Test
    void aggregatesConserveCountsAtEveryZoom() {
        TimelineModel m = TimelineModel.build(WebTraces.demo(20_000, 7), CLASSIFIER);
        Random r = new Random(3);
        long span = m.endNs() - m.startNs();
        for (int trial = 0; trial < 300; trial++) {
            long w = Math.max(1, (long) (span * Math.pow(10, -r.nextDouble() * 7)));
            long t0 = m.startNs() - span / 10 + (long) (r.nextDouble() * (span * 1.1));
            long t1 = t0 + w;
            int px = 1 + r.nextInt(2000);
            long pixelNs = Math.max(1, w / px);
            for (int track = 0; track < m.tracks().size(); track++) {
                List<Item> items = window(m, track, t0, t1, pixelNs);
                long sum = items.stream().mapToLong(Item::count).sum();
                assertThat(sum).as("track %d window [%d, %d) px %d", track, t0, t1, px)
                        .isEqualTo(intersecting(m, track, t0, t1));
                for (Item it : items) {
                    if (it.count() > 1) {
                        assertThat(it.end() - it.start()).isLessThanOrEqualTo(pixelNs);
                    }
                }
                // pixels bound the answer: at most ~2 items per pixel per lane, plus the wide raw events
                assertThat(items.size()).isLessThanOrEqualTo(2 * (px + 2) * m.tracks().get(track).lanes());
            }
        }
    }

    @Test
    void zoomedInReturnsRawEventsExactly() {
        TimelineModel m = TimelineModel.build(WebTraces.demo(5_000, 11), CLASSIFIER);
        int stream7 = 3;
        long t0 = m.itemStartNs(stream7, 100);
        long t1 = m.itemEndNs(stream7, 120) + 1;
        List<Item> items = window(m, stream7, t0, t1, 1);
        assertThat(items).allMatch(i -> i.count() == 1);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < m.tracks().get(stream7).events(); i++) {
            long s = m.itemStartNs(stream7, i);
            if (s < t1 && Math.max(m.itemEndNs(stream7, i), s + 1) > t0) {
                expected.add(i);
            }
        }
        assertThat(items).extracting(Item::item).containsExactlyElementsOf(expected);
        for (Item it : items) {
            assertThat(it.start()).isEqualTo(m.itemStartNs(stream7, it.item()));
            assertThat(it.end()).isEqualTo(m.itemEndNs(stream7, it.item()));
            assertThat(m.name(it.nameKey())).startsWith("tiny_kernel_");
        }
    }

    @Test
    void wholeSpanCollapsesToAboutOneItemPerPixel() {
        TimelineModel m = TimelineModel.build(WebTraces.demo(50_000, 5), CLASSIFIER);
        long span = m.endNs() - m.startNs();
        List<Item> items = window(m, 3, m.startNs(), m.endNs(), span / 500);
        assertThat(items.size()).isBetween(100, 1100);
        assertThat(items.stream().mapToLong(Item::count).sum()).isEqualTo(50_001);
        // the dominant name of an aggregate is one of its events' names
        assertThat(items).allMatch(i -> m.name(i.nameKey()).startsWith("tiny_kernel_")
                || m.name(i.nameKey()).equals(WebTraces.XSS));
    }

    @Test
    void lanesNeverOverlapAndNestedRangesGetTheirDepth() {
        StringTable s = new StringTable();
        NvtxTable.Builder nvtx = new NvtxTable.Builder(true, 0);
        ApiCallTable.Builder api = new ApiCallTable.Builder(true, 0);
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            long a = r.nextInt(1_000_000);
            long b = a + r.nextInt(50_000);
            // overlapping start/end ranges and overlapping API calls (driver inside runtime and worse)
            nvtx.add(a, b, NvtxTable.START_END, s.intern("r" + (i % 7)), 0, StringTable.NONE, WebTraces.tid(5), 0);
            api.add(a, a + r.nextInt(10_000), WebTraces.tid(5), 0, s.intern("cuda" + (i % 3)), 0, 0, 0);
        }
        nvtx.add(1_200_000, NvtxTable.NO_END, NvtxTable.MARK, s.intern("mark"), 0, StringTable.NONE,
                WebTraces.tid(6), 0);
        TraceMetadata md = new TraceMetadata("x", "nsys-sqlite", "p", "2024.6.1", null, null, false, Map.of());
        Trace t = new Trace(md, s, KernelTable.empty(true), MemcpyTable.empty(true), MemsetTable.empty(true),
                api.build(), SyncTable.empty(false), nvtx.build(), ApiCallTable.empty(true),
                Map.of(WebTraces.tid(5), new ThreadInfo(WebTraces.tid(5), null, 0)), Map.of(), List.of(), List.of(),
                null);
        TimelineModel m = TimelineModel.build(t, CLASSIFIER);
        for (TimelineModel.TrackInfo tr : m.tracks()) {
            long[] laneEnd = new long[tr.lanes()];
            int lastLane = 0;
            java.util.Arrays.fill(laneEnd, Long.MIN_VALUE);
            for (int i = 0; i < tr.events(); i++) {
                int lane = m.laneOf(tr.id(), i);
                assertThat(lane).isGreaterThanOrEqualTo(lastLane); // stored lane by lane
                lastLane = lane;
                assertThat(m.itemStartNs(tr.id(), i)).as("overlap in lane %d", lane).isGreaterThanOrEqualTo(laneEnd[lane]);
                laneEnd[lane] = m.itemEndNs(tr.id(), i);
            }
            assertThat(tr.lanes()).isGreaterThan(tr.events() > 1 ? 1 : 0);
        }
        // counts still conserved with many lanes
        for (TimelineModel.TrackInfo tr : m.tracks()) {
            long sum = window(m, tr.id(), 100_000, 600_000, 1000).stream().mapToLong(Item::count).sum();
            assertThat(sum).isEqualTo(intersecting(m, tr.id(), 100_000, 600_000));
        }
        // the mark (no end) is a zero-length event at its start
        TimelineModel.TrackInfo markTrack = m.tracks().stream().filter(x -> x.label().startsWith("Thread 6"))
                .findFirst().orElseThrow();
        assertThat(m.itemEndNs(markTrack.id(), 0)).isEqualTo(1_200_000);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"fuser-hopper-matmul-h100/report1.sqlite",
        "nsysai-mock-tiny", "nsysai-fastvideo-wan-infer-h100x2"})
    void realExportsConserveCountsAndLinkLaunches(String relative) throws Exception {
        java.nio.file.Path p = io.proflens.TestData.nsys(relative);
        if (java.nio.file.Files.isDirectory(p)) {
            try (var files = java.nio.file.Files.list(p)) {
                p = files.filter(f -> f.toString().endsWith(".sqlite")).sorted().findFirst().orElseThrow();
            }
        }
        Trace t = io.proflens.TestData.load(p);
        TimelineModel m = TimelineModel.build(t, CLASSIFIER);
        assertThat(m.tracks()).isNotEmpty();
        assertThat(m.tracks()).anyMatch(x -> x.kind().equals("gpu"));
        long span = m.endNs() - m.startNs();
        for (int div : new int[] {1, 7, 100, 10_000}) {
            long t0 = m.startNs() + span / 3;
            long t1 = t0 + Math.max(1, span / div);
            for (TimelineModel.TrackInfo tr : m.tracks()) {
                long sum = window(m, tr.id(), t0, t1, Math.max(1, (t1 - t0) / 1200)).stream()
                        .mapToLong(Item::count).sum();
                assertThat(sum).isEqualTo(intersecting(m, tr.id(), t0, t1));
            }
        }
        // every linked kernel's launch call is found on its thread's CUDA API track
        io.proflens.model.LaunchLinks links = t.launchLinksOrCompute();
        for (int i = 0; i < Math.min(200, t.kernels().size()); i++) {
            int api = links.kernelApiRow(i);
            if (api >= 0) {
                TimelineModel.Location loc = m.locate(TimelineModel.CUDA_API, api);
                assertThat(loc).isNotNull();
                assertThat(m.itemStartNs(loc.track(), loc.item())).isEqualTo(t.cudaApi().startNs(api));
            }
        }
    }

    @Test
    void summarySearchAndLaunchLinks() {
        TimelineModel m = TimelineModel.build(WebTraces.demo(0, 1), CLASSIFIER);
        List<TimelineModel.SummaryRow> rows = m.summary(new int[] {2, 3}, 0, 60_000, 10);
        // stream 7: xss kernel 20..50 µs (30 µs); stream 8: memcpy 2..4 µs, gemm 50..60 clipped (10 µs)
        assertThat(rows).containsExactly(new TimelineModel.SummaryRow(WebTraces.XSS, 1, 30_000),
                new TimelineModel.SummaryRow("sm90_xmma_gemm_bf16bf16_bf16f32", 1, 10_000),
                new TimelineModel.SummaryRow("Memcpy HtoD", 1, 2_000));
        TimelineModel.SearchResult hits = m.search("GEMM", 10);
        assertThat(hits.total()).isEqualTo(1);
        assertThat(hits.hits().get(0).track()).isEqualTo(3);
        assertThat(m.category(3, m.itemNameKey(3, 1))).isEqualTo("GEMM");
        // kernel row 0 (stream 7, item 0) is launched by API row 0 at 11 µs on thread 101's CUDA API track
        TimelineModel.Location api = m.locate(TimelineModel.CUDA_API, 0);
        assertThat(api.track()).isEqualTo(1);
        assertThat(m.itemStartNs(api.track(), api.item())).isEqualTo(11_000);
        assertThat(m.gpuOpOf(0)).isEqualTo(0);
    }
}
