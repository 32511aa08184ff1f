package io.proflens.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulates the host and GPU timelines of a SYNTHETIC MoE decode run and hands the resulting export rows
 * over one decode step at a time, so memory stays bounded by one step whatever {@link DemoSpec#steps()} is.
 *
 * <p>Model: one Python main thread issues every CUDA call. Each launch costs 3-6 µs of API time plus
 * 0.4-1.2 µs of host work; each NVTX range adds 4-9 µs of Python overhead after it. A kernel starts
 * 1-3 µs after the previous work on its stream and 2-4 µs after its launch returned, whichever is later,
 * so the CPU runs ahead of the GPU inside a step. Cross-stream dependencies (MoE dispatch after the router,
 * experts after dispatch, combine after the experts, the next layer after combine) delay the waiting
 * stream like a {@code cudaStreamWaitEvent} would. Each step ends with a device-to-host copy and a
 * {@code cudaStreamSynchronize}; then ~1.3 ms of host-side scheduling pass before the next step.
 *
 * <p>All times are integer ns on the session clock, starting at {@link #T0_NS}. Durations get ±3 %
 * jitter, gaps a uniform draw, both from one {@link SplittableRandom} seeded with {@link DemoSpec#seed()};
 * nothing reads the wall clock, so one spec always produces the same rows.
 *
 * <p>Not thread-safe; use one instance per {@link #run}.
 */
final class DemoTimeline {
    /** Session-clock time of the first event (the SYNTHETIC NVTX mark), ns. */
    static final long T0_NS = 1_000_000_000L;
    /** Serialized GlobalId of the (only) VM, as in {@code ANALYSIS_DETAILS.globalVid} of real exports. */
    static final long GLOBAL_VID = 1L << 48;
    static final int PID = 4242;
    static final int MAIN_TID = 4242;
    static final int IO_TID = 4250;
    static final long MAIN_GLOBAL_TID = globalTid(PID, MAIN_TID);
    static final long IO_GLOBAL_TID = globalTid(PID, IO_TID);
    /** GPU tables carry the process id with the thread bits cleared. */
    static final long GLOBAL_PID = MAIN_GLOBAL_TID & ~0xFF_FFFFL;
    static final int DEVICE_ID = 0;
    static final int CONTEXT_ID = 1;
    static final int COMPUTE_STREAM = 7;
    static final int COMM_STREAM = 13;

    static final String PROCESS_NAME = "python3 -m vllm.entrypoints.demo (synthetic)";
    static final String MAIN_THREAD_NAME = "python3 (synthetic)";
    static final String IO_THREAD_NAME = "ZMQbg/IO/0 (synthetic)";
    static final String MARK_TEXT = "proflens demo: SYNTHETIC profile";

    static final int EVENT_CLASS_CUDA_RUNTIME = 0;
    static final int EVENT_CLASS_OS_RUNTIME = 27;
    static final int NVTX_MARK = 34;
    static final int NVTX_PUSH_POP_RANGE = 59;
    static final int COPY_KIND_HTOD = 1;
    static final int COPY_KIND_DTOH = 2;
    static final int MEM_KIND_PINNED = 1;
    static final int MEM_KIND_DEVICE = 2;
    static final int SYNC_TYPE_STREAM_SYNCHRONIZE = 3;
    /** {@code eventId} when no CUDA event is involved: 0xFFFFFFFF, as on the real 2024.6.2 sync row. */
    static final long SYNC_EVENT_ID_NONE = 0xFFFF_FFFFL;

    private static final long INPUT_IDS_BYTES = 4_096;
    private static final long SAMPLED_IDS_BYTES = 512;
    private static final long MEMSET_BYTES = 65_536;

    private final DemoSpec spec;
    private final SplittableRandom rng;
    private final Map<String, Integer> stringIds = new LinkedHashMap<>();
    private final int launchKernelId;
    private final int memcpyAsyncId;
    private final int memsetAsyncId;
    private final int streamSynchronizeId;
    private final int condWaitId;
    private final int pollId;
    private final int ioctlId;

    private long cpuNs = T0_NS;
    private long computeReadyNs;
    private long commReadyNs;
    /** End of the most recent launch/copy API call: the GPU cannot start that work earlier. */
    private long lastApiEndNs;
    private long nextCorrelationId = 1;
    private long nextGridId = 1;
    private long traceEndNs = T0_NS;
    private StepRows rows;
    private boolean ran;

    DemoTimeline(DemoSpec spec) {
        this.spec = spec;
        this.rng = new SplittableRandom(spec.seed());
        // Interned up front in a fixed order so StringIds ids never depend on what a step happens to do first.
        intern(MAIN_THREAD_NAME);
        intern(IO_THREAD_NAME);
        launchKernelId = intern("cudaLaunchKernel_v7000");
        memcpyAsyncId = intern("cudaMemcpyAsync_v3020");
        memsetAsyncId = intern("cudaMemsetAsync_v3020");
        streamSynchronizeId = intern("cudaStreamSynchronize_v3020");
        condWaitId = intern("pthread_cond_wait");
        pollId = intern("poll");
        ioctlId = intern("ioctl");
        for (DemoKernel k : DemoKernel.values()) {
            intern(k.demangledName);
            intern(k.shortName);
            intern(k.mangledName);
        }
    }

    static long globalTid(int pid, int tid) {
        return GLOBAL_VID | ((long) pid << 24) | tid;
    }

    /** Receives the rows of the prologue (the NVTX mark) and then of each step, in time order. */
    @FunctionalInterface
    interface StepSink<X extends Exception> {
        void accept(StepRows rows) throws X;
    }

    /**
     * Runs the whole simulation; callable once per instance, since the clocks and the random stream advance.
     *
     * @return the session span, [{@link #T0_NS}, end of the last event]
     */
    <X extends Exception> Span run(StepSink<X> sink) throws X {
        if (ran) {
            throw new IllegalStateException("a DemoTimeline runs once; create a new one");
        }
        ran = true;
        rows = new StepRows();
        rows.nvtx.add(new NvtxRow(T0_NS, null, NVTX_MARK, MARK_TEXT));
        sink.accept(rows);
        cpuNs = T0_NS + 2_000;
        for (int step = 0; step < spec.steps(); step++) {
            rows = new StepRows();
            decodeStep();
            rows.kernels.sort(Comparator.comparingLong(KernelRow::start).thenComparingLong(KernelRow::correlationId));
            sink.accept(rows);
            // Host-side scheduling between steps: the GPU idles.
            cpuNs += jitter(1_300_000);
        }
        rows = null;
        return new Span(T0_NS, traceEndNs);
    }

    /** StringIds rows, id order. Complete once the constructor returned. */
    Map<String, Integer> strings() {
        return Collections.unmodifiableMap(stringIds);
    }

    int stringId(String value) {
        Integer id = stringIds.get(value);
        if (id == null) {
            throw new IllegalStateException("not interned: " + value);
        }
        return id;
    }

    private int intern(String value) {
        // ids from 1 in first-use order
        return stringIds.computeIfAbsent(value, v -> stringIds.size() + 1);
    }

    private void decodeStep() {
        NvtxRow step = push("decode_step");

        NvtxRow r = push("prepare_inputs");
        memsetAsync(MEMSET_BYTES, 1_300);
        memcpyAsync(COPY_KIND_HTOD, MEM_KIND_PINNED, MEM_KIND_DEVICE, INPUT_IDS_BYTES, 2_200);
        pop(r);

        r = push("embed_tokens");
        launch(DemoKernel.EMBEDDING, COMPUTE_STREAM, 5_000);
        pop(r);

        int layer = 0;
        for (int i = 0; i < spec.denseLayers(); i++, layer++) {
            NvtxRow l = push("layer_" + layer);
            attentionBlock(layer, 150_000);
            r = push("mlp");
            launch(DemoKernel.GEMM_LARGE, COMPUTE_STREAM, 22_000);
            launch(DemoKernel.SILU_AND_MUL, COMPUTE_STREAM, 5_000);
            launch(DemoKernel.GEMM_LARGE, COMPUTE_STREAM, 18_000);
            pop(r);
            pop(l);
        }
        for (int i = 0; i < spec.moeLayers(); i++, layer++) {
            NvtxRow l = push("layer_" + layer);
            attentionBlock(layer, 120_000);
            moeBlock();
            pop(l);
        }
        // MTP layers continue the layer numbering, as DeepSeek-V3 stores its MTP module as layer 61 of 61.
        for (int i = 0; i < spec.mtpLayers(); i++, layer++) {
            NvtxRow l = push("mtp_layer_" + layer);
            r = push("enorm");
            launch(DemoKernel.RMS_NORM, COMPUTE_STREAM, 8_000);
            pop(r);
            r = push("hnorm");
            launch(DemoKernel.RMS_NORM, COMPUTE_STREAM, 8_000);
            pop(r);
            r = push("eh_proj");
            launch(DemoKernel.GEMM_MEDIUM, COMPUTE_STREAM, 14_000);
            pop(r);
            attentionBlock(layer, 120_000);
            moeBlock();
            pop(l);
        }

        r = push("lm_head");
        launch(DemoKernel.FUSED_ADD_RMS_NORM, COMPUTE_STREAM, 8_000);
        launch(DemoKernel.GEMM_LM_HEAD, COMPUTE_STREAM, 95_000);
        pop(r);

        r = push("sample");
        launch(DemoKernel.ARGMAX, COMPUTE_STREAM, 9_000);
        memcpyAsync(COPY_KIND_DTOH, MEM_KIND_DEVICE, MEM_KIND_PINNED, SAMPLED_IDS_BYTES, 1_900);
        long syncReturnNs = streamSynchronize();
        pop(r);
        pop(step);

        ioThread(step.start, syncReturnNs);
    }

    /** MLA attention half of a layer; layer 0 has no residual yet, hence the plain RMSNorm. */
    private void attentionBlock(int layer, long attentionNs) {
        NvtxRow r = push("input_layernorm");
        launch(layer == 0 ? DemoKernel.RMS_NORM : DemoKernel.FUSED_ADD_RMS_NORM, COMPUTE_STREAM, 8_000);
        pop(r);
        r = push("q_a_kv_a_proj");
        launch(DemoKernel.GEMM_SPLITK, COMPUTE_STREAM, 11_000);
        pop(r);
        r = push("q_b_proj");
        launch(DemoKernel.RMS_NORM_NARROW, COMPUTE_STREAM, 2_000);
        launch(DemoKernel.GEMM_MEDIUM, COMPUTE_STREAM, 14_000);
        pop(r);
        r = push("attention");
        launch(DemoKernel.ROTARY_EMBEDDING, COMPUTE_STREAM, 4_000);
        launch(DemoKernel.FLASH_MLA, COMPUTE_STREAM, attentionNs);
        pop(r);
        r = push("o_proj");
        launch(DemoKernel.GEMM_BATCHED, COMPUTE_STREAM, 3_000);
        launch(DemoKernel.GEMM_LARGE, COMPUTE_STREAM, 30_000);
        pop(r);
        r = push("post_attention_layernorm");
        launch(DemoKernel.FUSED_ADD_RMS_NORM, COMPUTE_STREAM, 8_000);
        pop(r);
    }

    /** DeepEP low-latency MoE: the shared expert on the compute stream overlaps dispatch on the comm stream. */
    private void moeBlock() {
        NvtxRow r = push("gate_topk");
        launch(DemoKernel.GEMM_ROUTER, COMPUTE_STREAM, 12_000);
        long topkEnd = launch(DemoKernel.TOPK_GATING, COMPUTE_STREAM, 7_000);
        pop(r);
        r = push("shared_expert");
        launch(DemoKernel.GEMM_MEDIUM, COMPUTE_STREAM, 11_000);
        launch(DemoKernel.SILU_AND_MUL, COMPUTE_STREAM, 3_000);
        launch(DemoKernel.GEMM_MEDIUM, COMPUTE_STREAM, 11_000);
        pop(r);
        r = push("dispatch");
        commReadyNs = Math.max(commReadyNs, topkEnd);
        long dispatchEnd = launch(DemoKernel.DEEPEP_DISPATCH, COMM_STREAM, 43_000);
        pop(r);
        r = push("experts");
        computeReadyNs = Math.max(computeReadyNs, dispatchEnd);
        launch(DemoKernel.EXPERT_GEMM_UP, COMPUTE_STREAM, 40_000);
        launch(DemoKernel.EXPERT_SILU_QUANT, COMPUTE_STREAM, 5_000);
        long expertsEnd = launch(DemoKernel.EXPERT_GEMM_DOWN, COMPUTE_STREAM, 30_000);
        pop(r);
        r = push("combine");
        commReadyNs = Math.max(commReadyNs, expertsEnd);
        long combineEnd = launch(DemoKernel.DEEPEP_COMBINE, COMM_STREAM, 12_000);
        pop(r);
        // The next residual add consumes the combined expert output.
        computeReadyNs = Math.max(computeReadyNs, combineEnd);
    }

    private NvtxRow push(String text) {
        cpuNs += between(150, 400);
        NvtxRow row = new NvtxRow(cpuNs, null, NVTX_PUSH_POP_RANGE, text);
        rows.nvtx.add(row); // push order is start order, the order nsys exports NVTX rows in
        cpuNs += between(200, 500);
        return row;
    }

    private void pop(NvtxRow row) {
        cpuNs += between(200, 500);
        row.end = cpuNs;
        seen(cpuNs);
        // Python between two operators (module call, tensor bookkeeping).
        cpuNs += between(4_000, 9_000);
    }

    /** @return GPU end of the kernel, ns */
    private long launch(DemoKernel kernel, int streamId, long nominalNs) {
        long corr = apiCall(launchKernelId, between(3_000, 6_000));
        long start = gpuStart(streamId);
        long end = start + jitter(nominalNs);
        rows.kernels.add(new KernelRow(start, end, streamId, corr, kernel, nextGridId++));
        gpuDone(streamId, end);
        return end;
    }

    private void memcpyAsync(int copyKind, int srcKind, int dstKind, long bytes, long nominalNs) {
        long corr = apiCall(memcpyAsyncId, between(5_000, 9_000));
        long start = gpuStart(COMPUTE_STREAM);
        long end = start + jitter(nominalNs);
        rows.memcpy.add(new MemcpyRow(start, end, COMPUTE_STREAM, corr, bytes, copyKind, srcKind, dstKind));
        gpuDone(COMPUTE_STREAM, end);
    }

    private void memsetAsync(long bytes, long nominalNs) {
        long corr = apiCall(memsetAsyncId, between(3_000, 5_000));
        long start = gpuStart(COMPUTE_STREAM);
        long end = start + jitter(nominalNs);
        rows.memset.add(new MemsetRow(start, end, COMPUTE_STREAM, corr, 0, bytes, MEM_KIND_DEVICE));
        gpuDone(COMPUTE_STREAM, end);
    }

    /** @return when the call returned to Python, ns */
    private long streamSynchronize() {
        long apiStart = cpuNs;
        long corr = nextCorrelationId++;
        long waitStart = apiStart + between(600, 1_200);
        long gpuIdle = Math.max(computeReadyNs, commReadyNs);
        long waitEnd = Math.max(gpuIdle, waitStart + 500) + between(300, 900);
        long apiEnd = waitEnd + between(150, 400);
        rows.runtime.add(new RuntimeRow(apiStart, apiEnd, EVENT_CLASS_CUDA_RUNTIME, MAIN_GLOBAL_TID, corr,
                streamSynchronizeId));
        rows.sync.add(new SyncRow(waitStart, waitEnd, COMPUTE_STREAM, corr, SYNC_TYPE_STREAM_SYNCHRONIZE));
        seen(apiEnd);
        cpuNs = apiEnd + between(400, 1_200);
        return apiEnd;
    }

    /** A CUDA runtime call on the main thread; advances the host clock past it. @return its correlation id */
    private long apiCall(int nameId, long durationNs) {
        long corr = nextCorrelationId++;
        long start = cpuNs;
        long end = start + durationNs;
        rows.runtime.add(new RuntimeRow(start, end, EVENT_CLASS_CUDA_RUNTIME, MAIN_GLOBAL_TID, corr, nameId));
        cpuNs = end + between(400, 1_200);
        lastApiEndNs = end;
        seen(end);
        return corr;
    }

    private long gpuStart(int streamId) {
        long gap = between(1_000, 3_000);
        long launchLatency = between(2_000, 4_000);
        long ready = streamId == COMPUTE_STREAM ? computeReadyNs : commReadyNs;
        return Math.max(ready + gap, lastApiEndNs + launchLatency);
    }

    private void gpuDone(int streamId, long endNs) {
        if (streamId == COMPUTE_STREAM) {
            computeReadyNs = endNs;
        } else {
            commReadyNs = endNs;
        }
        seen(endNs);
    }

    /** The ZMQ I/O thread: sleeps through the step, then polls its socket during host-side scheduling. */
    private void ioThread(long stepStartNs, long syncReturnNs) {
        long condStart = stepStartNs + between(5_000, 15_000);
        long condEnd = syncReturnNs - between(2_000, 8_000);
        rows.osrt.add(new OsrtRow(condStart, condEnd, condWaitId));
        long ioctlStart = condEnd + between(1_000, 3_000);
        long ioctlEnd = ioctlStart + between(3_000, 9_000);
        rows.osrt.add(new OsrtRow(ioctlStart, ioctlEnd, ioctlId));
        long pollStart = ioctlEnd + between(2_000, 5_000);
        long pollEnd = pollStart + jitter(1_000_000);
        rows.osrt.add(new OsrtRow(pollStart, pollEnd, pollId));
        seen(pollEnd);
    }

    private void seen(long endNs) {
        traceEndNs = Math.max(traceEndNs, endNs);
    }

    private long between(long lo, long hi) {
        return rng.nextLong(lo, hi + 1);
    }

    private long jitter(long nominalNs) {
        long d = nominalNs * 3 / 100;
        return nominalNs + rng.nextLong(-d, d + 1);
    }

    /** Session span in ns. */
    record Span(long startNs, long endNs) {
    }

    /** Rows of one step, each list in start order. */
    static final class StepRows {
        final List<RuntimeRow> runtime = new ArrayList<>();
        final List<KernelRow> kernels = new ArrayList<>();
        final List<MemcpyRow> memcpy = new ArrayList<>();
        final List<MemsetRow> memset = new ArrayList<>();
        final List<SyncRow> sync = new ArrayList<>();
        final List<NvtxRow> nvtx = new ArrayList<>();
        final List<OsrtRow> osrt = new ArrayList<>();
    }

    record RuntimeRow(long start, long end, int eventClass, long globalTid, long correlationId, int nameId) {
    }

    record KernelRow(long start, long end, int streamId, long correlationId, DemoKernel kernel, long gridId) {
    }

    record MemcpyRow(long start, long end, int streamId, long correlationId, long bytes, int copyKind, int srcKind,
            int dstKind) {
    }

    record MemsetRow(long start, long end, int streamId, long correlationId, int value, long bytes, int memKind) {
    }

    record SyncRow(long start, long end, int streamId, long correlationId, int syncType) {
    }

    record OsrtRow(long start, long end, int nameId) {
    }

    /** NVTX row; {@code end} is filled in at pop time and stays null for a mark. */
    static final class NvtxRow {
        final long start;
        Long end;
        final int eventType;
        final String text;

        NvtxRow(long start, Long end, int eventType, String text) {
            this.start = start;
            this.end = end;
            this.eventType = eventType;
            this.text = text;
        }
    }
}
