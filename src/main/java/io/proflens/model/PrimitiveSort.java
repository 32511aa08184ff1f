package io.proflens.model;

/**
 * Sorting of int index arrays with a primitive comparator, without boxing (the JDK only sorts boxed
 * objects with a comparator). Stable merge sort, O(n log n), one scratch array.
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
