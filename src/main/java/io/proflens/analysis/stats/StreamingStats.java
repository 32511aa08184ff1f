package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs several {@link StreamableReport}s in one pass: their accumulators' sinks are teed per table, so each
 * table is scanned once (by the reader) and feeds every report; nothing is stored. Use:
 * {@code StreamingStats s = new StreamingStats(...); reader.read(file, options, progress, s.sinks());
 * List<ResultTable> r = s.finish(trace);}.
 */
public final class StreamingStats {
    private final List<StreamableReport.Accumulator> accumulators = new ArrayList<>();
    private final RowSinks sinks;

    /**
     * @param reports the reports, each with its context (parallel lists)
     */
    public StreamingStats(List<StreamableReport> reports, List<StatsContext> contexts) {
        List<RowSinks> all = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            StreamableReport.Accumulator acc = reports.get(i).accumulator(contexts.get(i));
            accumulators.add(acc);
            all.add(acc.sinks());
        }
        sinks = tee(all);
    }

    /** @return sinks that feed every row to each of {@code parts} (tables without any sink stay {@code null}). */
    public static RowSinks tee(List<RowSinks> parts) {
        List<RowSinks.KernelSink> k = new ArrayList<>();
        List<RowSinks.MemcpySink> c = new ArrayList<>();
        List<RowSinks.MemsetSink> s = new ArrayList<>();
        List<RowSinks.ApiCallSink> a = new ArrayList<>();
        List<RowSinks.NvtxSink> n = new ArrayList<>();
        List<RowSinks.ApiCallSink> o = new ArrayList<>();
        for (RowSinks rs : parts) {
            addIf(k, rs.kernels());
            addIf(c, rs.memcpys());
            addIf(s, rs.memsets());
            addIf(a, rs.cudaApi());
            addIf(n, rs.nvtx());
            addIf(o, rs.osRuntime());
        }
        return new RowSinks(teeKernels(k), teeMemcpys(c), teeMemsets(s), teeApi(a), teeNvtx(n), teeApi(o));
    }

    private static <T> void addIf(List<T> list, T v) {
        if (v != null) {
            list.add(v);
        }
    }

    /** @return the sinks to hand to the reader. */
    public RowSinks sinks() {
        return sinks;
    }

    /** @return one table per report, in the order given. */
    public List<ResultTable> finish(Trace trace) {
        List<ResultTable> out = new ArrayList<>();
        for (StreamableReport.Accumulator a : accumulators) {
            out.add(a.finish(trace));
        }
        return out;
    }

    private static RowSinks.KernelSink teeKernels(List<RowSinks.KernelSink> l) {
        if (l.size() <= 1) {
            return l.isEmpty() ? null : l.get(0);
        }
        RowSinks.KernelSink[] arr = l.toArray(new RowSinks.KernelSink[0]);
        return (s, e, d, cx, st, corr, pid, dem, sh, man) -> {
            for (RowSinks.KernelSink x : arr) {
                x.kernel(s, e, d, cx, st, corr, pid, dem, sh, man);
            }
            return -1;
        };
    }

    private static RowSinks.MemcpySink teeMemcpys(List<RowSinks.MemcpySink> l) {
        if (l.size() <= 1) {
            return l.isEmpty() ? null : l.get(0);
        }
        RowSinks.MemcpySink[] arr = l.toArray(new RowSinks.MemcpySink[0]);
        return (s, e, d, cx, st, corr, pid, b, k, src, dst) -> {
            for (RowSinks.MemcpySink x : arr) {
                x.memcpy(s, e, d, cx, st, corr, pid, b, k, src, dst);
            }
            return -1;
        };
    }

    private static RowSinks.MemsetSink teeMemsets(List<RowSinks.MemsetSink> l) {
        if (l.size() <= 1) {
            return l.isEmpty() ? null : l.get(0);
        }
        RowSinks.MemsetSink[] arr = l.toArray(new RowSinks.MemsetSink[0]);
        return (s, e, d, cx, st, corr, pid, b, mk, v) -> {
            for (RowSinks.MemsetSink x : arr) {
                x.memset(s, e, d, cx, st, corr, pid, b, mk, v);
            }
            return -1;
        };
    }

    private static RowSinks.ApiCallSink teeApi(List<RowSinks.ApiCallSink> l) {
        if (l.size() <= 1) {
            return l.isEmpty() ? null : l.get(0);
        }
        RowSinks.ApiCallSink[] arr = l.toArray(new RowSinks.ApiCallSink[0]);
        return (s, e, tid, corr, name, cls, ret, nest) -> {
            for (RowSinks.ApiCallSink x : arr) {
                x.call(s, e, tid, corr, name, cls, ret, nest);
            }
            return -1;
        };
    }

    private static RowSinks.NvtxSink teeNvtx(List<RowSinks.NvtxSink> l) {
        if (l.size() <= 1) {
            return l.isEmpty() ? null : l.get(0);
        }
        RowSinks.NvtxSink[] arr = l.toArray(new RowSinks.NvtxSink[0]);
        return (s, e, type, text, dom, domName, tid, endTid) -> {
            for (RowSinks.NvtxSink x : arr) {
                x.nvtx(s, e, type, text, dom, domName, tid, endTid);
            }
            return -1;
        };
    }
}
