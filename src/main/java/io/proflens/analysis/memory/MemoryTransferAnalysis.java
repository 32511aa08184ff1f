package io.proflens.analysis.memory;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.api.ApiNames;
import io.proflens.analysis.api.NameIdClasses;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Memory copies between host and GPUs: per direction and size, pageable versus pinned host memory, the pageable
 * asynchronous copies of the nsys {@code cuda_memcpy_async} expert rule, synchronous memcpy calls and the share of
 * CUDA API time spent in memcpy calls.
 *
 * <p><b>Direction</b> is the copy kind ({@link MemcpyKind}, nsys {@code ENUM_CUDA_MEMCPY_OPER}) by its short name
 * ({@code HtoD}, {@code DtoH}, {@code DtoD}, {@code HtoH}, {@code PtoP}, {@code HtoA} ...); unified-memory
 * migrations are {@code Unified HtoD}/{@code Unified DtoH}/{@code Unified DtoD}; kind 0 and ids the model does
 * not know are {@code Unknown}. <b>Bandwidth</b> is achieved bandwidth: bytes divided by the summed GPU duration of
 * the copies, in bytes/s (NaN when that duration is 0). <b>Size buckets</b> are [0, 4 KiB), [4 KiB, 64 KiB),
 * [64 KiB, 1 MiB), [1 MiB, 16 MiB), [16 MiB, ∞) of the copy's bytes (KiB = 1024 B).
 *
 * <p><b>Host memory.</b> A copy is <em>pageable</em> when its source or destination memory kind is
 * {@link MemoryKind#PAGEABLE} (id 0; nsys's rule predicate {@code srcKind == 0 OR dstKind == 0}), else
 * <em>pinned</em> when either side is {@link MemoryKind#PINNED}; other copies (device, managed or unknown kinds
 * on both sides) are neither.
 *
 * <p><b>Pageable async copies</b> (nsys-reference.md §8, {@code cuda_memcpy_async}): copies issued by an API call
 * whose name matches {@code LIKE 'cudaMemcpy%Async%'} (SQLite: ASCII case-insensitive) and that have a pageable
 * side — the driver stages them through a pinned buffer and the call becomes synchronous. The issuing call is
 * found by correlation id scoped by process ({@link Trace#launchLinksOrCompute()}). proflens extends the name match
 * to the driver API, {@code LIKE 'cuMemcpy%Async%'} ({@code cuMemcpyHtoDAsync_v2} ...), and flags those rows
 * {@link PageableAsyncCopy#extension()}.
 *
 * <p><b>Memcpy API calls</b> are the CUDA API rows whose name starts with {@code cudaMemcpy} or {@code cuMemcpy}
 * (and {@code hipMemcpy}; {@link ApiNames#isMemcpy}), grouped by {@link ApiNames#baseName} (so
 * {@code cudaMemcpy_v3020}, {@code cudaMemcpyAsync_ptsz_v7000} and {@code cuMemcpyHtoD_v2} group with their base
 * function). A memcpy call is <em>synchronous</em> when its name does not contain {@code Async}; its duration is the
 * time the calling thread was blocked. The memcpy API share is their summed duration over the summed duration of
 * all {@link Trace#cudaApi()} rows.
 *
 * @param copies       rows of {@link Trace#memcpys()}
 * @param bytes        bytes copied
 * @param timeNs       summed GPU duration of the copies, ns
 * @param directions   per direction; time descending, then name
 * @param histogram    per direction (in {@link #directions()} order) the five size buckets, smallest first, empty
 *                     buckets included
 * @param pageableAsync pageable async copies; duration descending, then start, then API name
 * @param memcpyApis   per memcpy API base name; time descending, then name
 * @param cudaApiCalls rows of {@link Trace#cudaApi()}
 * @param cudaApiTimeNs their summed duration, ns
 * @param unlinkedCopies copies whose issuing API call is not in the capture
 */
public record MemoryTransferAnalysis(long copies, long bytes, long timeNs, List<Direction> directions,
                                     List<SizeBucket> histogram, List<PageableAsyncCopy> pageableAsync,
                                     List<MemcpyApi> memcpyApis, long cudaApiCalls, long cudaApiTimeNs,
                                     long unlinkedCopies) {

    /** Lower bounds of the size buckets, bytes. */
    static final long[] BUCKET_MIN = {0, 4L << 10, 64L << 10, 1L << 20, 16L << 20};
    /** Labels of the size buckets. */
    static final String[] BUCKET_LABEL = {"< 4 KiB", "4-64 KiB", "64 KiB-1 MiB", "1-16 MiB", ">= 16 MiB"};

    /** Copies the lists (immutable); see the record components for units and order. */
    public MemoryTransferAnalysis {
        directions = List.copyOf(directions);
        histogram = List.copyOf(histogram);
        pageableAsync = List.copyOf(pageableAsync);
        memcpyApis = List.copyOf(memcpyApis);
    }

    /**
     * Copies of one direction.
     *
     * @param name           direction short name, e.g. {@code HtoD}
     * @param count          copies
     * @param bytes          bytes copied
     * @param timeNs         summed GPU duration, ns
     * @param pageableCount  copies with a pageable side
     * @param pageableBytes  their bytes
     * @param pageableTimeNs their summed duration, ns
     * @param pinnedCount    copies with a pinned side and no pageable side
     * @param pinnedBytes    their bytes
     * @param pinnedTimeNs   their summed duration, ns
     */
    public record Direction(String name, long count, long bytes, long timeNs, long pageableCount, long pageableBytes,
                            long pageableTimeNs, long pinnedCount, long pinnedBytes, long pinnedTimeNs) {
        /** @return mean bytes per copy; NaN without copies. */
        public double avgBytes() {
            return count == 0 ? Double.NaN : (double) bytes / count;
        }

        /** @return achieved bandwidth, bytes/s; NaN when the summed duration is 0. */
        public double bytesPerSec() {
            return bandwidth(bytes, timeNs);
        }

        /** @return achieved bandwidth of the pageable copies, bytes/s; NaN when their duration is 0. */
        public double pageableBytesPerSec() {
            return bandwidth(pageableBytes, pageableTimeNs);
        }

        /** @return achieved bandwidth of the pinned copies, bytes/s; NaN when their duration is 0. */
        public double pinnedBytesPerSec() {
            return bandwidth(pinnedBytes, pinnedTimeNs);
        }
    }

    /**
     * One size bucket of one direction.
     *
     * @param direction direction short name
     * @param bucket    bucket index 0-4
     * @param label     e.g. {@code 4-64 KiB}
     * @param minBytes  smallest size in the bucket, inclusive
     * @param maxBytes  upper bound, exclusive ({@link Long#MAX_VALUE} for the last bucket)
     * @param count     copies
     * @param bytes     bytes copied
     * @param timeNs    summed GPU duration, ns
     */
    public record SizeBucket(String direction, int bucket, String label, long minBytes, long maxBytes, long count,
                             long bytes, long timeNs) {
        /** @return achieved bandwidth, bytes/s; NaN when the summed duration is 0. */
        public double bytesPerSec() {
            return bandwidth(bytes, timeNs);
        }
    }

    /**
     * A pageable copy issued by an async memcpy call (columns of nsys's {@code cuda_memcpy_async} rule).
     *
     * @param durationNs GPU duration of the copy, ns
     * @param startNs    GPU start of the copy, ns on the trace clock
     * @param direction  direction short name
     * @param srcKind    source memory kind label ({@code Pageable}, {@code Device} ...), {@code Unknown} for an
     *                   unknown id
     * @param dstKind    destination memory kind label
     * @param bytes      bytes copied
     * @param pid        process id
     * @param deviceId   device
     * @param contextId  context
     * @param streamId   stream
     * @param apiName    issuing call as recorded, e.g. {@code cudaMemcpyAsync_v3020}
     * @param extension  true when only proflens' driver-API extension ({@code cuMemcpy%Async%}) matched
     */
    public record PageableAsyncCopy(long durationNs, long startNs, String direction, String srcKind, String dstKind,
                                    long bytes, int pid, int deviceId, int contextId, int streamId, String apiName,
                                    boolean extension) {
    }

    /**
     * Calls of one memcpy API function.
     *
     * @param name       base name, e.g. {@code cudaMemcpy}
     * @param async      whether the name contains {@code Async}
     * @param calls      calls
     * @param timeNs     summed call duration, ns (for a synchronous call: time the host was blocked)
     * @param apiTimePct {@code timeNs} as percent (0-100) of all CUDA API time
     */
    public record MemcpyApi(String name, boolean async, long calls, long timeNs, double apiTimePct) {
    }

    /** @return memcpy API calls. */
    public long memcpyApiCalls() {
        return memcpyApis.stream().mapToLong(MemcpyApi::calls).sum();
    }

    /** @return summed duration of the memcpy API calls, ns. */
    public long memcpyApiTimeNs() {
        return memcpyApis.stream().mapToLong(MemcpyApi::timeNs).sum();
    }

    /** @return memcpy API time as percent (0-100) of all CUDA API time; 0 without API time. */
    public double memcpyApiPct() {
        return cudaApiTimeNs == 0 ? 0.0 : 100.0 * memcpyApiTimeNs() / cudaApiTimeNs;
    }

    /** @return synchronous memcpy calls. */
    public long syncMemcpyCalls() {
        return memcpyApis.stream().filter(a -> !a.async()).mapToLong(MemcpyApi::calls).sum();
    }

    /** @return time the host spent blocked in synchronous memcpy calls, ns. */
    public long syncMemcpyTimeNs() {
        return memcpyApis.stream().filter(a -> !a.async()).mapToLong(MemcpyApi::timeNs).sum();
    }

    /** @return pageable async copies that nsys's rule itself finds ({@code cudaMemcpy%Async%}). */
    public long pageableAsyncRuleCount() {
        return pageableAsync.stream().filter(p -> !p.extension()).count();
    }

    /** @return pageable async copies found only by the driver-API extension. */
    public long pageableAsyncExtensionCount() {
        return pageableAsync.stream().filter(PageableAsyncCopy::extension).count();
    }

    private static double bandwidth(long bytes, long ns) {
        return ns == 0 ? Double.NaN : bytes * 1e9 / ns;
    }

    /** @return the direction short name of a copy kind id (see the class comment). */
    public static String directionName(int copyKind) {
        MemcpyKind k = MemcpyKind.ofId(copyKind);
        if (k == null || k == MemcpyKind.UNKNOWN) {
            return "Unknown";
        }
        return k.unified() ? "Unified " + k.shortLabel() : k.shortLabel();
    }

    /** @return the size bucket index (0-4) of a copy of {@code bytes} bytes (negative counts as 0). */
    public static int bucketOf(long bytes) {
        for (int b = BUCKET_MIN.length - 1; b > 0; b--) {
            if (bytes >= BUCKET_MIN[b]) {
                return b;
            }
        }
        return 0;
    }

    private static final int NOT_ASYNC = 0;
    private static final int RULE = 1;
    private static final int EXTENSION = 2;
    private static final int UNKNOWN_DIR = MemcpyKind.values().length;

    /**
     * Computes the analysis; O(copies + API calls) plus sorting the pageable async copies. Never throws on an
     * imported trace (absent tables give zero figures and empty lists).
     *
     * @param trace the trace
     * @return the analysis
     */
    public static MemoryTransferAnalysis of(Trace trace) {
        MemcpyTable m = trace.memcpys();
        ApiCallTable api = trace.cudaApi();
        int nDir = UNKNOWN_DIR + 1;
        int nB = BUCKET_MIN.length;
        long[] count = new long[nDir];
        long[] bytes = new long[nDir];
        long[] time = new long[nDir];
        long[][] hostCount = new long[2][nDir];
        long[][] hostBytes = new long[2][nDir];
        long[][] hostTime = new long[2][nDir];
        long[][] bCount = new long[nDir][nB];
        long[][] bBytes = new long[nDir][nB];
        long[][] bTime = new long[nDir][nB];
        NameIdClasses asyncRule = new NameIdClasses(trace.strings(), s -> ApiNames.matchesNsysAsyncMemcpyRule(s) ? RULE
                : ApiNames.matchesDriverAsyncMemcpyExtension(s) ? EXTENSION : NOT_ASYNC);
        LaunchLinks links = m.size() == 0 ? null : trace.launchLinksOrCompute();
        List<PageableAsyncCopy> pageable = new ArrayList<>();
        long unlinked = 0;
        for (int i = 0, n = m.size(); i < n; i++) {
            int d = dirIndex(m.copyKind(i));
            long b = m.bytes(i);
            long t = m.hasEnd(i) ? m.durationNs(i) : 0;
            int bucket = bucketOf(b);
            count[d]++;
            bytes[d] += b;
            time[d] += t;
            bCount[d][bucket]++;
            bBytes[d][bucket] += b;
            bTime[d][bucket] += t;
            boolean isPageable = m.srcKind(i) == MemoryKind.PAGEABLE.id() || m.dstKind(i) == MemoryKind.PAGEABLE.id();
            boolean isPinned = !isPageable
                    && (m.srcKind(i) == MemoryKind.PINNED.id() || m.dstKind(i) == MemoryKind.PINNED.id());
            if (isPageable || isPinned) {
                int h = isPageable ? 0 : 1;
                hostCount[h][d]++;
                hostBytes[h][d] += b;
                hostTime[h][d] += t;
            }
            int a = links.memcpyApiRow(i);
            if (a < 0) {
                unlinked++;
                continue;
            }
            if (isPageable) {
                int c = asyncRule.classOf(api.nameId(a));
                if (c != NOT_ASYNC) {
                    pageable.add(new PageableAsyncCopy(t, m.startNs(i), dirName(d), kindLabel(m.srcKind(i)),
                            kindLabel(m.dstKind(i)), b, GlobalIds.pid(m.globalPid(i)), m.deviceId(i), m.contextId(i),
                            m.streamId(i), trace.string(api.nameId(a)), c == EXTENSION));
                }
            }
        }
        pageable.sort(Comparator.comparingLong(PageableAsyncCopy::durationNs).reversed()
                .thenComparingLong(PageableAsyncCopy::startNs)
                .thenComparing(PageableAsyncCopy::apiName, Comparator.nullsFirst(Comparator.naturalOrder())));

        List<Direction> dirs = new ArrayList<>();
        long totalBytes = 0;
        long totalTime = 0;
        for (int d = 0; d < nDir; d++) {
            totalBytes += bytes[d];
            totalTime += time[d];
            if (count[d] > 0) {
                dirs.add(new Direction(dirName(d), count[d], bytes[d], time[d], hostCount[0][d], hostBytes[0][d],
                        hostTime[0][d], hostCount[1][d], hostBytes[1][d], hostTime[1][d]));
            }
        }
        dirs.sort(Comparator.comparingLong(Direction::timeNs).reversed().thenComparing(Direction::name));
        List<SizeBucket> hist = new ArrayList<>();
        for (Direction dir : dirs) {
            int d = indexOfName(dir.name());
            for (int b = 0; b < nB; b++) {
                hist.add(new SizeBucket(dir.name(), b, BUCKET_LABEL[b], BUCKET_MIN[b],
                        b + 1 < nB ? BUCKET_MIN[b + 1] : Long.MAX_VALUE, bCount[d][b], bBytes[d][b], bTime[d][b]));
            }
        }
        return new MemoryTransferAnalysis(m.size(), totalBytes, totalTime, dirs, hist, pageable, memcpyApis(trace),
                api.size(), apiTime(api), unlinked);
    }

    private static long apiTime(ApiCallTable api) {
        long s = 0;
        for (int i = 0, n = api.size(); i < n; i++) {
            if (api.hasEnd(i)) {
                s += api.durationNs(i);
            }
        }
        return s;
    }

    /** Memcpy API calls grouped by base name. */
    private static List<MemcpyApi> memcpyApis(Trace trace) {
        ApiCallTable api = trace.cudaApi();
        List<String> names = new ArrayList<>();
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        // class 0 = not memcpy; else 1 + index of the base name
        NameIdClasses classes = new NameIdClasses(trace.strings(), s -> {
            if (!ApiNames.isMemcpy(s)) {
                return 0;
            }
            String base = ApiNames.baseName(s);
            return 1 + index.computeIfAbsent(base, k -> {
                names.add(k);
                return names.size() - 1;
            });
        });
        long[] calls = new long[8];
        long[] time = new long[8];
        long total = 0;
        for (int i = 0, n = api.size(); i < n; i++) {
            long d = api.hasEnd(i) ? api.durationNs(i) : 0;
            total += d;
            int c = classes.classOf(api.nameId(i));
            if (c == 0) {
                continue;
            }
            if (c > calls.length) {
                calls = java.util.Arrays.copyOf(calls, Math.max(c, calls.length * 2));
                time = java.util.Arrays.copyOf(time, calls.length);
            }
            calls[c - 1]++;
            time[c - 1] += d;
        }
        List<MemcpyApi> out = new ArrayList<>();
        for (int g = 0; g < names.size(); g++) {
            String nm = names.get(g);
            out.add(new MemcpyApi(nm, ApiNames.isAsyncMemcpy(nm), calls[g], time[g],
                    total == 0 ? 0.0 : 100.0 * time[g] / total));
        }
        out.sort(Comparator.comparingLong(MemcpyApi::timeNs).reversed().thenComparing(MemcpyApi::name));
        return out;
    }

    private static int dirIndex(int copyKind) {
        MemcpyKind k = MemcpyKind.ofId(copyKind);
        return k == null || k == MemcpyKind.UNKNOWN ? UNKNOWN_DIR : k.id();
    }

    private static String dirName(int d) {
        return d == UNKNOWN_DIR ? "Unknown" : directionName(d);
    }

    private static int indexOfName(String name) {
        for (int d = 0; d <= UNKNOWN_DIR; d++) {
            if (dirName(d).equals(name)) {
                return d;
            }
        }
        throw new IllegalStateException(name);
    }

    private static String kindLabel(int id) {
        MemoryKind k = MemoryKind.ofId(id);
        return k == null ? MemoryKind.UNKNOWN.label() : k.label();
    }

    /**
     * @return {@code memcpy_by_direction}, {@code memcpy_size_histogram}, {@code memcpy_pageable} (the pageable
     *         async copies, with an {@code Extension} column "yes" for driver-API rows) and {@code memcpy_api} (per
     *         memcpy API function; Sync "yes" for synchronous calls). Bytes in B (shown as MB), bandwidth in bytes/s
     *         (shown as MB/s; NULL when the duration is 0), durations in ns, percentages rounded to 0.1
     */
    public List<ResultTable> toTables() {
        List<Object[]> dRows = new ArrayList<>();
        for (Direction d : directions) {
            dRows.add(new Object[] {d.name(), d.count(), d.bytes(), d.avgBytes(), d.timeNs(), bw(d.bytesPerSec()),
                d.pageableCount(), d.pageableBytes(), bw(d.pageableBytesPerSec()), d.pinnedCount(), d.pinnedBytes(),
                bw(d.pinnedBytesPerSec())});
        }
        ResultTable byDir = new ResultTable("memcpy_by_direction", "Memory Copies by Direction", List.of(
                new Column("Direction", Kind.TEXT), new Column("Count", Kind.INTEGER), new Column("Total", Kind.BYTES_MB),
                new Column("Avg", Kind.BYTES_MB), new Column("Total Time", Kind.DURATION),
                new Column("Bandwidth", Kind.THROUGHPUT_MBPS), new Column("Pageable Count", Kind.INTEGER),
                new Column("Pageable Total", Kind.BYTES_MB), new Column("Pageable Bandwidth", Kind.THROUGHPUT_MBPS),
                new Column("Pinned Count", Kind.INTEGER), new Column("Pinned Total", Kind.BYTES_MB),
                new Column("Pinned Bandwidth", Kind.THROUGHPUT_MBPS)), dRows);
        List<Object[]> hRows = new ArrayList<>();
        for (SizeBucket b : histogram) {
            hRows.add(new Object[] {b.direction(), b.label(), b.count(), b.bytes(), b.timeNs(), bw(b.bytesPerSec())});
        }
        ResultTable hist = new ResultTable("memcpy_size_histogram", "Memory Copy Sizes", List.of(
                new Column("Direction", Kind.TEXT), new Column("Size", Kind.TEXT), new Column("Count", Kind.INTEGER),
                new Column("Total", Kind.BYTES_MB), new Column("Total Time", Kind.DURATION),
                new Column("Bandwidth", Kind.THROUGHPUT_MBPS)), hRows);
        List<Object[]> pRows = new ArrayList<>();
        for (PageableAsyncCopy p : pageableAsync) {
            pRows.add(new Object[] {p.durationNs(), p.startNs(), p.direction(), p.srcKind(), p.dstKind(), p.bytes(),
                (long) p.pid(), (long) p.deviceId(), (long) p.contextId(), (long) p.streamId(), p.apiName(),
                p.extension() ? "yes" : "no"});
        }
        ResultTable pag = new ResultTable("memcpy_pageable", "Async Memory Copies with Pageable Memory", List.of(
                new Column("Duration", Kind.DURATION), new Column("Start", Kind.TIMESTAMP),
                new Column("Direction", Kind.TEXT), new Column("Src Kind", Kind.TEXT), new Column("Dst Kind", Kind.TEXT),
                new Column("Bytes", Kind.INTEGER), new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Context ID", Kind.INTEGER), new Column("Stream ID", Kind.INTEGER),
                new Column("API Name", Kind.TEXT), new Column("Extension", Kind.TEXT)), pRows);
        List<Object[]> aRows = new ArrayList<>();
        for (MemcpyApi a : memcpyApis) {
            aRows.add(new Object[] {a.name(), a.async() ? "no" : "yes", a.calls(), a.timeNs(),
                SummaryStats.round1(a.apiTimePct())});
        }
        ResultTable apis = new ResultTable("memcpy_api", "Memory Copy API Calls", List.of(
                new Column("Name", Kind.TEXT), new Column("Sync", Kind.TEXT), new Column("Calls", Kind.INTEGER),
                new Column("Total Time", Kind.DURATION), new Column("API Time", Kind.PERCENT)), aRows);
        return List.of(byDir, hist, pag, apis);
    }

    private static Object bw(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
