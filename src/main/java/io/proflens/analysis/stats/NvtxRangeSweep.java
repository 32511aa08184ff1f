package io.proflens.analysis.stats;

import io.proflens.model.ApiCallTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;
import java.util.Arrays;

/**
 * The NVTX ranges of nsys's projection scripts ({@code nvtx_gpu_proj_trace}, {@code nvtx_gpu_proj_sum},
 * {@code nvtx_kern_sum}) and two per-thread sweeps over them, replacing the scripts' R-tree joins:
 * <ul>
 *   <li>ranges: push/pop and start/end ranges (event types 59, 60, NVTXT 70, 71) that begin and end on the
 *       same thread ({@code endGlobalTid IS NULL}), kept by the row filter; a missing end is replaced by the
 *       largest start or end timestamp of all range events of those four types (the scripts'
 *       {@code NVTX_EVENTS_MINMAXTS.max});</li>
 *   <li>{@link #parents()}: the tightest range of the same {@code globalTid} that contains a range (inclusive
 *       bounds, minimum {@code (c.start - p.start) + (p.end - c.end)}), and the nesting level;</li>
 *   <li>{@link #forEachContaining}: for CUDA API calls, every range of the call's thread with
 *       {@code range.start <= call.start AND range.end >= call.end}.</li>
 * </ul>
 * Both sweeps sort the ranges by (thread, start, end descending, row) and keep a list of the ranges still
 * open at the current start, so the cost is O(n log n + n × open ranges) instead of O(ranges × rows).
 *
 * <p>Tie rules where nsys leaves the result to SQLite's scan order: among equally tight containers the one
 * that starts later wins, then the lower row. Two ranges with identical bounds on one thread would be each
 * other's parent in nsys (a cycle that drops both from its recursive tree); here the lower row is the parent
 * of the higher one so that the tree stays acyclic.
 */
final class NvtxRangeSweep {
    /** Receives one (API row, NVTX row) containment. */
    @FunctionalInterface
    interface Sink {
        void accept(int apiRow, int nvtxRow);
    }

    private final NvtxTable t;
    private final int[] order;
    private final long[] end;

    private NvtxRangeSweep(NvtxTable t, int[] order, long[] end) {
        this.t = t;
        this.order = order;
        this.end = end;
    }

    /** @return the ranges of the projection scripts, filtered with {@code f} (thread rows). */
    static NvtxRangeSweep projectionRanges(NvtxTable t, TraceFilter f) {
        boolean all = f.isNone();
        int n = t.size();
        int[] rows = new int[n];
        int m = 0;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            if (!t.isPushPop(i) && !t.isStartEnd(i)) {
                continue;
            }
            if (!all && !f.keepThreadRow(t.startNs(i), t.endNs(i), t.globalTid(i))) {
                continue;
            }
            max = Math.max(max, t.startNs(i));
            if (t.hasEnd(i)) {
                max = Math.max(max, t.endNs(i));
            }
            if (t.endGlobalTid(i) == 0) {
                rows[m++] = i;
            }
        }
        long[] end = new long[n];
        for (int k = 0; k < m; k++) {
            int i = rows[k];
            end[i] = t.hasEnd(i) ? t.endNs(i) : max;
        }
        int[] order = PrimitiveSort.sortIndices(Arrays.copyOf(rows, m), (a, b) -> {
            int c = Long.compare(t.globalTid(a), t.globalTid(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(t.startNs(a), t.startNs(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(end[b], end[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        return new NvtxRangeSweep(t, order, end);
    }

    /** @return number of ranges. */
    int size() {
        return order.length;
    }

    /** @return the NVTX rows of the ranges in ascending row order (nsys {@code rowid} order). */
    int[] rowsAscending() {
        int[] r = order.clone();
        Arrays.sort(r);
        return r;
    }

    /** @return end of range row {@code i} with a missing end replaced (only valid for rows of this set). */
    long end(int i) {
        return end[i];
    }

    /** Parent links and levels of the ranges, indexed by NVTX row (-1 / 0 for rows outside the set). */
    record Tree(int[] parent, int[] level) {
    }

    /** @return tightest enclosing range per range, and levels from 0. */
    Tree parents() {
        int n = t.size();
        int[] parent = new int[n];
        int[] level = new int[n];
        Arrays.fill(parent, -1);
        int[] active = new int[16];
        int na = 0;
        long tid = 0;
        for (int k = 0; k < order.length; k++) {
            int c = order[k];
            if (k == 0 || t.globalTid(c) != tid) {
                tid = t.globalTid(c);
                na = 0;
            }
            long cs = t.startNs(c);
            long ce = end[c];
            int w = 0;
            int best = -1;
            for (int j = 0; j < na; j++) {
                int p = active[j];
                if (end[p] < cs) {
                    continue; // ended before this start: cannot contain this or any later range
                }
                active[w++] = p;
                if (end[p] >= ce && (best < 0 || tighter(p, best))) {
                    best = p;
                }
            }
            na = w;
            parent[c] = best;
            level[c] = best < 0 ? 0 : level[best] + 1;
            if (na == active.length) {
                active = Arrays.copyOf(active, na * 2);
            }
            active[na++] = c;
        }
        return new Tree(parent, level);
    }

    private boolean tighter(int p, int q) {
        long dp = end[p] - t.startNs(p);
        long dq = end[q] - t.startNs(q);
        if (dp != dq) {
            return dp < dq;
        }
        long sp = t.startNs(p);
        long sq = t.startNs(q);
        if (sp != sq) {
            return sp > sq;
        }
        return p < q;
    }

    /**
     * Calls {@code sink} for every (call, range) pair where the range lies on the call's thread and contains
     * the whole call ({@code range.start <= call.start AND range.end >= call.end}).
     *
     * @param api   the CUDA API table
     * @param calls API rows to place (any order; the array is not modified)
     * @param sink  receiver, called per thread in call start order
     */
    void forEachContaining(ApiCallTable api, int[] calls, Sink sink) {
        if (order.length == 0 || calls.length == 0) {
            return;
        }
        int[] sorted = PrimitiveSort.sortIndices(calls.clone(), (a, b) -> {
            int c = Long.compare(api.globalTid(a), api.globalTid(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(api.startNs(a), api.startNs(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] active = new int[16];
        int na = 0;
        int ri = 0;
        long tid = 0;
        boolean first = true;
        for (int a : sorted) {
            long at = api.globalTid(a);
            if (first || at != tid) {
                first = false;
                tid = at;
                na = 0;
                while (ri < order.length && t.globalTid(order[ri]) < tid) {
                    ri++;
                }
            }
            long as = api.startNs(a);
            long ae = api.endNs(a);
            while (ri < order.length && t.globalTid(order[ri]) == tid && t.startNs(order[ri]) <= as) {
                if (na == active.length) {
                    active = Arrays.copyOf(active, na * 2);
                }
                active[na++] = order[ri++];
            }
            int w = 0;
            for (int j = 0; j < na; j++) {
                int r = active[j];
                if (end[r] < as) {
                    continue; // ended before this call: cannot contain any later call either
                }
                active[w++] = r;
                if (end[r] >= ae) {
                    sink.accept(a, r);
                }
            }
            na = w;
        }
    }
}
