package io.proflens.analysis.phases;

import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds small traces from the model builders: NVTX push/pop ranges, CUDA launches and the kernels they launch. */
final class SyntheticTrace {
    /** 1 ms in ns. */
    static final long MS = 1_000_000L;

    private final StringTable strings = new StringTable();
    private final NvtxTable.Builder nvtx = new NvtxTable.Builder(true, 64);
    private final ApiCallTable.Builder api = new ApiCallTable.Builder(true, 64);
    private final KernelTable.Builder kernels = new KernelTable.Builder(true, false, 64);
    private final MemcpyTable.Builder memcpys = new MemcpyTable.Builder(true, 4);
    private final Map<Long, ThreadInfo> threads = new TreeMap<>();
    private final Map<Long, ProcessInfo> processes = new TreeMap<>();
    private int correlation = 1;

    static long tid(int pid, int tid) {
        return GlobalIds.globalTid(0, pid, tid);
    }

    private void thread(long globalTid) {
        threads.putIfAbsent(globalTid, new ThreadInfo(globalTid, "t" + GlobalIds.tid(globalTid), 0));
        long gp = GlobalIds.processOf(globalTid);
        processes.putIfAbsent(gp, new ProcessInfo(gp, GlobalIds.pid(globalTid), "p" + GlobalIds.pid(globalTid)));
    }

    /** Push/pop range in the default domain. */
    SyntheticTrace range(long globalTid, String text, long start, long end) {
        thread(globalTid);
        nvtx.add(start, end, NvtxTable.PUSH_POP, strings.intern(text), 0, StringTable.NONE, globalTid, 0);
        return this;
    }

    /** Push/pop range in a named domain (e.g. Kineto's {@code gpu_user_annotation}). */
    SyntheticTrace range(long globalTid, String domain, int domainId, String text, long start, long end) {
        thread(globalTid);
        nvtx.add(start, end, NvtxTable.PUSH_POP, strings.intern(text), domainId, strings.intern(domain), globalTid, 0);
        return this;
    }

    /** NVTX mark. */
    SyntheticTrace mark(long globalTid, String text, long at) {
        thread(globalTid);
        nvtx.add(at, NvtxTable.NO_END, NvtxTable.MARK, strings.intern(text), 0, StringTable.NONE, globalTid, 0);
        return this;
    }

    /** A cudaLaunchKernel call of 10 µs at {@code launchAt} on a thread and the kernel it launches. */
    SyntheticTrace kernel(long globalTid, long launchAt, String name, long gpuStart, long gpuEnd) {
        thread(globalTid);
        int corr = correlation++;
        api.add(launchAt, launchAt + 10_000, globalTid, corr, strings.intern("cudaLaunchKernel_v7000"),
                ApiCallTable.CLASS_CUDA_RUNTIME, 0, 0);
        int id = strings.intern(name);
        kernels.add(gpuStart, gpuEnd, 0, 1, 7, corr, GlobalIds.processOf(globalTid), id, id, StringTable.NONE);
        return this;
    }

    /** A kernel of a process without a launch in the capture. */
    SyntheticTrace orphanKernel(long globalPid, String name, long gpuStart, long gpuEnd) {
        int id = strings.intern(name);
        kernels.add(gpuStart, gpuEnd, 0, 1, 9, 999_999, globalPid, id, id, StringTable.NONE);
        return this;
    }

    /** A cudaMemcpyAsync call on a thread and its device-to-device copy (copy kind 8). */
    SyntheticTrace memcpy(long globalTid, long launchAt, long gpuStart, long gpuEnd) {
        thread(globalTid);
        int corr = correlation++;
        api.add(launchAt, launchAt + 5_000, globalTid, corr, strings.intern("cudaMemcpyAsync_v3020"),
                ApiCallTable.CLASS_CUDA_RUNTIME, 0, 0);
        memcpys.add(gpuStart, gpuEnd, 0, 1, 7, corr, GlobalIds.processOf(globalTid), 1024, 8, 2, 2);
        return this;
    }

    Trace build() {
        TraceMetadata md = new TraceMetadata("synthetic", "nsys-sqlite", "test", "2024.6.2", null, null, true,
                Map.of());
        return new Trace(md, strings, kernels.build(), memcpys.build(), MemsetTable.empty(false), api.build(),
                SyncTable.empty(false), nvtx.build(), ApiCallTable.empty(false), threads, processes, List.of(),
                List.of(), null);
    }
}
