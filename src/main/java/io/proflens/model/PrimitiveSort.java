package io.proflens.model;

/**
 * Sorting of int index arrays with a primitive comparator, without boxing (the JDK only sorts boxed
 * objects with a comparator). Stable merge sort, O(n log n), one scratch array; input made of a few long ascending
 * runs (rows exported in start order, tables concatenated) is merged run by run in O(n log runs).
 */
public final class PrimitiveSort {
    private PrimitiveSort() {
    }

    /** Comparator over row indices. */
    @FunctionalInterface
    public interface IndexComparator {
        int compare(int a, int b);
    }

    /**
     * Sorts {@code idx} in place (stable) and returns it.
     *
     * @param idx row indices
     * @param cmp order
     * @return {@code idx}
     */
    public static int[] sortIndices(int[] idx, IndexComparator cmp) {
        int n = idx.length;
        if (n < 2) {
            return idx;
        }
        // natural runs: when the input is already made of few ascending runs, merge those
        int runs = 1;
        int maxRuns = Math.max(2, n / 64);
        for (int i = 1; i < n && runs <= maxRuns; i++) {
            if (cmp.compare(idx[i - 1], idx[i]) > 0) {
                runs++;
            }
        }
        if (runs == 1) {
            return idx;
        }
        if (runs <= maxRuns) {
            return mergeRuns(idx, runs, cmp);
        }
        int[] tmp = new int[n];
        int[] src = idx;
        int[] dst = tmp;
        for (int i = 0; i < n; i += 32) {
            insertion(src, i, Math.min(n, i + 32), cmp);
        }
        for (int width = 32; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int a = lo;
                int b = mid;
                int k = lo;
                if (mid >= hi || cmp.compare(src[mid - 1], src[mid]) <= 0) {
                    System.arraycopy(src, lo, dst, lo, hi - lo);
                    continue;
                }
                while (a < mid && b < hi) {
                    dst[k++] = cmp.compare(src[b], src[a]) < 0 ? src[b++] : src[a++];
                }
                while (a < mid) {
                    dst[k++] = src[a++];
                }
                while (b < hi) {
                    dst[k++] = src[b++];
                }
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, n);
        }
        return idx;
    }

    /** Bottom-up merge of the ascending runs of {@code idx} (stable: ties keep the left run first). */
    private static int[] mergeRuns(int[] idx, int runCount, IndexComparator cmp) {
        int n = idx.length;
        int[] bounds = new int[runCount + 1];
        int r = 0;
        bounds[r++] = 0;
        for (int i = 1; i < n; i++) {
            if (cmp.compare(idx[i - 1], idx[i]) > 0) {
                bounds[r++] = i;
            }
        }
        bounds[r] = n;
        int[] src = idx;
        int[] dst = new int[n];
        int count = runCount;
        while (count > 1) {
            int out = 0;
            for (int k = 0; k < count; k += 2) {
                int lo = bounds[k];
                int mid = bounds[Math.min(k + 1, count)];
                int hi = bounds[Math.min(k + 2, count)];
                int a = lo;
                int b = mid;
                int o = lo;
                while (a < mid && b < hi) {
                    dst[o++] = cmp.compare(src[b], src[a]) < 0 ? src[b++] : src[a++];
                }
                System.arraycopy(src, a, dst, o, mid - a);
                o += mid - a;
                System.arraycopy(src, b, dst, o, hi - b);
                bounds[out++] = lo;
            }
            bounds[out] = n;
            count = out;
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, n);
        }
        return idx;
    }

    /**
     * Stable sort by group first, then by {@code within}: a counting sort by group keeps each group's rows in input
     * order, so when rows are already ordered inside each group (thread-interleaved rows exported in start order)
     * the whole sort is O(n) plus the ordering of the distinct groups.
     *
     * @param idx        row indices (sorted in place and returned)
     * @param groupId    a value that is equal exactly for rows of the same group
     * @param groupOrder order of groups, given two rows of different groups
     * @param within     order inside a group
     * @return {@code idx}
     */
    public static int[] sortByGroupThen(int[] idx, java.util.function.IntToLongFunction groupId,
            IndexComparator groupOrder, IndexComparator within) {
        int n = idx.length;
        if (n < 2) {
            return idx;
        }
        LongIntHashMap dense = new LongIntHashMap(64);
        int[] groupOfPos = new int[n];
        int[] firstRow = new int[16];
        for (int i = 0; i < n; i++) {
            long g = groupId.applyAsLong(idx[i]);
            int d = dense.get(g);
            if (d < 0) {
                d = dense.size();
                dense.putIfAbsent(g, d);
                if (d == firstRow.length) {
                    firstRow = java.util.Arrays.copyOf(firstRow, d * 2);
                }
                firstRow[d] = idx[i];
            }
            groupOfPos[i] = d;
        }
        int groups = dense.size();
        int[] reps = java.util.Arrays.copyOf(firstRow, groups);
        int[] gOrder = sortIndices(identity(groups), (x, y) -> groupOrder.compare(reps[x], reps[y]));
        int[] rank = new int[groups];
        for (int i = 0; i < groups; i++) {
            rank[gOrder[i]] = i;
        }
        int[] start = new int[groups + 1];
        for (int i = 0; i < n; i++) {
            start[rank[groupOfPos[i]] + 1]++;
        }
        for (int i = 0; i < groups; i++) {
            start[i + 1] += start[i];
        }
        int[] bounds = java.util.Arrays.copyOf(start, groups + 1);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[start[rank[groupOfPos[i]]]++] = idx[i];
        }
        for (int g = 0; g < groups; g++) {
            int lo = bounds[g];
            int hi = bounds[g + 1];
            if (hi - lo > 1) {
                int[] part = sortIndices(java.util.Arrays.copyOfRange(out, lo, hi), within);
                System.arraycopy(part, 0, out, lo, hi - lo);
            }
        }
        System.arraycopy(out, 0, idx, 0, n);
        return idx;
    }

    private static void insertion(int[] a, int lo, int hi, IndexComparator cmp) {
        for (int i = lo + 1; i < hi; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= lo && cmp.compare(a[j], v) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** @return indices 0..n-1. */
    public static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
