package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared shape of the nsys {@code *_sum} duration reports: {@code Time (%)}, {@code Total Time},
 * count, {@code Avg}, {@code Med}, {@code Min}, {@code Max}, {@code StdDev}, then trailing text columns.
 * Avg, Med and StdDev are rounded to 0.1 ns as the nsys SQL does ({@code ROUND(x, 1)}).
 */
public final class SummaryRows {
    private SummaryRows() {
    }

    /** @return the eight statistic columns with the given count label ("Instances", "Num Calls", "Count"). */
    public static List<Column> durationColumns(String countLabel, boolean withPercent) {
        List<Column> c = new ArrayList<>();
        if (withPercent) {
            c.add(new Column("Time", Kind.PERCENT));
        }
        c.add(new Column("Total Time", Kind.DURATION));
        c.add(new Column(countLabel, Kind.INTEGER));
        c.add(new Column("Avg", Kind.DURATION));
        c.add(new Column("Med", Kind.DURATION));
        c.add(new Column("Min", Kind.DURATION));
        c.add(new Column("Max", Kind.DURATION));
        c.add(new Column("StdDev", Kind.DURATION));
        return c;
    }

    /**
     * Row cells for one group: percent (of {@code grandTotal}), total, count, avg, med, min, max, stddev,
     * then {@code trailing}.
     */
    public static Object[] durationRow(SummaryStats s, long grandTotal, boolean withPercent, Object... trailing) {
        int base = withPercent ? 8 : 7;
        Object[] r = new Object[base + trailing.length];
        int i = 0;
        if (withPercent) {
            r[i++] = SummaryStats.percent(s.total(), grandTotal);
        }
        r[i++] = s.total();
        r[i++] = s.count();
        r[i++] = SummaryStats.round1(s.mean());
        r[i++] = SummaryStats.round1(s.median());
        r[i++] = s.min();
        r[i++] = s.max();
        r[i++] = SummaryStats.round1(s.stddev());
        System.arraycopy(trailing, 0, r, i, trailing.length);
        return r;
    }

    /** @return ids of the groups that have statistics, ascending. */
    public static List<Integer> nonEmptyGroups(SummaryStats[] stats) {
        List<Integer> groups = new ArrayList<>();
        for (int id = 0; id < stats.length; id++) {
            if (stats[id] != null) {
                groups.add(id);
            }
        }
        return groups;
    }

    /** @return the sum of totals over the non-null groups. */
    public static long grandTotal(SummaryStats[] stats) {
        long t = 0;
        for (SummaryStats s : stats) {
            if (s != null) {
                t += s.total();
            }
        }
        return t;
    }
}
