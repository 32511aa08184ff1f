package io.proflens.analysis.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Per-group statistics of integer values (durations in ns, sizes in bytes), with the semantics of the
 * nsys {@code *_sum} reports (nsys-reference.md §2.2): total is the exact integer sum; average is the
 * mean; median is the middle value or, for an even count, the mean of the middle pair; standard deviation
 * is the <em>sample</em> deviation (divisor n-1) and 0.0 for a single value.
 *
 * <p>{@link #compute(long[], int, int)} works in place on a slice (it partially reorders it for the
 * median selection), O(n) expected time, no allocation.
 *
 * @param count  number of values
 * @param total  sum of the values
 * @param mean   total / count
 * @param median median (middle pair averaged)
 * @param min    smallest value
 * @param max    largest value
 * @param stddev sample standard deviation, 0.0 when count == 1
 */
public record SummaryStats(long count, long total, double mean, double median, long min, long max, double stddev) {

    /**
     * Computes the statistics of {@code values[from, to)}; reorders that slice.
     *
     * @throws IllegalArgumentException for an empty slice
     */
    public static SummaryStats compute(long[] values, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            throw new IllegalArgumentException("no values");
        }
        long total = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            long v = values[i];
            total += v;
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        double mean = (double) total / n;
        double stddev = 0.0;
        if (n > 1) {
            double ss = 0;
            for (int i = from; i < to; i++) {
                double d = values[i] - mean;
                ss += d * d;
            }
            stddev = Math.sqrt(ss / (n - 1));
        }
        double median;
        int mid = from + n / 2;
        long upper = select(values, from, to - 1, mid);
        if ((n & 1) == 1) {
            median = upper;
        } else {
            // after selection every value left of mid is <= upper; the lower middle is their maximum
            long lower = Long.MIN_VALUE;
            for (int i = from; i < mid; i++) {
                if (values[i] > lower) {
                    lower = values[i];
                }
            }
            median = ((double) lower + (double) upper) / 2.0;
        }
        return new SummaryStats(n, total, mean, median, min, max, stddev);
    }

    /** Quickselect (Hoare partition, median-of-three pivot): the k-th smallest of a[lo..hi] ends at a[k]. */
    static long select(long[] a, int lo, int hi, int k) {
        while (hi > lo) {
            int m = (lo + hi) >>> 1;
            // median of three to avoid quadratic time on sorted input
            if (a[m] < a[lo]) {
                swap(a, m, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[hi] < a[m]) {
                swap(a, hi, m);
            }
            long pivot = a[m];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Rounds to one decimal, half away from zero, on the exact binary value of {@code x} — the closest
     * Java equivalent of SQLite's {@code round(x, 1)} used by the nsys report scripts.
     */
    public static double round1(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        return new BigDecimal(x).setScale(1, RoundingMode.HALF_UP).doubleValue();
    }

    /** @return {@code round(100 * part / whole, 1)}, 0.0 when whole is 0. */
    public static double percent(long part, long whole) {
        return whole == 0 ? 0.0 : round1(100.0 * part / whole);
    }
}
