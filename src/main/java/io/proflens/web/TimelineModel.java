package io.proflens.web;

import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.IntervalTable;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.ProcessInfo;
import io.proflens.model.StringTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The timeline of one {@link Trace}: tracks (rows) and a level-of-detail index over the trace's own columnar
 * tables, without one object per event.
 *
 * <p><b>Tracks.</b> Per process (ascending globalPid) and thread (ascending tid): NVTX ranges, CPU operator ranges
 * (Kineto), CUDA API calls, OS runtime calls; then per GPU (ascending device id) and stream (ascending stream id,
 * then process): kernels, memcpys and memsets together. Tracks without events are left out. Track ids are dense,
 * 0-based, in this order.
 *
 * <p><b>Items and lanes.</b> A track holds {@code int} references to table rows (3 bits table, 29 bits row). Rows
 * are assigned lanes first-fit in (start ascending, end descending) order, so that items in one lane never
 * overlap; for properly nested NVTX push/pop ranges the lane equals the nesting depth. Items are stored in (lane,
 * start) order; an item's index within its track ({@code item}) is the address the API uses. Within a lane
 * starts and ends are both non-decreasing, which makes window bounds two binary searches.
 *
 * <p><b>Pyramid.</b> Per lane, level {@code k >= 1} has one node per 8<sup>k</sup> consecutive items holding the
 * summed duration and the name with most time among its children (for k ≥ 2 judged from the children's
 * dominant names, an approximation). Start, end and count of a node follow from its first and last item. A window
 * query merges runs of items that fit within one pixel into one aggregate by jumping over whole nodes, so it costs
 * O(log n + pixels) per lane.
 *
 * <p><b>Time.</b> All times are ns on the trace clock. An event whose end is unknown ({@link IntervalTable#NO_END})
 * ends at its start (marks) or at the trace's end (unclosed ranges); an end before the start is taken as the start.
 * An item <em>intersects</em> the half-open window {@code [t0, t1)} iff {@code start < t1} and
 * {@code max(end, start + 1) > t0} (zero-length events count as 1 ns).
 *
 * <p>Immutable after {@link #build}, except for a lazily built reverse launch index; safe for concurrent readers.
 */
public final class TimelineModel {
    /** Table kinds of an item reference (bits 29..31). */
    static final int KERNEL = 0;
    static final int MEMCPY = 1;
    static final int MEMSET = 2;
    static final int CUDA_API = 3;
    static final int OS_RUNTIME = 4;
    static final int NVTX = 5;
    static final int CPU_OP = 6;
    private static final int ROW_BITS = 29;
    private static final int ROW_MASK = (1 << ROW_BITS) - 1;
    private static final int FANOUT_BITS = 3; // 8 children per node

    /** Names that are not trace strings have negative keys: -2 - index into this list. */
    private static final List<String> SYNTHETIC_NAMES;
    private static final int UNNAMED_KEY = -2;
    private static final int MEMSET_KEY = -3;
    private static final int MEMCPY_KEY_BASE = -4; // -4 - MemcpyKind id

    static {
        List<String> s = new ArrayList<>(List.of("(unnamed)", "Memset"));
        for (MemcpyKind k : MemcpyKind.values()) {
            s.add("Memcpy " + k.shortLabel());
        }
        SYNTHETIC_NAMES = List.copyOf(s);
    }

    /**
     * One row of the timeline.
     *
     * @param id      dense track id
     * @param group   process or device heading, e.g. "Process 4242 (python)", "GPU 0 (NVIDIA H100)"
     * @param label   row label, e.g. "Thread 4243 (main) · CUDA API", "Stream 7"
     * @param kind    "nvtx", "cpu-ops", "cuda-api", "os-runtime" or "gpu"
     * @param lanes   number of lanes (sub-rows), at least 1
     * @param events  number of items
     */
    public record TrackInfo(int id, String group, String label, String kind, int lanes, int events)
            implements java.io.Serializable {
    }

    /** Receives the items of a window query of one track, in (lane, start) order. */
    public interface ItemSink {
        /** One event as it is: its item index in the track. */
        void raw(int lane, int item, long startNs, long endNs, int nameKey);

        /** {@code count >= 2} consecutive events of one lane that together fit in one pixel. */
        void aggregate(int lane, long startNs, long endNs, int count, int nameKey);
    }

    /** Location of an event in the timeline. */
    public record Location(int track, int item, int lane) {
    }

    private final Trace trace;
    private final IntervalTable[] tables;
    private final List<TrackInfo> tracks;
    private final Track[] data;
    private final long startNs;
    private final long endNs;
    private final KernelClassifier classifier;
    private final Map<Long, int[]> threadTracks; // globalTid -> track id per kind NVTX, CPU_OP, CUDA_API, OS_RUNTIME
    private final Map<GpuKey, Integer> gpuTracks;
    private final Map<Integer, String> categories = new HashMap<>(); // guarded by itself
    private volatile int[] apiToGpu; // cudaApi row -> GPU item ref, lazily

    private record GpuKey(long globalPid, int device, int stream) implements java.io.Serializable {
    }

    /** Items of one track plus its per-lane pyramids. */
    private static final class Track implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int[] refs;      // (lane, start) order
        final int[] laneStart; // lanes + 1 offsets
        final int[][][] names; // [lane][level-1][node]
        final long[][][] busy; // [lane][level-1][node]

        Track(int[] refs, int[] laneStart, int[][][] names, long[][][] busy) {
            this.refs = refs;
            this.laneStart = laneStart;
            this.names = names;
            this.busy = busy;
        }
    }

    private TimelineModel(Trace trace, KernelClassifier classifier, List<TrackInfo> tracks, Track[] data,
                          long startNs, long endNs, Map<Long, int[]> threadTracks, Map<GpuKey, Integer> gpuTracks) {
        this.trace = trace;
        this.classifier = classifier;
        this.tables = tablesOf(trace);
        this.tracks = List.copyOf(tracks);
        this.data = data;
        this.startNs = startNs;
        this.endNs = endNs;
        this.threadTracks = threadTracks;
        this.gpuTracks = gpuTracks;
    }

    /** The built index without the trace: what {@link #writeIndex} stores and {@link #readIndex} restores. */
    private record Index(List<TrackInfo> tracks, Track[] data, long startNs, long endNs,
                         Map<Long, int[]> threadTracks, Map<GpuKey, Integer> gpuTracks)
            implements java.io.Serializable {
    }

    /**
     * @return a short fingerprint of this class's bytecode: part of an index file's name, so that an index written by
     *         another build is never read
     */
    public static String indexFingerprint() {
        try (java.io.InputStream in = TimelineModel.class.getResourceAsStream("TimelineModel.class")) {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(in == null ? new byte[0] : in.readAllBytes());
            return java.util.HexFormat.of().formatHex(d).substring(0, 16);
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the timeline model", e);
        }
    }

    /**
     * Stores the built index (tracks, lanes, pyramids; not the trace) so that {@link #readIndex} can skip
     * {@link #build} when the same trace is opened again; written atomically, failures ignored (a cache).
     *
     * @param file where
     */
    public void writeIndex(java.nio.file.Path file) {
        java.nio.file.Path tmp = null;
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            tmp = java.nio.file.Files.createTempFile(file.toAbsolutePath().getParent(), ".index", ".tmp");
            try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(new java.io.BufferedOutputStream(
                    java.nio.file.Files.newOutputStream(tmp), 1 << 20))) {
                o.writeObject(new Index(tracks, data, startNs, endNs, new HashMap<>(threadTracks),
                        new HashMap<>(gpuTracks)));
            }
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException | RuntimeException e) {
            // the next open builds the index again
        } finally {
            if (tmp != null) {
                try {
                    java.nio.file.Files.deleteIfExists(tmp);
                } catch (java.io.IOException ignored) {
                    // nothing to clean
                }
            }
        }
    }

    /**
     * @param trace      the trace the index was built from (the same snapshot key)
     * @param classifier kernel categories for colours
     * @param file       a file written by {@link #writeIndex}
     * @return the model, or null when the file is missing, unreadable or does not fit the trace
     */
    public static TimelineModel readIndex(Trace trace, KernelClassifier classifier, java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return null;
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(file), 1 << 20))) {
            in.setObjectInputFilter(java.io.ObjectInputFilter.Config.createFilter(
                    "maxdepth=32;io.proflens.web.TimelineModel*;java.lang.*;java.util.*;!*"));
            Object o = in.readObject();
            if (!(o instanceof Index ix) || ix.data().length != ix.tracks().size()) {
                return null;
            }
            long events = 0;
            for (Track t : ix.data()) {
                events += t.refs.length;
            }
            long expected = 0;
            for (IntervalTable t : tablesOf(trace)) {
                expected += t.size();
            }
            if (events > expected) {
                return null; // not this trace's index
            }
            return new TimelineModel(trace, classifier, ix.tracks(), ix.data(), ix.startNs(), ix.endNs(),
                    ix.threadTracks(), ix.gpuTracks());
        } catch (java.io.IOException | ClassNotFoundException | RuntimeException e) {
            return null;
        }
    }

    private static IntervalTable[] tablesOf(Trace t) {
        return new IntervalTable[] {t.kernels(), t.memcpys(), t.memsets(), t.cudaApi(), t.osRuntime(), t.nvtx(),
            t.cpuRanges()};
    }

    /**
     * Builds the timeline of a trace: O(n log n) for unsorted tables, O(n) when rows come in start order.
     *
     * @param trace      the trace; kept by reference
     * @param classifier kernel categories for colours
     * @return the model
     * @throws IllegalArgumentException when a table has 2<sup>29</sup> rows or more
     */
    public static TimelineModel build(Trace trace, KernelClassifier classifier) {
        IntervalTable[] tables = tablesOf(trace);
        for (IntervalTable t : tables) {
            if (t.size() > ROW_MASK) {
                throw new IllegalArgumentException("table too large for the timeline: " + t.size() + " rows");
            }
        }
        long[] span = trace.spanNs();
        long t0 = span == null ? 0 : span[0];
        long t1 = span == null ? 1 : Math.max(span[1], span[0] + 1);

        // 1. discover track keys
        TreeMap<Long, TreeMap<Long, boolean[]>> threadKinds = new TreeMap<>(); // pid -> tid -> kinds present
        TreeMap<GpuKey, int[]> gpuCounts = new TreeMap<>((a, b) -> {
            int c = Integer.compare(a.device, b.device);
            if (c == 0) {
                c = Integer.compare(a.stream, b.stream);
            }
            return c != 0 ? c : Long.compare(a.globalPid, b.globalPid);
        });
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        GpuKey last = null;
        for (int kind = KERNEL; kind <= MEMSET; kind++) {
            IntervalTable t = tables[kind];
            for (int i = 0, n = t.size(); i < n; i++) {
                GpuKey key = gpuKey(kind, k, mc, ms, i);
                if (!key.equals(last)) {
                    gpuCounts.putIfAbsent(key, new int[1]);
                    last = key;
                }
            }
        }
        for (int kind = CUDA_API; kind <= CPU_OP; kind++) {
            IntervalTable t = tables[kind];
            long lastTid = Long.MIN_VALUE;
            for (int i = 0, n = t.size(); i < n; i++) {
                if (!include(trace, kind, i)) {
                    continue;
                }
                long tid = threadOf(trace, kind, i);
                if (tid != lastTid) {
                    threadKinds.computeIfAbsent(GlobalIds.processOf(tid), x -> new TreeMap<>())
                            .computeIfAbsent(tid, x -> new boolean[7])[kind] = true;
                    lastTid = tid;
                }
            }
        }
        // 2. number the tracks
        List<String[]> labels = new ArrayList<>(); // group, label, kind
        Map<Long, int[]> threadTracks = new HashMap<>();
        Map<GpuKey, Integer> gpuTracks = new HashMap<>();
        int[] kindOrder = {NVTX, CPU_OP, CUDA_API, OS_RUNTIME};
        String[] kindNames = {"nvtx", "cpu-ops", "cuda-api", "os-runtime"};
        String[] kindLabels = {"NVTX", "CPU ops", "CUDA API", "OS runtime"};
        for (Map.Entry<Long, TreeMap<Long, boolean[]>> pe : threadKinds.entrySet()) {
            ProcessInfo pi = trace.processes().get(pe.getKey());
            int pid = GlobalIds.pid(pe.getKey());
            String group = "Process " + (pi != null ? pi.pid() : pid)
                    + (pi != null && pi.name() != null ? " (" + pi.name() + ")" : "");
            for (Map.Entry<Long, boolean[]> te : pe.getValue().entrySet()) {
                ThreadInfo ti = trace.threads().get(te.getKey());
                String thread = "Thread " + GlobalIds.tid(te.getKey())
                        + (ti != null && ti.name() != null ? " (" + ti.name() + ")" : "");
                int[] ids = new int[7];
                Arrays.fill(ids, -1);
                for (int o = 0; o < kindOrder.length; o++) {
                    if (te.getValue()[kindOrder[o]]) {
                        ids[kindOrder[o]] = labels.size();
                        labels.add(new String[] {group, thread + " · " + kindLabels[o], kindNames[o]});
                    }
                }
                threadTracks.put(te.getKey(), ids);
            }
        }
        boolean multiProcessGpu = gpuCounts.keySet().stream().map(GpuKey::globalPid).distinct().count() > 1;
        Map<Integer, String> deviceNames = new HashMap<>();
        trace.devices().forEach(d -> deviceNames.put(d.id(), d.name()));
        for (GpuKey key : gpuCounts.keySet()) {
            String dn = deviceNames.get(key.device);
            gpuTracks.put(key, labels.size());
            labels.add(new String[] {"GPU " + key.device + (dn != null ? " (" + dn + ")" : ""),
                "Stream " + key.stream + (multiProcessGpu ? " · pid " + GlobalIds.pid(key.globalPid) : ""), "gpu"});
        }
        int nTracks = labels.size();
        // 3. count and fill refs per track
        int[] counts = new int[nTracks];
        forEachRef(trace, tables, threadTracks, gpuTracks, (track, ref) -> counts[track]++);
        int[][] refs = new int[nTracks][];
        for (int i = 0; i < nTracks; i++) {
            refs[i] = new int[counts[i]];
        }
        int[] fill = new int[nTracks];
        forEachRef(trace, tables, threadTracks, gpuTracks, (track, ref) -> refs[track][fill[track]++] = ref);
        // 4. sort, lanes, pyramids
        TimelineModel shell = new TimelineModel(trace, classifier, List.of(), new Track[0], t0, t1, threadTracks,
                gpuTracks);
        Track[] data = new Track[nTracks];
        // tracks are independent: index them on all cores, largest first (index() reads the trace only)
        Integer[] bySize = new Integer[nTracks];
        for (int i = 0; i < nTracks; i++) {
            bySize[i] = i;
        }
        Arrays.sort(bySize, (a, b) -> Integer.compare(refs[b].length, refs[a].length));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(nTracks, Runtime.getRuntime().availableProcessors())), r -> {
                    Thread th = new Thread(r, "proflens-timeline-index");
                    th.setDaemon(true);
                    return th;
                });
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i : bySize) {
                fs.add(pool.submit(() -> {
                    data[i] = shell.index(refs[i]);
                    refs[i] = null;
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while indexing the timeline", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<TrackInfo> infos = new ArrayList<>(nTracks);
        for (int i = 0; i < nTracks; i++) {
            String[] l = labels.get(i);
            infos.add(new TrackInfo(i, l[0], l[1], l[2], data[i].laneStart.length - 1, data[i].refs.length));
        }
        return new TimelineModel(trace, classifier, infos, data, t0, t1, threadTracks, gpuTracks);
    }

    @FunctionalInterface
    private interface RefConsumer {
        void accept(int track, int ref);
    }

    private static void forEachRef(Trace trace, IntervalTable[] tables, Map<Long, int[]> threadTracks,
                                   Map<GpuKey, Integer> gpuTracks, RefConsumer c) {
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        GpuKey lastKey = null;
        int lastTrack = -1;
        for (int kind = KERNEL; kind <= MEMSET; kind++) {
            for (int i = 0, n = tables[kind].size(); i < n; i++) {
                GpuKey key = gpuKey(kind, k, mc, ms, i);
                if (!key.equals(lastKey)) {
                    lastKey = key;
                    lastTrack = gpuTracks.get(key);
                }
                c.accept(lastTrack, (kind << ROW_BITS) | i);
            }
        }
        for (int kind = CUDA_API; kind <= CPU_OP; kind++) {
            long lastTid = Long.MIN_VALUE;
            int[] ids = null;
            for (int i = 0, n = tables[kind].size(); i < n; i++) {
                if (!include(trace, kind, i)) {
                    continue;
                }
                long tid = threadOf(trace, kind, i);
                if (tid != lastTid || ids == null) {
                    ids = threadTracks.get(tid);
                    lastTid = tid;
                }
                c.accept(ids[kind], (kind << ROW_BITS) | i);
            }
        }
    }

    private static GpuKey gpuKey(int kind, KernelTable k, MemcpyTable mc, MemsetTable ms, int i) {
        return switch (kind) {
            case KERNEL -> new GpuKey(k.globalPid(i), k.deviceId(i), k.streamId(i));
            case MEMCPY -> new GpuKey(mc.globalPid(i), mc.deviceId(i), mc.streamId(i));
            default -> new GpuKey(ms.globalPid(i), ms.deviceId(i), ms.streamId(i));
        };
    }

    /** OS runtime: only real calls (class 27), as the reports do; NVTX: not domain-creation rows. */
    private static boolean include(Trace trace, int kind, int i) {
        if (kind == OS_RUNTIME) {
            return trace.osRuntime().eventClass(i) == ApiCallTable.CLASS_OS_RUNTIME;
        }
        if (kind == NVTX) {
            return trace.nvtx().eventType(i) != NvtxTable.DOMAIN_CREATE;
        }
        return true;
    }

    private static long threadOf(Trace trace, int kind, int i) {
        return switch (kind) {
            case CUDA_API -> trace.cudaApi().globalTid(i);
            case OS_RUNTIME -> trace.osRuntime().globalTid(i);
            case NVTX -> trace.nvtx().globalTid(i);
            default -> trace.cpuRanges().globalTid(i);
        };
    }

    private Track index(int[] refs) {
        int n = refs.length;
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = compareRefs(refs[i - 1], refs[i]) <= 0;
        }
        if (!sorted) {
            PrimitiveSort.sortIndices(refs, this::compareRefs);
        }
        // first-fit lanes
        long[] laneEnd = new long[4];
        int lanes = 0;
        int[] lane = new int[n];
        for (int i = 0; i < n; i++) {
            long s = start(refs[i]);
            int l = 0;
            while (l < lanes && laneEnd[l] > s) {
                l++;
            }
            if (l == lanes) {
                if (lanes == laneEnd.length) {
                    laneEnd = Arrays.copyOf(laneEnd, lanes * 2);
                }
                lanes++;
            }
            laneEnd[l] = end(refs[i]);
            lane[i] = l;
        }
        lanes = Math.max(lanes, 1);
        int[] laneStart = new int[lanes + 1];
        for (int i = 0; i < n; i++) {
            laneStart[lane[i] + 1]++;
        }
        for (int l = 0; l < lanes; l++) {
            laneStart[l + 1] += laneStart[l];
        }
        int[] ordered;
        if (lanes == 1) {
            ordered = refs;
        } else {
            ordered = new int[n];
            int[] pos = Arrays.copyOf(laneStart, lanes);
            for (int i = 0; i < n; i++) {
                ordered[pos[lane[i]]++] = refs[i];
            }
        }
        int[][][] names = new int[lanes][][];
        long[][][] busy = new long[lanes][][];
        for (int l = 0; l < lanes; l++) {
            buildPyramid(ordered, laneStart[l], laneStart[l + 1], l, names, busy);
        }
        return new Track(ordered, laneStart, names, busy);
    }

    private void buildPyramid(int[] refs, int from, int to, int l, int[][][] names, long[][][] busy) {
        List<int[]> nameLevels = new ArrayList<>();
        List<long[]> busyLevels = new ArrayList<>();
        int m = to - from;
        int[] childNames = null;
        long[] childBusy = null;
        int childCount = m;
        NameSums sums = new NameSums();
        while (childCount > 1) {
            int nodes = (childCount + 7) >>> FANOUT_BITS;
            int[] nn = new int[nodes];
            long[] nb = new long[nodes];
            for (int q = 0; q < nodes; q++) {
                sums.clear();
                for (int c = q << FANOUT_BITS, ce = Math.min(childCount, c + 8); c < ce; c++) {
                    if (childNames == null) {
                        int ref = refs[from + c];
                        sums.add(nameKey(ref), end(ref) - start(ref));
                    } else {
                        sums.add(childNames[c], childBusy[c]);
                    }
                }
                nn[q] = sums.best();
                nb[q] = sums.total();
            }
            nameLevels.add(nn);
            busyLevels.add(nb);
            childNames = nn;
            childBusy = nb;
            childCount = nodes;
        }
        names[l] = nameLevels.toArray(new int[0][]);
        busy[l] = busyLevels.toArray(new long[0][]);
    }

    /** Small name → summed time accumulator (up to 32 distinct names; later ones are dropped). */
    private static final class NameSums {
        final int[] keys = new int[32];
        final long[] sums = new long[32];
        int size;
        long total;

        void clear() {
            size = 0;
            total = 0;
        }

        void add(int key, long ns) {
            total += ns;
            for (int i = 0; i < size; i++) {
                if (keys[i] == key) {
                    sums[i] += ns;
                    return;
                }
            }
            if (size < keys.length) {
                keys[size] = key;
                sums[size++] = ns;
            }
        }

        int best() {
            int b = 0;
            for (int i = 1; i < size; i++) {
                if (sums[i] > sums[b] || (sums[i] == sums[b] && keys[i] < keys[b])) {
                    b = i;
                }
            }
            return size == 0 ? UNNAMED_KEY : keys[b];
        }

        long total() {
            return total;
        }
    }

    private int compareRefs(int a, int b) {
        int c = Long.compare(start(a), start(b));
        if (c != 0) {
            return c;
        }
        c = Long.compare(end(b), end(a));
        return c != 0 ? c : Integer.compareUnsigned(a, b);
    }

    // ---------------------------------------------------------------- item accessors

    /** @return the table kind of a reference. */
    static int kindOf(int ref) {
        return ref >>> ROW_BITS;
    }

    /** @return the table row of a reference. */
    static int rowOf(int ref) {
        return ref & ROW_MASK;
    }

    long start(int ref) {
        return tables[ref >>> ROW_BITS].startNs(ref & ROW_MASK);
    }

    /** Effective end (see class comment). */
    long end(int ref) {
        IntervalTable t = tables[ref >>> ROW_BITS];
        int row = ref & ROW_MASK;
        long s = t.startNs(row);
        long e = t.endNs(row);
        if (e == IntervalTable.NO_END) {
            int kind = ref >>> ROW_BITS;
            boolean mark = (kind == NVTX && trace.nvtx().eventType(row) == NvtxTable.MARK)
                    || (kind == CPU_OP && trace.cpuRanges().eventType(row) == NvtxTable.MARK);
            return mark ? s : Math.max(s, endNs);
        }
        return Math.max(e, s);
    }

    private long endForWindow(int ref) {
        long s = start(ref);
        return Math.max(end(ref), s + 1);
    }

    /** @return the name key of an item: a trace string id ({@code >= 0}) or a synthetic name ({@code < 0}). */
    int nameKey(int ref) {
        int kind = ref >>> ROW_BITS;
        int row = ref & ROW_MASK;
        int id = switch (kind) {
            case KERNEL -> {
                int s = trace.kernels().shortNameId(row);
                yield s != StringTable.NONE ? s : trace.kernels().demangledNameId(row);
            }
            case MEMCPY -> {
                MemcpyKind mk = MemcpyKind.ofId(trace.memcpys().copyKind(row));
                yield MEMCPY_KEY_BASE - (mk == null ? 0 : mk.id());
            }
            case MEMSET -> MEMSET_KEY;
            case CUDA_API -> trace.cudaApi().nameId(row);
            case OS_RUNTIME -> trace.osRuntime().nameId(row);
            case NVTX -> trace.nvtx().textId(row);
            default -> trace.cpuRanges().textId(row);
        };
        return id < 0 && kind >= CUDA_API ? UNNAMED_KEY : id == StringTable.NONE ? UNNAMED_KEY : id;
    }

    /** @return the text of a name key. */
    public String name(int nameKey) {
        if (nameKey >= 0) {
            String s = trace.string(nameKey);
            return s != null ? s : SYNTHETIC_NAMES.get(0);
        }
        int i = -2 - nameKey;
        return i < SYNTHETIC_NAMES.size() ? SYNTHETIC_NAMES.get(i) : SYNTHETIC_NAMES.get(0);
    }

    /**
     * @return the colour category of an item's name on a track: the kernel category label for GPU kernels
     *         ("GEMM", "communication", ...), "memcpy"/"memset" for copy-engine ops, otherwise the track kind
     */
    public String category(int track, int nameKey) {
        String kind = tracks.get(track).kind();
        if (!kind.equals("gpu")) {
            return kind;
        }
        if (nameKey == MEMSET_KEY) {
            return "memset";
        }
        if (nameKey <= MEMCPY_KEY_BASE) {
            return "memcpy";
        }
        synchronized (categories) {
            return categories.computeIfAbsent(nameKey, key -> {
                String n = name(key);
                return classifier.classify(n).category().label();
            });
        }
    }

    // ---------------------------------------------------------------- queries

    /** @return the tracks in id order. */
    public List<TrackInfo> tracks() {
        return tracks;
    }

    /** @return first event start, ns. */
    public long startNs() {
        return startNs;
    }

    /** @return last event end, ns ({@code > startNs()}). */
    public long endNs() {
        return endNs;
    }

    /** @return the trace the model indexes. */
    public Trace trace() {
        return trace;
    }

    /** @return number of events over all tracks. */
    public long eventCount() {
        long n = 0;
        for (Track t : data) {
            n += t.refs.length;
        }
        return n;
    }

    /** @return the table reference of item {@code item} of {@code track}. */
    int ref(int track, int item) {
        return data[track].refs[item];
    }

    /** @return the lane of an item. */
    public int laneOf(int track, int item) {
        int[] ls = data[track].laneStart;
        int l = Arrays.binarySearch(ls, item);
        if (l >= 0) {
            while (l + 1 < ls.length && ls[l + 1] == item) {
                l++;
            }
            return l;
        }
        return -l - 2;
    }

    /** @return start of an item, ns. */
    public long itemStartNs(int track, int item) {
        return start(data[track].refs[item]);
    }

    /** @return effective end of an item, ns. */
    public long itemEndNs(int track, int item) {
        return end(data[track].refs[item]);
    }

    /** @return name key of an item. */
    public int itemNameKey(int track, int item) {
        return nameKey(data[track].refs[item]);
    }

    /**
     * Reports the items of one track that intersect {@code [t0, t1)}: events as they are where they are at least
     * {@code pixelNs} long or alone in their pixel, runs of shorter events merged into aggregates no wider than
     * {@code pixelNs}. The counts of all items add up to the number of events intersecting the window.
     *
     * @param track   track id
     * @param t0      window start, ns
     * @param t1      window end, ns ({@code > t0})
     * @param pixelNs merge width, ns ({@code >= 1})
     * @param sink    receives the items lane by lane, by start
     * @return number of items reported
     */
    public int window(int track, long t0, long t1, long pixelNs, ItemSink sink) {
        Track t = data[track];
        int reported = 0;
        int lanes = t.laneStart.length - 1;
        NameSums sums = new NameSums();
        for (int l = 0; l < lanes; l++) {
            int lo = t.laneStart[l];
            int hi = t.laneStart[l + 1];
            int first = firstEndAfter(t.refs, lo, hi, t0);
            int last = firstStartAtOrAfter(t.refs, first, hi, t1);
            int[][] names = t.names[l];
            long[][] busy = t.busy[l];
            int levels = names.length;
            int cur = first;
            while (cur < last) {
                int ref = t.refs[cur];
                long s = start(ref);
                long e = end(ref);
                if (e - s >= pixelNs) {
                    sink.raw(l, cur, s, e, nameKey(ref));
                    reported++;
                    cur++;
                    continue;
                }
                long limit = s + pixelNs;
                // the run [cur, q) of items ending by `limit` (ends are sorted in a lane): gallop, then bisect
                int good = cur;
                int bad = last;
                for (long probe = 1; cur + probe < last; probe <<= 1) {
                    int idx = (int) (cur + probe);
                    if (end(t.refs[idx]) <= limit) {
                        good = idx;
                    } else {
                        bad = idx;
                        break;
                    }
                }
                int qlo = good + 1;
                int qhi = bad;
                while (qlo < qhi) {
                    int mid = (qlo + qhi) >>> 1;
                    if (end(t.refs[mid]) <= limit) {
                        qlo = mid + 1;
                    } else {
                        qhi = mid;
                    }
                }
                int q = qlo;
                int p = q;
                if (q > cur + 1) {
                    // dominant name: decompose [cur, q) into aligned pyramid nodes (array reads only)
                    sums.clear();
                    p = cur;
                    int k = 0;
                    while (p < q) {
                        int r = p - lo;
                        while (k < levels && ((r >>> (FANOUT_BITS * (k + 1))) << (FANOUT_BITS * (k + 1))) == r
                                && p + (1 << (FANOUT_BITS * (k + 1))) <= q) {
                            k++;
                        }
                        while (k > 0 && p + (1 << (FANOUT_BITS * k)) > q) {
                            k--;
                        }
                        if (k == 0) {
                            int rr = t.refs[p];
                            sums.add(nameKey(rr), end(rr) - start(rr));
                            p++;
                        } else {
                            int node = r >>> (FANOUT_BITS * k);
                            sums.add(names[k - 1][node], busy[k - 1][node]);
                            p += 1 << (FANOUT_BITS * k);
                        }
                    }
                }
                if (q == cur + 1) {
                    sink.raw(l, cur, s, e, nameKey(ref));
                } else {
                    sink.aggregate(l, s, end(t.refs[q - 1]), q - cur, sums.best());
                }
                reported++;
                cur = q;
            }
        }
        return reported;
    }

    /** @return first index in [lo, hi) whose window end is {@code > t}, or hi. */
    private int firstEndAfter(int[] refs, int lo, int hi, long t) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (endForWindow(refs[mid]) > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** @return first index in [lo, hi) whose start is {@code >= t}, or hi. */
    private int firstStartAtOrAfter(int[] refs, int lo, int hi, long t) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start(refs[mid]) >= t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Visits every item of a track intersecting {@code [t0, t1)}, lane by lane, by start. */
    void forEachIn(int track, long t0, long t1, java.util.function.IntConsumer item) {
        Track t = data[track];
        for (int l = 0; l + 1 < t.laneStart.length; l++) {
            int first = firstEndAfter(t.refs, t.laneStart[l], t.laneStart[l + 1], t0);
            int last = firstStartAtOrAfter(t.refs, first, t.laneStart[l + 1], t1);
            for (int i = first; i < last; i++) {
                item.accept(i);
            }
        }
    }

    /**
     * One row of a selection summary.
     *
     * @param name    event name
     * @param count   events intersecting the span
     * @param totalNs summed duration clipped to the span, ns
     */
    public record SummaryRow(String name, long count, long totalNs) {
    }

    /**
     * Sums, per name, the durations of the events of the given tracks inside {@code [t0, t1)} (clipped to the
     * span). Sorted by total descending, then name; at most {@code limit} rows.
     */
    public List<SummaryRow> summary(int[] trackIds, long t0, long t1, int limit) {
        Map<Integer, long[]> sums = new HashMap<>();
        for (int track : trackIds) {
            int[] refs = data[track].refs;
            forEachIn(track, t0, t1, i -> {
                int ref = refs[i];
                long d = Math.max(0, Math.min(end(ref), t1) - Math.max(start(ref), t0));
                long[] acc = sums.computeIfAbsent(nameKey(ref), x -> new long[2]);
                acc[0]++;
                acc[1] += d;
            });
        }
        Map<String, long[]> byName = new HashMap<>();
        sums.forEach((key, v) -> {
            long[] acc = byName.computeIfAbsent(name(key), x -> new long[2]);
            acc[0] += v[0];
            acc[1] += v[1];
        });
        List<SummaryRow> rows = new ArrayList<>();
        byName.forEach((n, v) -> rows.add(new SummaryRow(n, v[0], v[1])));
        rows.sort((a, b) -> a.totalNs != b.totalNs ? Long.compare(b.totalNs, a.totalNs) : a.name.compareTo(b.name));
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    /**
     * A search hit.
     *
     * @param track track id
     * @param item  item index
     */
    public record Hit(int track, int item, long startNs, long endNs, String name) {
    }

    /** Search result: total matching events and the first hits by start (then track, item). */
    public record SearchResult(long total, List<Hit> hits) {
    }

    /**
     * Finds events whose name contains {@code query} (case-insensitive, {@link Locale#ROOT}).
     *
     * @param limit maximum number of hits returned
     */
    public SearchResult search(String query, int limit) {
        String q = query.toLowerCase(Locale.ROOT);
        StringTable strings = trace.strings();
        boolean[] match = new boolean[strings.size()];
        boolean any = false;
        for (int i = 0; i < match.length; i++) {
            String s = strings.get(i);
            if (s != null && s.toLowerCase(Locale.ROOT).contains(q)) {
                match[i] = true;
                any = true;
            }
        }
        boolean[] synth = new boolean[SYNTHETIC_NAMES.size()];
        for (int i = 0; i < synth.length; i++) {
            synth[i] = SYNTHETIC_NAMES.get(i).toLowerCase(Locale.ROOT).contains(q);
            any |= synth[i];
        }
        if (!any) {
            return new SearchResult(0, List.of());
        }
        long total = 0;
        List<long[]> candidates = new ArrayList<>(); // start, track, item
        for (int track = 0; track < data.length; track++) {
            Track t = data[track];
            for (int l = 0; l + 1 < t.laneStart.length; l++) {
                int taken = 0;
                for (int i = t.laneStart[l]; i < t.laneStart[l + 1]; i++) {
                    int key = nameKey(t.refs[i]);
                    boolean m = key >= 0 ? key < match.length && match[key] : synth[-2 - key];
                    if (m) {
                        total++;
                        if (taken < limit) {
                            candidates.add(new long[] {start(t.refs[i]), track, i});
                            taken++;
                        }
                    }
                }
            }
        }
        candidates.sort((a, b) -> {
            for (int i = 0; i < 3; i++) {
                int c = Long.compare(a[i], b[i]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, candidates.size()); i++) {
            long[] c = candidates.get(i);
            int track = (int) c[1];
            int item = (int) c[2];
            hits.add(new Hit(track, item, c[0], itemEndNs(track, item), name(itemNameKey(track, item))));
        }
        return new SearchResult(total, List.copyOf(hits));
    }

    // ---------------------------------------------------------------- locating rows

    /** @return where table row {@code row} of {@code kind} is drawn, or {@code null} when it is not on a track. */
    Location locate(int kind, int row) {
        Integer track;
        if (kind <= MEMSET) {
            track = gpuTracks.get(gpuKey(kind, trace.kernels(), trace.memcpys(), trace.memsets(), row));
        } else {
            if (!include(trace, kind, row)) {
                return null;
            }
            int[] ids = threadTracks.get(threadOf(trace, kind, row));
            track = ids == null || ids[kind] < 0 ? null : ids[kind];
        }
        if (track == null) {
            return null;
        }
        Track t = data[track];
        int ref = (kind << ROW_BITS) | row;
        long s = tables[kind].startNs(row);
        for (int l = 0; l + 1 < t.laneStart.length; l++) {
            int i = firstStartAtOrAfter(t.refs, t.laneStart[l], t.laneStart[l + 1], s);
            for (; i < t.laneStart[l + 1] && start(t.refs[i]) == s; i++) {
                if (t.refs[i] == ref) {
                    return new Location(track, i, l);
                }
            }
        }
        return null;
    }

    /** @return the GPU item reference launched by CUDA API row {@code apiRow}, or -1. */
    int gpuOpOf(int apiRow) {
        int[] a = apiToGpu;
        if (a == null) {
            synchronized (this) {
                a = apiToGpu;
                if (a == null) {
                    a = new int[trace.cudaApi().size()];
                    Arrays.fill(a, -1);
                    io.proflens.model.LaunchLinks links = trace.launchLinksOrCompute();
                    for (int i = trace.memsets().size() - 1; i >= 0; i--) {
                        int r = links.memsetApiRow(i);
                        if (r >= 0) {
                            a[r] = (MEMSET << ROW_BITS) | i;
                        }
                    }
                    for (int i = trace.memcpys().size() - 1; i >= 0; i--) {
                        int r = links.memcpyApiRow(i);
                        if (r >= 0) {
                            a[r] = (MEMCPY << ROW_BITS) | i;
                        }
                    }
                    for (int i = trace.kernels().size() - 1; i >= 0; i--) {
                        int r = links.kernelApiRow(i);
                        if (r >= 0) {
                            a[r] = i; // KERNEL == 0
                        }
                    }
                    apiToGpu = a;
                }
            }
        }
        return apiRow < a.length ? a[apiRow] : -1;
    }
}
