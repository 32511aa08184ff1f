package io.proflens.web;

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
import java.util.Random;
import java.util.TreeMap;

/** Small in-memory traces for the web tests. */
final class WebTraces {
    static final String XSS = "<img src=x onerror=alert(1)>";
    static final int PID = 100;

    private WebTraces() {
    }

    static long tid(int tid) {
        return GlobalIds.globalTid(1, PID, tid);
    }

    static long pid() {
        return GlobalIds.processOf(tid(PID));
    }

    /**
     * One process, thread 101 with nested NVTX ranges and CUDA launches, one GPU with two streams; kernel 1 is
     * named {@link #XSS}; then {@code randomKernels} short kernels with random gaps on stream 7 (seeded), each
     * launched by a cudaLaunchKernel on thread 102.
     */
    static Trace demo(int randomKernels, long seed) {
        StringTable s = new StringTable();
        KernelTable.Builder k = new KernelTable.Builder(true, false, 0);
        MemcpyTable.Builder mc = new MemcpyTable.Builder(true, 0);
        ApiCallTable.Builder api = new ApiCallTable.Builder(true, 0);
        NvtxTable.Builder nvtx = new NvtxTable.Builder(true, 0);
        int launch = s.intern("cudaLaunchKernel");
        int gemm = s.intern("sm90_xmma_gemm_bf16bf16_bf16f32");
        int xss = s.intern(XSS);
        // NVTX: step [0, 100 µs] > forward [5, 60] > attn [10, 30]; backward [65, 95]
        nvtx.add(0, 100_000, NvtxTable.PUSH_POP, s.intern("step"), 0, StringTable.NONE, tid(101), 0);
        nvtx.add(5_000, 60_000, NvtxTable.PUSH_POP, s.intern("forward"), 0, StringTable.NONE, tid(101), 0);
        nvtx.add(10_000, 30_000, NvtxTable.PUSH_POP, s.intern("attn"), 0, StringTable.NONE, tid(101), 0);
        nvtx.add(65_000, 95_000, NvtxTable.PUSH_POP, s.intern("backward"), 0, StringTable.NONE, tid(101), 0);
        // two big kernels, launched from thread 101
        api.add(11_000, 12_000, tid(101), 1, launch, 0, 0, 0);
        k.add(20_000, 50_000, 0, 1, 7, 1, pid(), xss, xss, StringTable.NONE);
        api.add(13_000, 14_000, tid(101), 2, launch, 0, 0, 0);
        k.add(50_000, 90_000, 0, 1, 8, 2, pid(), gemm, gemm, StringTable.NONE);
        mc.add(2_000, 4_000, 0, 1, 8, 3, pid(), 1 << 20, 1, 0, 2);
        api.add(1_000, 1_500, tid(101), 3, s.intern("cudaMemcpyAsync"), 0, 0, 0);
        Random r = new Random(seed);
        int[] names = new int[5];
        for (int i = 0; i < names.length; i++) {
            names[i] = s.intern("tiny_kernel_" + i);
        }
        long t = 100_000;
        for (int i = 0; i < randomKernels; i++) {
            t += r.nextInt(2_000);
            long d = r.nextInt(3_000);
            int corr = 100 + i;
            api.add(t - 500, t - 100, tid(102), corr, launch, 0, 0, 0);
            k.add(t, t + d, 0, 1, 7, corr, pid(), names[i % 5], names[i % 5], StringTable.NONE);
            t += d;
        }
        Map<Long, ThreadInfo> threads = new TreeMap<>();
        threads.put(tid(101), new ThreadInfo(tid(101), "main", 0));
        threads.put(tid(102), new ThreadInfo(tid(102), "launcher", 0));
        TraceMetadata md = new TraceMetadata("web-test.sqlite", "nsys-sqlite", "NVIDIA Nsight Systems", "2024.6.1",
                null, null, false, Map.of());
        return new Trace(md, s, k.build(), mc.build(), MemsetTable.empty(true), api.build(), SyncTable.empty(false),
                nvtx.build(), ApiCallTable.empty(true), threads, Map.of(pid(), new ProcessInfo(pid(), PID, "python")),
                List.of(), List.of(), null);
    }
}
