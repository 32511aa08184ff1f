package io.proflens.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One imported profile: columnar event tables with interned names, times in ns on one clock, plus
 * threads, processes, GPUs, capture metadata and the import issues. Every reader (nsys SQLite, Kineto
 * JSON, ...) produces this; every analysis reads only this.
 *
 * <p>Immutable after construction (the tables expose no mutators; the {@link StringTable} is no longer
 * interned into). Tables are never {@code null}: an absent source table is an empty table whose
 * {@link IntervalTable#present()} is false. Maps are keyed and iterated in ascending id order.
 */
public final class Trace implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final TraceMetadata metadata;
    private final StringTable strings;
    private final KernelTable kernels;
    private final MemcpyTable memcpys;
    private final MemsetTable memsets;
    private final ApiCallTable cudaApi;
    private final SyncTable syncs;
    private final NvtxTable nvtx;
    private final ApiCallTable osRuntime;
    private final Map<Long, ThreadInfo> threads;
    private final Map<Long, ProcessInfo> processes;
    private final List<GpuDevice> devices;
    private final List<ImportIssue> issues;
    private final LaunchLinks launchLinks;
    /** Links computed on demand when the importer did not correlate (cached; analyses share them). */
    private volatile LaunchLinks computedLinks;
    private final NvtxTable cpuRanges;

    /** All parts without CPU operator ranges (nsys exports have none); collections are copied. */
    public Trace(TraceMetadata metadata, StringTable strings, KernelTable kernels, MemcpyTable memcpys,
                 MemsetTable memsets, ApiCallTable cudaApi, SyncTable syncs, NvtxTable nvtx,
                 ApiCallTable osRuntime, Map<Long, ThreadInfo> threads, Map<Long, ProcessInfo> processes,
                 List<GpuDevice> devices, List<ImportIssue> issues, LaunchLinks launchLinks) {
        this(metadata, strings, kernels, memcpys, memsets, cudaApi, syncs, nvtx, osRuntime, NvtxTable.empty(false),
                threads, processes, devices, issues, launchLinks);
    }

    /**
     * All parts; collections are copied.
     *
     * @param cpuRanges CPU operator ranges that are not user annotations (Kineto {@code cpu_op},
     *                  {@code python_function}), same shape as NVTX push/pop ranges with the category as domain
     *                  name; empty for nsys exports
     */
    public Trace(TraceMetadata metadata, StringTable strings, KernelTable kernels, MemcpyTable memcpys,
                 MemsetTable memsets, ApiCallTable cudaApi, SyncTable syncs, NvtxTable nvtx,
                 ApiCallTable osRuntime, NvtxTable cpuRanges, Map<Long, ThreadInfo> threads,
                 Map<Long, ProcessInfo> processes, List<GpuDevice> devices, List<ImportIssue> issues,
                 LaunchLinks launchLinks) {
        this.cpuRanges = cpuRanges;
        this.metadata = metadata;
        this.strings = strings;
        this.kernels = kernels;
        this.memcpys = memcpys;
        this.memsets = memsets;
        this.cudaApi = cudaApi;
        this.syncs = syncs;
        this.nvtx = nvtx;
        this.osRuntime = osRuntime;
        this.threads = Collections.unmodifiableMap(new TreeMap<>(threads));
        this.processes = Collections.unmodifiableMap(new TreeMap<>(processes));
        List<GpuDevice> d = new ArrayList<>(devices);
        d.sort((a, b) -> Integer.compare(a.id(), b.id()));
        this.devices = Collections.unmodifiableList(d);
        this.issues = List.copyOf(issues);
        this.launchLinks = launchLinks;
    }

    /**
     * @return GPU row to launching API call links, or {@code null} when the importer was asked not to
     *         correlate (see {@link LaunchLinks#compute} to build them on demand)
     */
    public LaunchLinks launchLinks() { return launchLinks; }

    /** @return the links, computing them if the importer did not. */
    public LaunchLinks launchLinksOrCompute() {
        if (launchLinks != null) {
            return launchLinks;
        }
        LaunchLinks l = computedLinks;
        if (l == null) {
            synchronized (this) {
                l = computedLinks;
                if (l == null) {
                    l = LaunchLinks.compute(kernels, memcpys, memsets, cudaApi);
                    computedLinks = l;
                }
            }
        }
        return l;
    }

    public TraceMetadata metadata() { return metadata; }
    public StringTable strings() { return strings; }
    /** GPU kernels. */
    public KernelTable kernels() { return kernels; }
    public MemcpyTable memcpys() { return memcpys; }
    public MemsetTable memsets() { return memsets; }
    /** CUDA runtime and driver API calls. */
    public ApiCallTable cudaApi() { return cudaApi; }
    public SyncTable syncs() { return syncs; }
    public NvtxTable nvtx() { return nvtx; }
    /** CPU operator ranges (Kineto {@code cpu_op}, {@code python_function}); empty for nsys. */
    public NvtxTable cpuRanges() { return cpuRanges; }
    /** OS runtime calls (all event classes as exported; reports filter class 27). */
    public ApiCallTable osRuntime() { return osRuntime; }
    /** Threads by globalTid. */
    public Map<Long, ThreadInfo> threads() { return threads; }
    /** Processes by globalPid. */
    public Map<Long, ProcessInfo> processes() { return processes; }
    /** GPUs by ascending id. */
    public List<GpuDevice> devices() { return devices; }
    /** Import issues in the order found. */
    public List<ImportIssue> issues() { return issues; }

    /** @return the string of an id, {@code null} for {@link StringTable#NONE}. */
    public String string(int id) {
        return strings.get(id);
    }

    /**
     * @return [min start, max end] over all event tables, ns; {@code null} when the trace has no events
     */
    public long[] spanNs() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (IntervalTable t : List.of(kernels, memcpys, memsets, cudaApi, syncs, nvtx, osRuntime)) {
            for (int i = 0, n = t.size(); i < n; i++) {
                long s = t.startNs(i);
                if (s < min) {
                    min = s;
                }
                long e = t.hasEnd(i) ? t.endNs(i) : s;
                if (e > max) {
                    max = e;
                }
            }
        }
        return min == Long.MAX_VALUE ? null : new long[] {min, max};
    }
}
