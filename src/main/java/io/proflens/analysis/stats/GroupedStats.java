package io.proflens.analysis.stats;

import java.util.Arrays;

/**
 * Groups values by a non-negative group id and computes {@link SummaryStats} per group. Each group keeps
 * its values in its own growable {@code long[]} (8 bytes per value plus growth slack, no object per row),
 * so rows can be added while a table is streamed; medians are then selected in place. This is the engine
 * behind every {@code *_sum} report.
 *
 * <p>Group ids grow on demand; {@code groupCount} is a hint. Not thread-safe.
 */
public final class GroupedStats {
    private long[][] values;
    private int[] counts;
    private int groups;

    /**
     * @param groupCount   expected number of groups (a hint)
     * @param expectedRows expected number of values (unused beyond sizing; kept for call sites that know it)
     */
    public GroupedStats(int groupCount, int expectedRows) {
        int g = Math.max(4, groupCount);
        values = new long[g][];
        counts = new int[g];
    }

    /** Adds one value to group {@code group}. */
    public void add(int group, long value) {
        if (group >= values.length) {
            int n = Math.max(group + 1, values.length * 2);
            values = Arrays.copyOf(values, n);
            counts = Arrays.copyOf(counts, n);
        }
        if (group >= groups) {
            groups = group + 1;
        }
        long[] v = values[group];
        int c = counts[group];
        if (v == null) {
            v = new long[8];
            values[group] = v;
        } else if (c == v.length) {
            if (c >= Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("more than 2^31 values in one group");
            }
            v = Arrays.copyOf(v, (int) Math.min(Integer.MAX_VALUE - 8, c + (c >> 1) + 8L));
            values[group] = v;
        }
        v[c] = value;
        counts[group] = c + 1;
    }

    /** @return number of values added over all groups. */
    public long rows() {
        long n = 0;
        for (int g = 0; g < groups; g++) {
            n += counts[g];
        }
        return n;
    }

    /** @return one past the highest group id used. */
    public int groupCount() {
        return groups;
    }

    /** @return number of values in {@code group}. */
    public int count(int group) {
        return group < groups ? counts[group] : 0;
    }

    /** Moves all values of group {@code from} into group {@code to}. */
    public void merge(int from, int to) {
        if (from == to || count(from) == 0) {
            return;
        }
        long[] src = values[from];
        int n = counts[from];
        for (int i = 0; i < n; i++) {
            add(to, src[i]);
        }
        values[from] = null;
        counts[from] = 0;
    }

    /** Appends all values of {@code other}'s group {@code from} to this object's group {@code to}. */
    public void mergeFrom(GroupedStats other, int from, int to) {
        int n = other.count(from);
        long[] src = other.values[from];
        for (int i = 0; i < n; i++) {
            add(to, src[i]);
        }
    }

    /**
     * @return statistics of {@code group} or {@code null} when it has no values; reorders its values
     */
    public SummaryStats stats(int group) {
        int n = count(group);
        return n == 0 ? null : SummaryStats.compute(values[group], 0, n);
    }

    /**
     * @return per group id its statistics ({@code null} for groups without values), array length at least
     *         the {@code groupCount} hint; the values are released
     */
    public SummaryStats[] finish() {
        SummaryStats[] out = new SummaryStats[Math.max(groups, values.length)];
        for (int g = 0; g < groups; g++) {
            out[g] = stats(g);
            values[g] = null;
        }
        return out;
    }
}
