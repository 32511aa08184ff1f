package io.proflens.analysis;

import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.ImportIssue;
import io.proflens.model.IntervalTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a capture contains, for the header of {@code proflens analyze}: producer and version, the event span,
 * processes and threads that have events (and how many the capture lists), GPUs with names and whether
 * they ran work, row counts per table ({@code -1} when the source has no such table), import issues.
 * Computed by a {@link Collector} that consumes rows, so it works on a stored trace ({@link #of}) and while
 * a large one is streamed.
 *
 * @param metadata          producer metadata
 * @param spanStartNs       first event start, ns ({@code null} without events)
 * @param spanEndNs         last event end, ns ({@code null} without events)
 * @param processesListed   processes the capture lists
 * @param activeProcesses   processes with CUDA API, GPU, NVTX or OSRT events, ascending pid
 * @param threadsListed     threads the capture lists
 * @param activeThreads     threads with CUDA API, NVTX or OSRT events
 * @param devices           all GPUs described by the capture
 * @param activeDeviceIds   device ids that ran kernels, copies or sets
 * @param rowCounts         table label → rows, -1 when the table is absent; in model order
 * @param issues            import issues
 */
public record CaptureInfo(TraceMetadata metadata, Long spanStartNs, Long spanEndNs, int processesListed,
                          List<ProcessInfo> activeProcesses, int threadsListed, int activeThreads,
                          List<GpuDevice> devices, List<Integer> activeDeviceIds, Map<String, Integer> rowCounts,
                          List<ImportIssue> issues) {

    /** Computes the summary of a stored trace: its rows replayed into a {@link Collector}. */
    public static CaptureInfo of(Trace t) {
        Collector c = new Collector();
        RowSinks s = c.sinks();
        t.kernels().replay(s.kernels());
        t.memcpys().replay(s.memcpys());
        t.memsets().replay(s.memsets());
        t.cudaApi().replay(s.cudaApi());
        t.nvtx().replay(s.nvtx());
        t.osRuntime().replay(s.osRuntime());
        for (int i = 0; i < t.syncs().size(); i++) {
            c.sync(t.syncs().startNs(i), t.syncs().endNs(i), t.syncs().globalPid(i), t.syncs().deviceId(i));
        }
        return c.finish(t);
    }

    /**
     * Consumes the rows of every table (span, active processes, threads and devices, row counts). Each
     * table has its own state, so a reader may feed different tables from different threads; one table's
     * rows must come from one thread.
     */
    public static final class Collector {
        /** Per-table accumulation. */
        private static final class TableState {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long rows;
            // distinct ids and devices without boxing per row (ids alternate between interleaved threads)
            final io.proflens.model.LongIntHashMap ids = new io.proflens.model.LongIntHashMap(64);
            final io.proflens.model.LongIntHashMap devs = new io.proflens.model.LongIntHashMap(16);
            long lastId = Long.MIN_VALUE;
            int lastDev = Integer.MIN_VALUE;

            void row(long s, long e, long id, int dev) {
                rows++;
                if (s < min) {
                    min = s;
                }
                long end = e == IntervalTable.NO_END ? s : e;
                if (end > max) {
                    max = end;
                }
                if (id != lastId) {
                    ids.putIfAbsent(id, 0);
                    lastId = id;
                }
                if (dev != lastDev) {
                    devs.putIfAbsent(dev, 0);
                    lastDev = dev;
                }
            }
        }

        private final TableState kernels = new TableState();
        private final TableState memcpys = new TableState();
        private final TableState memsets = new TableState();
        private final TableState api = new TableState();
        private final TableState nvtx = new TableState();
        private final TableState osrt = new TableState();
        private final TableState syncs = new TableState();

        /** @return sinks for every streamable table. */
        public RowSinks sinks() {
            return new RowSinks(
                    (s, e, d, cx, st, corr, pid, dem, sh, man) -> {
                        kernels.row(s, e, pid, d);
                        return -1;
                    },
                    (s, e, d, cx, st, corr, pid, b, k, src, dst) -> {
                        memcpys.row(s, e, pid, d);
                        return -1;
                    },
                    (s, e, d, cx, st, corr, pid, b, mk, v) -> {
                        memsets.row(s, e, pid, d);
                        return -1;
                    },
                    (s, e, tid, corr, name, cls, ret, nest) -> {
                        api.row(s, e, tid, -1);
                        return -1;
                    },
                    (s, e, type, text, dom, domName, tid, endTid) -> {
                        nvtx.row(s, e, tid, -1);
                        return -1;
                    },
                    (s, e, tid, corr, name, cls, ret, nest) -> {
                        osrt.row(s, e, tid, -1);
                        return -1;
                    });
        }

        /** Adds a synchronization row (a table that is stored, never streamed). */
        public void sync(long s, long e, long globalPid, int device) {
            syncs.row(s, e, globalPid, Integer.MIN_VALUE);
        }

        /**
         * @param t the trace the rows came from (metadata, listed processes/threads/devices, presence of
         *          tables, import issues)
         */
        public CaptureInfo finish(Trace t) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (TableState ts : List.of(kernels, memcpys, memsets, api, nvtx, osrt, syncs)) {
                min = Math.min(min, ts.min);
                max = Math.max(max, ts.max);
            }
            TreeSet<Long> pids = new TreeSet<>();
            TreeSet<Integer> devs = new TreeSet<>();
            for (TableState ts : List.of(kernels, memcpys, memsets)) {
                for (long id : ts.ids.keys()) {
                    pids.add(id);
                }
                for (long d : ts.devs.keys()) {
                    devs.add((int) d);
                }
            }
            TreeSet<Long> tids = new TreeSet<>();
            for (TableState ts : List.of(api, nvtx, osrt)) {
                for (long id : ts.ids.keys()) {
                    tids.add(id);
                }
            }
            for (Long tid : tids) {
                pids.add(GlobalIds.processOf(tid));
            }
            List<ProcessInfo> procs = new ArrayList<>();
            for (Long p : pids) {
                ProcessInfo pi = t.processes().get(p);
                procs.add(pi != null ? pi : new ProcessInfo(p, GlobalIds.pid(p), null));
            }
            procs.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
            Map<String, Integer> rows = new LinkedHashMap<>();
            rows.put("kernels", count(t.kernels(), kernels.rows));
            rows.put("memcpy", count(t.memcpys(), memcpys.rows));
            rows.put("memset", count(t.memsets(), memsets.rows));
            rows.put("CUDA API", count(t.cudaApi(), api.rows));
            rows.put("sync", count(t.syncs(), syncs.rows));
            rows.put("NVTX", count(t.nvtx(), nvtx.rows));
            rows.put("OS runtime", count(t.osRuntime(), osrt.rows));
            boolean any = min != Long.MAX_VALUE;
            return new CaptureInfo(t.metadata(), any ? min : null, any ? max : null, t.processes().size(),
                    List.copyOf(procs), t.threads().size(), tids.size(), t.devices(), List.copyOf(devs), rows,
                    t.issues());
        }

        private static int count(IntervalTable table, long rows) {
            return table.present() ? (int) Math.min(Integer.MAX_VALUE, rows) : -1;
        }
    }
}
