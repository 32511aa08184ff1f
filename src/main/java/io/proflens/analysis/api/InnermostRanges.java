package io.proflens.analysis.api;

import io.proflens.model.IntervalTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;

/**
 * Finds the innermost push/pop range of a thread that contains a point in time, using the nesting that
 * {@link NvtxTable#parent(int)} computes. Ranges are sorted by (thread, start asc, end desc); for a query
 * (thread, t) the last range starting at or before t is found by binary search, then its ancestors are walked
 * until one contains t (properly nested ranges guarantee that any range containing t is an ancestor of that
 * range). O(n log n) to build, O(log n + depth) per query. Ranges without an end are open to the end of the trace.
 */
final class InnermostRanges {
    private final NvtxTable nvtx;
    private final int[] order;
    private final long[] tid;
    private final long[] start;

    InnermostRanges(NvtxTable nvtx) {
        this.nvtx = nvtx;
        int n = nvtx.size();
        int[] idx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (nvtx.isPushPop(i)) {
                idx[m++] = i;
            }
        }
        int[] o = PrimitiveSort.sortByGroupThen(java.util.Arrays.copyOf(idx, m), nvtx::globalTid,
                (a, b) -> Long.compare(nvtx.globalTid(a), nvtx.globalTid(b)), (a, b) -> {
            int c = Long.compare(nvtx.startNs(a), nvtx.startNs(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(endOrMax(nvtx, b), endOrMax(nvtx, a));
            return c != 0 ? c : Integer.compare(a, b);
        });
        order = o;
        tid = new long[m];
        start = new long[m];
        for (int k = 0; k < m; k++) {
            tid[k] = nvtx.globalTid(o[k]);
            start[k] = nvtx.startNs(o[k]);
        }
    }

    /** @return whether there is any push/pop range. */
    boolean isEmpty() {
        return order.length == 0;
    }

    /** @return the NVTX row of the innermost push/pop range on {@code globalTid} containing {@code t}, or -1. */
    int innermost(long globalTid, long t) {
        // first position whose (tid, start) is greater than (globalTid, t)
        int lo = 0;
        int hi = order.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tid[mid] < globalTid || (tid[mid] == globalTid && start[mid] <= t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0 || tid[lo - 1] != globalTid) {
            return -1;
        }
        int r = order[lo - 1];
        int guard = 0;
        while (r >= 0 && endOrMax(nvtx, r) < t) {
            r = nvtx.parent(r);
            if (++guard > 100_000) {
                return -1;
            }
        }
        return r;
    }

    private static long endOrMax(NvtxTable t, int i) {
        long e = t.endNs(i);
        return e == IntervalTable.NO_END ? Long.MAX_VALUE : e;
    }
}
