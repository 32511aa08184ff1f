package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.GlobalIds;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code nvtx_pushpop_trace} — NVTX Push/Pop Range Trace. Semantics of nsys {@code nvtx_pushpop_trace.py}
 * (2021–2024): every push/pop range (event types 59 and NVTXT 70) with its place in the per-thread range
 * stack.
 *
 * <p>Columns: {@code Start (ns)}, {@code End (ns)} (timestamps; a missing end is replaced by the largest
 * start or end timestamp of the push/pop events, as the script's {@code ifnull(end, max)}),
 * {@code Duration (ns)}, {@code DurChild (ns)} (sum of the durations of the direct children),
 * {@code DurNonChild (ns)} ({@code Duration - DurChild}), {@code Name}
 * ({@code coalesce(domain, '') || ':' || text}, always with the colon), {@code PID}, {@code TID},
 * {@code Lvl} (from 0), {@code NumChild} (direct children), {@code RangeId} (the event's {@code rowid}: its
 * 1-based position in the NVTX table, which the importer reads in rowid order), {@code ParentId}
 * ({@code RangeId} of the tightest enclosing push/pop range on the same thread, NULL for roots),
 * {@code RangeStack} ({@code :id:id…} from the root), {@code NameTree} ({@code "--"} × Lvl + Name).
 * Order: start, then duration (nsys {@code ORDER BY 1, 3}); ties by RangeId.
 *
 * <p>Nesting comes from {@link NvtxTable#parent(int)} / {@link NvtxTable#depth(int)}; they equal the script's
 * R-tree "tightest parent" for properly nested push/pop ranges. With a filter, children outside the window
 * do not count in DurChild/NumChild (nsys's filtered view drops them as well); a kept range's parent is
 * always kept, since it contains the range. Deviation: two ranges with identical bounds on one thread are
 * each other's parent in nsys, which drops both from its output (its recursive CTE never reaches them);
 * proflens lists them, the later one as the child of the earlier one (no export here has such ranges).
 */
public final class NvtxPushPopTraceReport implements StatsReport {
    @Override public String name() { return "nvtx_pushpop_trace"; }
    @Override public String title() { return "NVTX Push/Pop Range Trace"; }
    @Override public Set<TableKind> needs(List<String> args) { return Set.of(TableKind.NVTX); }

    @Override
    public String missingData(Trace trace) {
        return trace.nvtx().present() ? null : "does not contain NV Tools Extension (NVTX) data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        NvtxTable t = trace.nvtx();
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        int n = t.size();
        int[] sel = new int[n];
        int m = 0;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            if (!t.isPushPop(i) || (!all && !f.keepThreadRow(t.startNs(i), t.endNs(i), t.globalTid(i)))) {
                continue;
            }
            sel[m++] = i;
            max = Math.max(max, t.startNs(i));
            if (t.hasEnd(i)) {
                max = Math.max(max, t.endNs(i));
            }
        }
        long[] end = new long[n];
        boolean[] kept = new boolean[n];
        for (int x = 0; x < m; x++) {
            int i = sel[x];
            end[i] = t.hasEnd(i) ? t.endNs(i) : max;
            kept[i] = true;
        }
        long[] childDur = new long[n];
        int[] childNum = new int[n];
        for (int x = 0; x < m; x++) {
            int i = sel[x];
            int p = t.parent(i);
            if (p >= 0 && kept[p]) {
                childDur[p] += end[i] - t.startNs(i);
                childNum[p]++;
            }
        }
        int[] order = PrimitiveSort.sortIndices(Arrays.copyOf(sel, m), (a, b) -> {
            int c = Long.compare(t.startNs(a), t.startNs(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(end[a] - t.startNs(a), end[b] - t.startNs(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        String[] stacks = new String[n];
        NameCache names = new NameCache(trace, t);
        List<Object[]> rows = new ArrayList<>(m);
        for (int i : order) {
            long dur = end[i] - t.startNs(i);
            int p = t.parent(i);
            int lvl = t.depth(i);
            String name = names.of(i);
            long gtid = t.globalTid(i);
            rows.add(new Object[] {
                t.startNs(i),
                t.startNs(i) + dur,
                dur,
                childDur[i],
                dur - childDur[i],
                name,
                (long) GlobalIds.pid(gtid),
                (long) GlobalIds.tid(gtid),
                (long) lvl,
                (long) childNum[i],
                (long) (i + 1),
                p >= 0 ? (Object) (long) (p + 1) : null,
                ReportText.rangeStack(t::parent, stacks, i),
                "--".repeat(lvl) + name
            });
        }
        List<Column> cols = Arrays.asList(
                new Column("Start", Kind.TIMESTAMP),
                new Column("End", Kind.TIMESTAMP),
                new Column("Duration", Kind.DURATION),
                new Column("DurChild", Kind.DURATION),
                new Column("DurNonChild", Kind.DURATION),
                new Column("Name", Kind.TEXT),
                new Column("PID", Kind.INTEGER),
                new Column("TID", Kind.INTEGER),
                new Column("Lvl", Kind.INTEGER),
                new Column("NumChild", Kind.INTEGER),
                new Column("RangeId", Kind.INTEGER),
                new Column("ParentId", Kind.INTEGER),
                new Column("RangeStack", Kind.TEXT),
                new Column("NameTree", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }

    /** Display names per (domain name id, text id) pair, built once. */
    static final class NameCache {
        private final Trace trace;
        private final NvtxTable t;
        private final LongIntHashMap index = new LongIntHashMap(256);
        private final List<String> names = new ArrayList<>();

        NameCache(Trace trace, NvtxTable t) {
            this.trace = trace;
            this.t = t;
        }

        /** @return display name of NVTX row {@code i}. */
        String of(int i) {
            return names.get(indexOf(i));
        }

        /** @return dense index of row {@code i}'s (domain, text) pair; equal pairs share an index. */
        int indexOf(int i) {
            long key = ((long) (t.domainNameId(i) + 1) << 32) | ((t.textId(i) + 1) & 0xFFFFFFFFL);
            int v = index.get(key);
            if (v < 0) {
                v = names.size();
                index.putIfAbsent(key, v);
                names.add(ReportText.nvtxFullName(trace, t, i));
            }
            return v;
        }

        /** @return the name of index {@code idx}. */
        String name(int idx) {
            return names.get(idx);
        }

        /** @return number of indices handed out. */
        int size() {
            return names.size();
        }
    }
}
