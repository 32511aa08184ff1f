package io.proflens.model.interval;

import io.proflens.model.PrimitiveSort;
import java.util.Arrays;

/**
 * Half-open {@code [start, end)} time intervals in ns and the sorted-merge operations on them: union, intersection
 * length, subtraction, gaps.
 *
 * <p>A <em>disjoint list</em> is a flat {@code long[]} {s0, e0, s1, e1, ...} with {@code s0 < e0 < s1 < e1 ...}
 * (touching intervals are merged), ascending. {@link #union()} produces one; the static operations take and return
 * disjoint lists. An instance collects intervals in any order and is not thread-safe.
 */
public final class Intervals {
    private long[] v;
    private int n;

    /** An empty collector. */
    public Intervals() {
        this(32);
    }

    /** @param expected expected number of intervals (capacity hint, ≥ 0) */
    public Intervals(int expected) {
        v = new long[Math.max(2, 2 * expected)];
    }

    /**
     * Adds {@code [startNs, endNs)}; an end before the start is clamped to the start (zero length).
     *
     * @param startNs start, ns
     * @param endNs   end, ns
     */
    public void add(long startNs, long endNs) {
        if (n + 2 > v.length) {
            v = Arrays.copyOf(v, Math.max(4, v.length * 2));
        }
        v[n++] = startNs;
        v[n++] = Math.max(startNs, endNs);
    }

    /** @return number of intervals added */
    public int count() {
        return n / 2;
    }

    /** @return the disjoint list covering every added interval (zero-length intervals vanish) */
    public long[] union() {
        int m = n / 2;
        long[] values = v;
        boolean sorted = true;
        for (int j = 1; j < m && sorted; j++) {
            sorted = values[2 * j] >= values[2 * j - 2];
        }
        int[] idx = PrimitiveSort.identity(m);
        if (!sorted) {
            idx = PrimitiveSort.sortIndices(idx, (a, b) -> Long.compare(values[2 * a], values[2 * b]));
        }
        long[] out = new long[n];
        int o = 0;
        for (int j = 0; j < m; j++) {
            long s = v[2 * idx[j]];
            long e = v[2 * idx[j] + 1];
            if (e <= s) {
                continue;
            }
            if (o > 0 && s <= out[o - 1]) {
                out[o - 1] = Math.max(out[o - 1], e);
            } else {
                out[o++] = s;
                out[o++] = e;
            }
        }
        return Arrays.copyOf(out, o);
    }

    /** @return the union of two disjoint lists, as a disjoint list */
    public static long[] merge(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int o = 0;
        while (i < a.length || j < b.length) {
            long s;
            long e;
            if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                s = a[i];
                e = a[i + 1];
                i += 2;
            } else {
                s = b[j];
                e = b[j + 1];
                j += 2;
            }
            if (o > 0 && s <= out[o - 1]) {
                out[o - 1] = Math.max(out[o - 1], e);
            } else {
                out[o++] = s;
                out[o++] = e;
            }
        }
        return Arrays.copyOf(out, o);
    }

    /** @return total covered length of a disjoint list, ns */
    public static long length(long[] u) {
        long t = 0;
        for (int i = 0; i < u.length; i += 2) {
            t += u[i + 1] - u[i];
        }
        return t;
    }

    /** @return total length of the intersection of two disjoint lists, ns (two pointers, linear) */
    public static long overlap(long[] a, long[] b) {
        long t = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long s = Math.max(a[i], b[j]);
            long e = Math.min(a[i + 1], b[j + 1]);
            if (e > s) {
                t += e - s;
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
        return t;
    }

    /** @return the intersection of two disjoint lists, as a disjoint list */
    public static long[] intersect(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int o = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long s = Math.max(a[i], b[j]);
            long e = Math.min(a[i + 1], b[j + 1]);
            if (e > s) {
                out[o++] = s;
                out[o++] = e;
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
        return Arrays.copyOf(out, o);
    }

    /** @return {@code a} minus {@code b}: the parts of {@code a} not covered by {@code b}, as a disjoint list */
    public static long[] subtract(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int o = 0;
        int j = 0;
        for (int i = 0; i < a.length; i += 2) {
            long s = a[i];
            long e = a[i + 1];
            while (j < b.length && b[j + 1] <= s) {
                j += 2;
            }
            int k = j;
            while (s < e && k < b.length && b[k] < e) {
                if (b[k] > s) {
                    out = ensure(out, o + 2);
                    out[o++] = s;
                    out[o++] = b[k];
                }
                s = Math.max(s, b[k + 1]);
                k += 2;
            }
            if (s < e) {
                out = ensure(out, o + 2);
                out[o++] = s;
                out[o++] = e;
            }
        }
        return Arrays.copyOf(out, o);
    }

    /**
     * @return the gaps of a disjoint list between its first start and last end, as a disjoint list (empty when
     *         fewer than two intervals)
     */
    public static long[] gaps(long[] u) {
        if (u.length < 4) {
            return new long[0];
        }
        long[] out = new long[u.length - 2];
        for (int i = 2, o = 0; i < u.length; i += 2) {
            out[o++] = u[i - 1];
            out[o++] = u[i];
        }
        return out;
    }

    /** @return covered length of a disjoint list inside {@code [fromNs, toNs)}, ns */
    public static long lengthWithin(long[] u, long fromNs, long toNs) {
        int lo = firstEndingAfter(u, fromNs);
        long t = 0;
        for (int i = lo; i < u.length && u[i] < toNs; i += 2) {
            long s = Math.max(u[i], fromNs);
            long e = Math.min(u[i + 1], toNs);
            if (e > s) {
                t += e - s;
            }
        }
        return t;
    }

    /** @return index (even) of the first interval of a disjoint list whose end is after {@code t} (binary search) */
    public static int firstEndingAfter(long[] u, long t) {
        int lo = 0;
        int hi = u.length / 2;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u[2 * mid + 1] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return 2 * lo;
    }

    private static long[] ensure(long[] a, int size) {
        return size <= a.length ? a : Arrays.copyOf(a, Math.max(size, a.length * 2));
    }
}
