package io.proflens.analysis.api;

import io.proflens.analysis.stats.SummaryStats;
import java.util.Arrays;

/**
 * Values tagged with a small group id, kept in two growable primitive arrays (12 bytes per value), from which
 * {@link SummaryStats} per group and over all values are computed with one counting sort. Used where both
 * per-group and overall medians are needed. Not thread-safe.
 */
final class GroupedValues {
    private final int groups;
    private long[] values = new long[16];
    private int[] group = new int[16];
    private int size;

    /** @param groups number of groups; ids are 0..groups-1 */
    GroupedValues(int groups) {
        this.groups = groups;
    }

    void add(int g, long v) {
        if (size == values.length) {
            int c = values.length * 2;
            values = Arrays.copyOf(values, c);
            group = Arrays.copyOf(group, c);
        }
        values[size] = v;
        group[size++] = g;
    }

    int size() {
        return size;
    }

    /**
     * @return {@code groups + 1} entries: the statistics of each group ({@code null} when it has no value), then
     *         those of all values ({@code null} when there are none). Consumes the values.
     */
    SummaryStats[] finish() {
        int[] offset = new int[groups + 1];
        for (int i = 0; i < size; i++) {
            offset[group[i] + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            offset[g + 1] += offset[g];
        }
        long[] sorted = new long[size];
        int[] next = Arrays.copyOf(offset, groups);
        for (int i = 0; i < size; i++) {
            sorted[next[group[i]]++] = values[i];
        }
        values = null;
        group = null;
        SummaryStats[] r = new SummaryStats[groups + 1];
        for (int g = 0; g < groups; g++) {
            if (offset[g + 1] > offset[g]) {
                r[g] = SummaryStats.compute(sorted, offset[g], offset[g + 1]);
            }
        }
        if (size > 0) {
            r[groups] = SummaryStats.compute(sorted, 0, size);
        }
        return r;
    }
}
