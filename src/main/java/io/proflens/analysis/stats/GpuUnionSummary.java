package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.ApiCallTable;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The union summary behind {@link CudaGpuSumReport} and {@link CudaApiGpuSumReport}: CUDA API calls
 * (optional), kernels and memory operations in one {@code GROUP BY name}, one percentage over all of them.
 * Grouping is by the name string only (nsys {@code GROUP BY 1}); the category printed is the one of the rows
 * of that name (a kernel literally called {@code [CUDA memset]} would merge with the memsets, as in nsys).
 */
final class GpuUnionSummary {
    static final String CUDA_API = "CUDA_API";
    static final String CUDA_KERNEL = "CUDA_KERNEL";
    static final String MEMORY_OPER = "MEMORY_OPER";

    private final Map<String, Integer> groupByName = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> categories = new ArrayList<>();

    private GpuUnionSummary() {
    }

    private int group(String name, String category) {
        Integer g = groupByName.get(name);
        if (g == null) {
            g = names.size();
            groupByName.put(name, g);
            names.add(name);
            categories.add(category);
        }
        return g;
    }

    /**
     * @param withApi include CUDA API calls ({@code cuda_api_gpu_sum})
     * @return the table with columns Time (%), Total Time, Instances, Avg, Med, Min, Max, StdDev, Category,
     *         Operation; total DESC, ties by operation name (code point order), then category
     */
    static ResultTable compute(String reportName, String title, Trace trace, StatsContext ctx, boolean withApi) {
        GpuUnionSummary u = new GpuUnionSummary();
        NamingPolicy naming = ReportText.naming(ctx, trace);
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        int nStrings = trace.strings().size();
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        ApiCallTable api = trace.cudaApi();
        int expected = k.size() + mc.size() + ms.size() + (withApi ? api.size() : 0);
        int[] rowGroup = new int[Math.max(16, expected)];
        long[] rowValue = new long[rowGroup.length];
        int kept = 0;
        if (withApi) {
            int[] byNameId = new int[nStrings + 1];
            Arrays.fill(byNameId, -1);
            for (int i = 0, n = api.size(); i < n; i++) {
                if (!all && !f.keepThreadRow(api.startNs(i), api.endNs(i), api.globalTid(i))) {
                    continue;
                }
                int id = api.nameId(i);
                int slot = id < 0 ? nStrings : id;
                int g = byNameId[slot];
                if (g < 0) {
                    g = u.group(NamingPolicy.stripApiVersion(trace.string(id)), CUDA_API);
                    byNameId[slot] = g;
                }
                rowGroup[kept] = g;
                rowValue[kept++] = api.durationNs(i);
            }
        }
        KernelNames kn = new KernelNames(k, ctx);
        int[] byKernelName = new int[nStrings + 1];
        Arrays.fill(byKernelName, -1);
        for (int i = 0, n = k.size(); i < n; i++) {
            if (!all && !f.keepProcessRow(k.startNs(i), k.endNs(i), k.globalPid(i))) {
                continue;
            }
            int id = kn.nameId(i);
            int slot = id < 0 ? nStrings : id;
            int g = byKernelName[slot];
            if (g < 0) {
                g = u.group(trace.string(id), CUDA_KERNEL);
                byKernelName[slot] = g;
            }
            rowGroup[kept] = g;
            rowValue[kept++] = k.durationNs(i);
        }
        int[] byCopyKind = new int[256];
        Arrays.fill(byCopyKind, -1);
        for (int i = 0, n = mc.size(); i < n; i++) {
            if (!all && !f.keepProcessRow(mc.startNs(i), mc.endNs(i), mc.globalPid(i))) {
                continue;
            }
            int kind = mc.copyKind(i) & 0xFF;
            int g = byCopyKind[kind];
            if (g < 0) {
                String nm = naming.memcpyName(mc.copyKind(i));
                if (nm == null) {
                    continue; // unknown copy kind: dropped by nsys's inner join with ENUM_CUDA_MEMCPY_OPER
                }
                g = u.group(nm, MEMORY_OPER);
                byCopyKind[kind] = g;
            }
            rowGroup[kept] = g;
            rowValue[kept++] = mc.durationNs(i);
        }
        int memsetGroup = -1;
        for (int i = 0, n = ms.size(); i < n; i++) {
            if (!all && !f.keepProcessRow(ms.startNs(i), ms.endNs(i), ms.globalPid(i))) {
                continue;
            }
            if (memsetGroup < 0) {
                memsetGroup = u.group(NamingPolicy.MEMSET_NAME, MEMORY_OPER);
            }
            rowGroup[kept] = memsetGroup;
            rowValue[kept++] = ms.durationNs(i);
        }
        GroupedStats g = new GroupedStats(u.names.size(), kept);
        for (int r = 0; r < kept; r++) {
            g.add(rowGroup[r], rowValue[r]);
        }
        SummaryStats[] stats = g.finish();
        long grand = SummaryRows.grandTotal(stats);
        List<Integer> order = new ArrayList<>();
        for (int id = 0; id < stats.length; id++) {
            if (stats[id] != null) {
                order.add(id);
            }
        }
        order.sort((a, b) -> {
            int c = Long.compare(stats[b].total(), stats[a].total());
            if (c != 0) {
                return c;
            }
            c = ReportText.compareText(u.names.get(a), u.names.get(b));
            return c != 0 ? c : u.categories.get(a).compareTo(u.categories.get(b));
        });
        List<Object[]> rows = new ArrayList<>(order.size());
        for (int id : order) {
            rows.add(SummaryRows.durationRow(stats[id], grand, true, u.categories.get(id), u.names.get(id)));
        }
        List<Column> cols = SummaryRows.durationColumns("Instances", true);
        cols.add(new Column("Category", Kind.TEXT));
        cols.add(new Column("Operation", Kind.TEXT));
        return new ResultTable(reportName, title, cols, rows);
    }
}
