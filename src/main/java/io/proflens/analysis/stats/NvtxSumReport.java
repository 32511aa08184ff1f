package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.IntervalTable;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.NvtxTable;
import io.proflens.model.RowSinks;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nvtx_sum} (NVTX Range Summary), {@code nvtx_pushpop_sum} and {@code nvtx_startend_sum}.
 * Push/pop (59, NVTXT 70) and start/end (60, NVTXT 71) ranges with a known end, grouped by (style, name)
 * where name is {@code Domain:text} per {@link NamingPolicy#nvtxName}; columns as the other summaries, then
 * {@code Style} ({@code PushPop}|{@code StartEnd}, only in {@code nvtx_sum}) and {@code Range}; ordered by
 * total DESC, ties in order of first appearance. Ranges are first grouped by (text id, domain, style) while
 * streaming and merged by display name at the end, so two domains that print alike form one row, as in nsys
 * (which groups by the printed string).
 */
public final class NvtxSumReport implements StreamableReport {
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
    public Accumulator accumulator(StatsContext ctx) {
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        GroupedStats g = new GroupedStats(1024, 0);
        LongIntHashMap rawGroups = new LongIntHashMap(1024);
        LongIntHashMap domainIdx = new LongIntHashMap(16);
        // per raw group: text id, domain name id, domain id, style (1 push/pop)
        int[][] keys = {new int[64], new int[64], new int[64], new int[64]};
        int[] rawCount = {0};
        RowSinks.NvtxSink sink = (s, e, type, textId, domainId, domainNameId, tid, endTid) -> {
            boolean pp = type == NvtxTable.PUSH_POP || type == NvtxTable.NVTXT_PUSH_POP;
            boolean se = type == NvtxTable.START_END || type == NvtxTable.NVTXT_START_END;
            if (!((pp && pushPop) || (se && startEnd)) || e == IntervalTable.NO_END) {
                return -1;
            }
            if (!all && !f.keepThreadRow(s, e, tid)) {
                return -1;
            }
            long dk = ((long) domainNameId << 32) ^ (domainId & 0xFFFFFFFFL);
            int di = domainIdx.get(dk);
            if (di < 0) {
                di = domainIdx.size();
                domainIdx.putIfAbsent(dk, di);
            }
            long key = ((long) (textId + 1) << 24) ^ ((long) di << 1) ^ (pp ? 1 : 0);
            int raw = rawGroups.get(key);
            if (raw < 0) {
                raw = rawCount[0]++;
                rawGroups.putIfAbsent(key, raw);
                if (raw == keys[0].length) {
                    for (int k = 0; k < 4; k++) {
                        keys[k] = Arrays.copyOf(keys[k], raw * 2);
                    }
                }
                keys[0][raw] = textId;
                keys[1][raw] = domainNameId;
                keys[2][raw] = domainId;
                keys[3][raw] = pp ? 1 : 0;
            }
            g.add(raw, e - s);
            return -1;
        };
        return new Accumulator() {
            @Override
            public RowSinks sinks() {
                return new RowSinks(null, null, null, null, sink, null);
            }

            @Override
            public ResultTable finish(Trace trace) {
                NamingPolicy naming = StreamableReport.naming(ctx, trace);
                int n = rawCount[0];
                String[] display = new String[n];
                Map<String, Integer> firstByName = new HashMap<>();
                List<Integer> finals = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    display[r] = naming.nvtxName(trace.string(keys[1][r]), keys[2][r], trace.string(keys[0][r]));
                    Integer first = firstByName.putIfAbsent((keys[3][r] == 1 ? "P" : "S") + display[r], r);
                    if (first == null) {
                        finals.add(r);
                    } else {
                        g.merge(r, first);
                    }
                }
                SummaryStats[] stats = new SummaryStats[n];
                long grand = 0;
                for (int r : finals) {
                    stats[r] = g.stats(r);
                    grand += stats[r].total();
                }
                finals.sort((a, b) -> {
                    int c = Long.compare(stats[b].total(), stats[a].total());
                    return c != 0 ? c : Integer.compare(a, b);
                });
                boolean both = pushPop && startEnd;
                List<Object[]> rows = new ArrayList<>(finals.size());
                for (int r : finals) {
                    String style = keys[3][r] == 1 ? "PushPop" : "StartEnd";
                    rows.add(both ? SummaryRows.durationRow(stats[r], grand, true, style, display[r])
                            : SummaryRows.durationRow(stats[r], grand, true, display[r]));
                }
                List<Column> cols = SummaryRows.durationColumns("Instances", true);
                if (both) {
                    cols.add(new Column("Style", Kind.TEXT));
                }
                cols.add(new Column("Range", Kind.TEXT));
                return new ResultTable(name, title(), cols, rows);
            }
        };
    }
}
