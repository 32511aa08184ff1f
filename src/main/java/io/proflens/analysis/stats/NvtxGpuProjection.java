package io.proflens.analysis.stats;

import io.proflens.model.ApiCallTable;
import io.proflens.model.GpuActivityTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.Arrays;

/**
 * The projection of NVTX ranges onto the GPU shared by {@link NvtxGpuProjTraceReport} and
 * {@link NvtxGpuProjSumReport} (nsys {@code nvtx_gpu_proj_trace.py}, 2021–2024):
 * <ol>
 *   <li>GPU operations (kernels, memcpys, memsets) are joined to their CUDA API call (process-scoped
 *       correlation id, inner join: operations without a launch in the capture drop out);</li>
 *   <li>an operation belongs to every range of {@link NvtxRangeSweep#projectionRanges} on the API call's
 *       thread that contains the whole call;</li>
 *   <li>per range: projected start = first start of its operations, projected end = last end,
 *       {@code NumGPUOps} = number of distinct launching calls ({@code count(DISTINCT r.correlationId)}; a
 *       call that issued several operations counts once);</li>
 *   <li>only ranges with at least one operation are projected; {@code Lvl}, {@code ParentId} and
 *       {@code RangeStack} come from the tightest-container tree over <em>all</em> ranges of the set,
 *       {@code NumChild} counts the projected ranges whose parent is the range.</li>
 * </ol>
 * All four event tables honour the row filter, as nsys's filtered views shadow all of them.
 */
final class NvtxGpuProjection {
    final NvtxTable nvtx;
    final NvtxRangeSweep ranges;
    final NvtxRangeSweep.Tree tree;
    /** Projected ranges (NVTX rows), ascending. */
    final int[] projected;
    /** Per NVTX row: first op start, last op end, distinct launches, projected children. */
    final long[] projStart;
    final long[] projEnd;
    final int[] opCount;
    final int[] numChild;
    private NvtxGpuProjection(NvtxTable nvtx, NvtxRangeSweep ranges, NvtxRangeSweep.Tree tree, int[] projected,
                              long[] projStart, long[] projEnd, int[] opCount, int[] numChild) {
        this.nvtx = nvtx;
        this.ranges = ranges;
        this.tree = tree;
        this.projected = projected;
        this.projStart = projStart;
        this.projEnd = projEnd;
        this.opCount = opCount;
        this.numChild = numChild;
    }

    /** Table checks of the projection scripts, in their order. */
    static String missing(Trace trace) {
        if (!trace.nvtx().present()) {
            return "does not contain NV Tools Extension (NVTX) data.";
        }
        if (!trace.cudaApi().present()) {
            return "does not contain CUDA API data.";
        }
        return trace.kernels().present() || trace.memcpys().present() || trace.memsets().present() ? null
                : "does not contain GPU operation data.";
    }

    static NvtxGpuProjection compute(Trace trace, TraceFilter f) {
        ApiCallTable api = trace.cudaApi();
        LaunchLinks links = trace.launchLinksOrCompute();
        int na = api.size();
        long[] opMin = new long[na];
        long[] opMax = new long[na];
        Arrays.fill(opMin, Long.MAX_VALUE);
        Arrays.fill(opMax, Long.MIN_VALUE);
        byte[] apiKept = new byte[na]; // 0 unknown, 1 kept, 2 filtered out
        boolean all = f.isNone();
        KernelTable k = trace.kernels();
        for (int i = 0, n = k.size(); i < n; i++) {
            if (all || f.keepProcessRow(k.startNs(i), k.endNs(i), k.globalPid(i))) {
                addOp(api, f, apiKept, opMin, opMax, links.kernelApiRow(i), k.startNs(i), k.endNs(i));
            }
        }
        GpuActivityTable mc = trace.memcpys();
        for (int i = 0, n = mc.size(); i < n; i++) {
            if (all || f.keepProcessRow(mc.startNs(i), mc.endNs(i), mc.globalPid(i))) {
                addOp(api, f, apiKept, opMin, opMax, links.memcpyApiRow(i), mc.startNs(i), mc.endNs(i));
            }
        }
        GpuActivityTable ms = trace.memsets();
        for (int i = 0, n = ms.size(); i < n; i++) {
            if (all || f.keepProcessRow(ms.startNs(i), ms.endNs(i), ms.globalPid(i))) {
                addOp(api, f, apiKept, opMin, opMax, links.memsetApiRow(i), ms.startNs(i), ms.endNs(i));
            }
        }
        int[] calls = new int[na];
        int nc = 0;
        for (int a = 0; a < na; a++) {
            if (opMax[a] != Long.MIN_VALUE) {
                calls[nc++] = a;
            }
        }
        NvtxTable nvtx = trace.nvtx();
        NvtxRangeSweep ranges = NvtxRangeSweep.projectionRanges(nvtx, f);
        NvtxRangeSweep.Tree tree = ranges.parents();
        int n = nvtx.size();
        long[] projStart = new long[n];
        long[] projEnd = new long[n];
        int[] opCount = new int[n];
        Arrays.fill(projStart, Long.MAX_VALUE);
        Arrays.fill(projEnd, Long.MIN_VALUE);
        ranges.forEachContaining(api, Arrays.copyOf(calls, nc), (a, r) -> {
            projStart[r] = Math.min(projStart[r], opMin[a]);
            projEnd[r] = Math.max(projEnd[r], opMax[a]);
            opCount[r]++;
        });
        int[] numChild = new int[n];
        int np = 0;
        int[] ascending = ranges.rowsAscending();
        for (int r : ascending) {
            if (opCount[r] > 0) {
                np++;
                int p = tree.parent()[r];
                if (p >= 0) {
                    numChild[p]++;
                }
            }
        }
        int[] projected = new int[np];
        int x = 0;
        for (int r : ascending) {
            if (opCount[r] > 0) {
                projected[x++] = r;
            }
        }
        return new NvtxGpuProjection(nvtx, ranges, tree, projected, projStart, projEnd, opCount, numChild);
    }

    private static void addOp(ApiCallTable api, TraceFilter f, byte[] apiKept, long[] opMin, long[] opMax, int a,
                              long start, long end) {
        if (a < 0) {
            return;
        }
        if (apiKept[a] == 0) {
            apiKept[a] = f.isNone() || f.keepThreadRow(api.startNs(a), api.endNs(a), api.globalTid(a)) ? (byte) 1
                    : (byte) 2;
        }
        if (apiKept[a] != 1) {
            return;
        }
        opMin[a] = Math.min(opMin[a], start);
        opMax[a] = Math.max(opMax[a], end);
    }

    /** @return projected duration of range row {@code r} ({@code max(op.end) - min(op.start)}). */
    long projDuration(int r) {
        return projEnd[r] - projStart[r];
    }

    /** @return original duration of range row {@code r} (missing end replaced). */
    long origDuration(int r) {
        return ranges.end(r) - nvtx.startNs(r);
    }
}
