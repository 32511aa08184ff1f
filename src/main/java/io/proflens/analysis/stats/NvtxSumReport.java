package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.ingest.ImportOptions.TableKind;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nvtx_sum} (NVTX Range Summary), {@code nvtx_pushpop_sum} and {@code nvtx_startend_sum}.
 * Push/pop (59, NVTXT 70) and start/end (60, NVTXT 71) ranges with a known end, grouped by (style, name)
 * where name is {@code Domain:text} per {@link NamingPolicy#nvtxName}; columns as the other summaries, then
 * {@code Style} ({@code PushPop}|{@code StartEnd}, only in {@code nvtx_sum}) and {@code Range}; ordered by
 * total DESC, ties in order of first appearance.
 */
public final class NvtxSumReport implements StatsReport {
    private final String name;
    private final boolean pushPop;
    private final boolean startEnd;

    private NvtxSumReport(String name, boolean pushPop, boolean startEnd) {
        this.name = name;
        this.pushPop = pushPop;
        this.startEnd = startEnd;
    }

    public static NvtxSumReport nvtxSum() { return new NvtxSumReport("nvtx_sum", true, true); }
    public static NvtxSumReport pushPopSum() { return new NvtxSumReport("nvtx_pushpop_sum", true, false); }
    public static NvtxSumReport startEndSum() { return new NvtxSumReport("nvtx_startend_sum", false, true); }

    @Override public String name() { return name; }

    @Override
    public String title() {
        return pushPop && startEnd ? "NVTX Range Summary" : pushPop ? "NVTX Push/Pop Range Summary"
                : "NVTX Start/End Range Summary";
    }

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
        NamingPolicy naming = ctx.naming();
        // Raw key (text, domain label, style) -> provisional group; provisional -> final group by display name.
        LongIntHashMap rawGroups = new LongIntHashMap(1024);
        Map<Long, Integer> domainIdx = new HashMap<>();
        List<long[]> rawKeys = new ArrayList<>(); // {textId, domainNameId, domainId, style}
        Map<String, Integer> finalByName = new HashMap<>();
        List<String> finalNames = new ArrayList<>();
        List<Boolean> finalPushPop = new ArrayList<>();
        int[] rawToFinal = new int[16];
        int[] groupOfRow = new int[t.size()];
        long[] valueOfRow = new long[t.size()];
        int kept = 0;
        for (int i = 0, n = t.size(); i < n; i++) {
            boolean pp = t.isPushPop(i);
            boolean se = !pp && t.isStartEnd(i);
            if (!((pp && pushPop) || (se && startEnd)) || !t.hasEnd(i)) {
                continue;
            }
            if (!all && !f.keepThreadRow(t.startNs(i), t.endNs(i), t.globalTid(i))) {
                continue;
            }
            long dk = ((long) t.domainNameId(i) << 32) ^ (t.domainId(i) & 0xFFFFFFFFL);
            Integer di = domainIdx.get(dk);
            if (di == null) {
                di = domainIdx.size();
                domainIdx.put(dk, di);
            }
            long key = ((long) (t.textId(i) + 1) << 24) ^ ((long) di << 1) ^ (pp ? 1 : 0);
            int raw = rawGroups.get(key);
            if (raw < 0) {
                raw = rawKeys.size();
                rawGroups.putIfAbsent(key, raw);
                rawKeys.add(new long[] {t.textId(i), t.domainNameId(i), t.domainId(i), pp ? 1 : 0});
                String display = naming.nvtxName(trace.string(t.domainNameId(i)), t.domainId(i), trace.string(t.textId(i)));
                String fk = (pp ? "P" : "S") + display;
                Integer fin = finalByName.get(fk);
                if (fin == null) {
                    fin = finalNames.size();
                    finalByName.put(fk, fin);
                    finalNames.add(display);
                    finalPushPop.add(pp);
                }
                if (raw == rawToFinal.length) {
                    rawToFinal = java.util.Arrays.copyOf(rawToFinal, raw * 2);
                }
                rawToFinal[raw] = fin;
            }
            groupOfRow[kept] = rawToFinal[raw];
            valueOfRow[kept] = t.durationNs(i);
            kept++;
        }
        GroupedStats g = new GroupedStats(finalNames.size(), kept);
        for (int r = 0; r < kept; r++) {
            g.add(groupOfRow[r], valueOfRow[r]);
        }
        SummaryStats[] stats = g.finish();
        long grand = SummaryRows.grandTotal(stats);
        List<Integer> order = new ArrayList<>();
        for (int id = 0; id < stats.length; id++) {
            order.add(id);
        }
        order.sort((a, b) -> {
            int c = Long.compare(stats[b].total(), stats[a].total());
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean both = pushPop && startEnd;
        List<Object[]> rows = new ArrayList<>(order.size());
        for (int id : order) {
            String style = finalPushPop.get(id) ? "PushPop" : "StartEnd";
            rows.add(both ? SummaryRows.durationRow(stats[id], grand, true, style, finalNames.get(id))
                    : SummaryRows.durationRow(stats[id], grand, true, finalNames.get(id)));
        }
        List<Column> cols = SummaryRows.durationColumns("Instances", true);
        if (both) {
            cols.add(new Column("Style", Kind.TEXT));
        }
        cols.add(new Column("Range", Kind.TEXT));
        return new ResultTable(name, title(), cols, rows);
    }
}
