package io.proflens.analysis.stats;

/**
 * Groups values by a dense group id and computes {@link SummaryStats} per group in one pass over the
 * rows plus one bucket scatter (counting sort): O(rows + groups) memory of one {@code long[]} the size of
 * the kept rows, no object per row. This is the engine behind every {@code *_sum} report.
 *
 * <p>Usage: {@code add(group, value)} for every kept row, then {@link #finish()}. Group ids are
 * non-negative and below the {@code groupCount} given at construction.
 */
public final class GroupedStats {
    private final int groupCount;
    private int[] groupOfRow;
    private long[] valueOfRow;
    private int rows;

    /**
     * @param groupCount   exclusive upper bound of group ids
     * @param expectedRows capacity hint
     */
    public GroupedStats(int groupCount, int expectedRows) {
        this.groupCount = groupCount;
        groupOfRow = new int[Math.max(16, expectedRows)];
        valueOfRow = new long[Math.max(16, expectedRows)];
    }

    /** Adds one value to group {@code group}. */
    public void add(int group, long value) {
        if (rows == groupOfRow.length) {
            int c = (int) Math.min(Integer.MAX_VALUE - 8, rows * 3L / 2 + 16);
            groupOfRow = java.util.Arrays.copyOf(groupOfRow, c);
            valueOfRow = java.util.Arrays.copyOf(valueOfRow, c);
        }
        groupOfRow[rows] = group;
        valueOfRow[rows] = value;
        rows++;
    }

    /** @return number of values added. */
    public int rows() {
        return rows;
    }

    /**
     * @return per group id its statistics, {@code null} for groups without values; the builder is
     *         consumed
     */
    public SummaryStats[] finish() {
        int[] start = new int[groupCount + 1];
        for (int i = 0; i < rows; i++) {
            start[groupOfRow[i] + 1]++;
        }
        for (int g = 0; g < groupCount; g++) {
            start[g + 1] += start[g];
        }
        long[] sorted = new long[rows];
        int[] fill = java.util.Arrays.copyOf(start, groupCount);
        for (int i = 0; i < rows; i++) {
            sorted[fill[groupOfRow[i]]++] = valueOfRow[i];
        }
        groupOfRow = null;
        valueOfRow = null;
        SummaryStats[] out = new SummaryStats[groupCount];
        for (int g = 0; g < groupCount; g++) {
            if (start[g + 1] > start[g]) {
                out[g] = SummaryStats.compute(sorted, start[g], start[g + 1]);
            }
        }
        return out;
    }
}
