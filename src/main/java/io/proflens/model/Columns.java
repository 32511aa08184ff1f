package io.proflens.model;

import java.util.Arrays;

/** Growth helpers for the primitive column arrays of the event tables (package-private by design). */
final class Columns {
    private Columns() {
    }

    static int grow(int capacity, int needed) {
        if (needed <= capacity) {
            return capacity;
        }
        long next = Math.max((long) needed, capacity + (capacity >> 1) + 16L);
        if (next > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("table too large: " + needed + " rows");
        }
        return (int) next;
    }

    static long[] fit(long[] a, int n) {
        return a == null || a.length == n ? a : Arrays.copyOf(a, n);
    }

    static int[] fit(int[] a, int n) {
        return a == null || a.length == n ? a : Arrays.copyOf(a, n);
    }

    static byte[] fit(byte[] a, int n) {
        return a == null || a.length == n ? a : Arrays.copyOf(a, n);
    }

    static long[] longs(long[] a, int capacity) {
        return a == null ? null : Arrays.copyOf(a, capacity);
    }

    static int[] ints(int[] a, int capacity) {
        return a == null ? null : Arrays.copyOf(a, capacity);
    }

    static byte[] bytes(byte[] a, int capacity) {
        return a == null ? null : Arrays.copyOf(a, capacity);
    }
}
