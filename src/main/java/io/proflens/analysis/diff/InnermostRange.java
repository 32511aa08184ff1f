package io.proflens.analysis.diff;

import io.proflens.model.IntervalTable;
import io.proflens.model.NvtxTable;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The innermost range of a thread that contains a point in time, among the push/pop rows of an {@link NvtxTable}
 * selected by a predicate. Nesting is computed over the selected rows only (so a Python-function range between two
 * operator ranges does not hide the outer operator). Rows are sorted by (thread, start asc, end desc, row); a query
 * finds the last selected range starting at or before t by binary search and walks its ancestors until one contains
 * t ({@code start <= t < end}; a range without an end is open). O(n log n) to build, O(log n + depth) per query.
 */
final class InnermostRange {
    private final NvtxTable table;
    private final int[] order;
    private final long[] tid;
    private final long[] start;
    private final int[] parentPos;

    InnermostRange(NvtxTable table, IntPredicate select) {
        this.table = table;
        int n = table.size();
        int m = 0;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (table.isPushPop(i) && select.test(i)) {
                idx[m++] = i;
            }
        }
        Integer[] sorted = Arrays.copyOf(idx, m);
        Arrays.sort(sorted, (a, b) -> {
            int c = Long.compare(table.globalTid(a), table.globalTid(b));
            if (c == 0) {
                c = Long.compare(table.startNs(a), table.startNs(b));
            }
            if (c == 0) {
                c = Long.compare(end(b), end(a));
            }
            return c != 0 ? c : Integer.compare(a, b);
        });
        order = new int[m];
        tid = new long[m];
        start = new long[m];
        parentPos = new int[m];
        int[] stack = new int[Math.max(1, m)];
        int top = 0;
        for (int k = 0; k < m; k++) {
            int r = sorted[k];
            order[k] = r;
            tid[k] = table.globalTid(r);
            start[k] = table.startNs(r);
            while (top > 0 && (tid[stack[top - 1]] != tid[k] || end(order[stack[top - 1]]) <= start[k])) {
                top--;
            }
            parentPos[k] = top == 0 ? -1 : stack[top - 1];
            stack[top++] = k;
        }
    }

    private long end(int row) {
        long e = table.endNs(row);
        return e == IntervalTable.NO_END ? Long.MAX_VALUE : e;
    }

    /** @return the table row of the innermost selected range on {@code globalTid} containing {@code t}, or -1 */
    int innermost(long globalTid, long t) {
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
        int p = lo - 1;
        if (p < 0 || tid[p] != globalTid) {
            return -1;
        }
        while (p >= 0 && end(order[p]) <= t) {
            p = parentPos[p];
        }
        return p < 0 ? -1 : order[p];
    }
}
